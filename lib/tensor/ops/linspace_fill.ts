/**
 * linspace's values as PyTorch 1.13 computes them on the CPU, bit for bit (ATen's linspace_kernel,
 * cpu/RangeFactoriesKernel.cpp, as built for AVX2, the capability x86 builds pick): the step is
 * (end - start) / (steps - 1) in the output's type (a double for int64); the first half counts up
 * from start and the second half down from end (halfway = floor(steps / 2)). The kernel writes
 * vectors of V elements (a 32-byte register: 8 float32 or int32, 4 float64 or int64, 16 int16, 32 int8 / uint8;
 * `lanes`, integer kinds), two per loop step: each vector computes
 * its first element from start or end, as start + step * i with a fused multiply-add (the AVX2
 * kernels are compiled with FMA contraction), and the rest as first + k * step (k = 1 .. V-1, not
 * fused). The last elements (fewer than 2V) are computed one by one, fused. int64 truncates each value.
 */
import type { Storage } from "../dtype";
import { fmaF32, fmaF64 } from "./fused_multiply_add";

/** C++'s double -> int64 conversion (toward zero; an integer has no -0). */
const toInt64 = (v: number): number => Math.trunc(v) + 0;

export type LinspaceKind = "float32" | "float64" | "int64";

export function linspaceFill(out: Storage, kind: LinspaceKind, start: number, end: number, steps: number, lanes?: number): void {
  if (steps === 0) return;
  if (steps === 1) {
    out[0] = kind === "int64" ? toInt64(start) : start; // PyTorch fills start
    return;
  }
  // float32 rounds every operation to float32; int64 works in doubles from the truncated ends.
  const r = kind === "float32" ? Math.fround : (v: number) => v;
  const fma = kind === "float32" ? fmaF32 : fmaF64;
  const store = kind === "int64" ? toInt64 : r;
  const s = kind === "int64" ? toInt64(start) : r(start);
  const e = kind === "int64" ? toInt64(end) : r(end);
  const step = r(r(e - s) / r(steps - 1));
  const halfway = Math.floor(steps / 2);
  const fromEnds = (i: number): number => (i < halfway ? fma(step, r(i), s) : fma(-step, r(steps - i - 1), e));
  const V = lanes ?? (kind === "float32" ? 8 : 4);
  let i = 0;
  const vector = (at: number): void => {
    const first = store(fromEnds(at));
    out[at] = first;
    for (let k = 1; k < V; k++) out[at + k] = store(r(first + r(k * step)));
  };
  for (; i <= steps - 2 * V; i += 2 * V) {
    vector(i);
    vector(i + V);
  }
  for (; i < steps; i++) out[i] = store(fromEnds(i));
}
