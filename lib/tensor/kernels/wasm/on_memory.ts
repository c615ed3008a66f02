/**
 * Kernels that work in place on a GEMM driver's memory (packing, convolution, pooling) are small
 * modules importing that memory. Each is compiled and instantiated once per memory; a host that
 * cannot run it (no SIMD, no shared memory) gets null, and the caller keeps its JavaScript loops.
 */
import { buildModule, type WasmFunction } from "./assembler";
import { prebuiltModuleBytes } from "./prebuilt";

/**
 * `functions` as a module over an imported memory: `on(memory)` gives its exports, made once per
 * memory. A `name` lets a build with prebuilt module bytes (prebuilt.ts) skip assembling them.
 */
export function kernelsOnMemory<T>(functions: () => WasmFunction[], name?: string): (memory: WebAssembly.Memory) => T | null {
  const instances = new WeakMap<WebAssembly.Memory, T | null>();
  return (memory) => {
    let made = instances.get(memory);
    if (made === undefined) {
      try {
        const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
        // A shared memory's import must declare a maximum at least its own (the pool's is 2 GiB).
        const assemble = () => buildModule(functions(), { initial: 1, maximum: 65536, shared });
        const bytes = name === undefined ? assemble() : prebuiltModuleBytes(`${name} shared=${shared ? 1 : 0}`, assemble);
        made = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as T;
      } catch {
        made = null;
      }
      instances.set(memory, made);
    }
    return made;
  };
}
