/** Fixture access for the nn/optim/data tests: PyTorch 1.13 reference numbers as tensors. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/dtype";

const ROOT = fileURLToPath(new URL("../../../fixtures/torch/", import.meta.url));

/** A tensor as the fixture script stores it: shape plus flat row-major data. */
export interface FT {
  shape: number[];
  data: number[];
}

export function fixture<T>(path: string): T {
  return JSON.parse(readFileSync(ROOT + path, "utf8")) as T;
}

export function tensorOf(t: FT, dtype: DType = torch.float64, requires_grad = false): Tensor {
  const x = torch.tensor(t.data, { dtype }).reshape(t.shape);
  return requires_grad ? x.requires_grad_(true) : x;
}

function flatValues(x: Tensor | FT | number[]): number[] {
  if (Array.isArray(x)) return x;
  if ("data" in x && Array.isArray((x as FT).data)) return (x as FT).data;
  return Array.from((x as Tensor).contiguous().reshape(-1).tolist() as number[]);
}

/** Elementwise |a - e| <= atol + rtol |e|, and equal shapes when both are known. */
export function expectClose(actual: Tensor | FT | number[], expected: Tensor | FT | number[], opts: { rtol?: number; atol?: number; label?: string } = {}): void {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-6;
  const label = opts.label ?? "";
  if (!Array.isArray(actual) && !Array.isArray(expected)) {
    expect([...actual.shape], `${label}: shape`).toEqual([...expected.shape]);
  }
  const a = flatValues(actual);
  const e = flatValues(expected);
  expect(a.length, `${label}: element count`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = a[i] === e[i] || Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) expect.fail(`${label}: element ${i} differs: got ${a[i]}, expected ${e[i]}`);
  }
}
