/**
 * The machine's WebAssembly SIMD ceiling right now: a loop of fused multiply-adds (Relaxed SIMD,
 * as the GEMM kernel uses) on 12 independent f32x4 accumulators, no memory traffic. A GEMM
 * cannot beat it, so it is the yardstick for the matmul rows measured in the same run (the
 * shared machine's speed varies from run to run).
 */
import { buildModule, I32, V128, op } from "../lib/tensor/kernels/wasm/assembler";

const ACCUMULATORS = 12;

function ceilingModule(): WebAssembly.Instance | null {
  const g = op.localGet, s = op.localSet;
  const N = 0, ACC = 1, X = ACC + ACCUMULATORS, Y = X + 1;
  const body: number[] = [];
  for (let i = 0; i < ACCUMULATORS; i++) body.push(...op.v128Zero, ...s(ACC + i));
  body.push(...op.f32Const(1.0000001), ...op.f32x4Splat, ...s(X), ...op.f32Const(0.999999), ...op.f32x4Splat, ...s(Y));
  const step: number[] = [];
  for (let i = 0; i < ACCUMULATORS; i++) step.push(...g(X), ...g(Y), ...g(ACC + i), ...op.f32x4RelaxedMadd, ...s(ACC + i));
  body.push(...op.loop([...step, ...g(N), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(N), ...op.brIf(0)]));
  // Store the sum so the loop's results are used.
  const sum: number[] = [...g(ACC)];
  for (let i = 1; i < ACCUMULATORS; i++) sum.push(...g(ACC + i), ...op.f32x4Add);
  body.push(...op.i32Const(0), ...sum, ...op.v128Store(0));
  const bytes = buildModule([{ name: "spin", params: [I32], results: [], locals: new Array<number>(ACCUMULATORS + 2).fill(V128), body }]);
  if (!WebAssembly.validate(bytes)) return null;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
}

/** GFLOP/s of the FMA loop (best of three runs of ~2e7 iterations), or NaN without Relaxed SIMD. */
export function fmaCeilingGflops(): number {
  const instance = ceilingModule();
  if (!instance) return NaN;
  const spin = instance.exports.spin as (n: number) => void;
  spin(1e6);
  const iters = 2e7;
  let best = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    spin(iters);
    const ms = performance.now() - t0;
    best = Math.max(best, (iters * ACCUMULATORS * 4 * 2) / (ms * 1e6));
  }
  return best;
}
