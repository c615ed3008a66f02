/**
 * Kernels that stage their operands in a memory of their own (GELU, layer_norm, exp/sigmoid, the
 * elementwise ops, attention's row passes) are small modules exporting that memory. This compiles
 * and instantiates one, and hands out a float32 view of its memory grown to what a call needs; a
 * host without WebAssembly (or without SIMD: the module does not validate) gets null, and the
 * caller keeps its JavaScript loops. (Kernels working on a GEMM driver's memory: on_memory.ts.)
 */

export interface OwnMemoryModule<T> {
  exports: T;
  /** A float32 view of the whole memory, grown first to hold at least `floats` floats (a new view after growing). */
  heap(floats: number): Float32Array;
}

/** The module built by `moduleBytes` on its own memory, or null where it cannot run. */
export function instantiateOwnMemory<T>(moduleBytes: () => Uint8Array<ArrayBuffer>): OwnMemoryModule<T> | null {
  let exports: WebAssembly.Exports;
  try {
    if (typeof WebAssembly === "undefined") return null;
    const bytes = moduleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    return null;
  }
  const memory = exports.memory as WebAssembly.Memory;
  let view = new Float32Array(memory.buffer);
  return {
    exports: exports as T,
    heap(floats) {
      const have = memory.buffer.byteLength;
      if (floats * 4 > have) {
        memory.grow(Math.ceil((floats * 4 - have) / 65536));
        view = new Float32Array(memory.buffer);
      }
      return view;
    },
  };
}
