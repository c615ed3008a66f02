/** Shared by the sequence-model tests: tests/fixtures/torch/nn/sequence.json and small helpers around it. */
import { expect } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { Module } from "../../../../lib/tensor/nn/module";
import type { DType } from "../../../../lib/tensor/dtype";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

/** A mask as the fixture script stores it: values plus whether it was a bool or a float tensor. */
export interface MaskFT extends FT {
  dtype: "bool" | "float";
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const seq = fixture<Record<string, any>>("nn/sequence.json");

export const precisions: { name: string; dtype: DType; tol: { rtol: number; atol: number } }[] = [
  { name: "float64", dtype: torch.float64, tol: { rtol: 1e-9, atol: 1e-10 } },
  { name: "float32", dtype: torch.float32, tol: { rtol: 2e-4, atol: 2e-5 } },
];

/** A stored mask back as a bool or a float tensor of `dtype`. */
export function maskOf(m: MaskFT | null | undefined, dtype: DType): Tensor | null {
  if (!m) return null;
  const t = tensorOf(m, torch.float64);
  return m.dtype === "bool" ? t.ne(0) : t.to(dtype);
}

/** Copies stored parameters into `m` (strict: names and shapes must be PyTorch's). */
export function loadState(m: Module, state: Record<string, FT>, dtype: DType): void {
  m.load_state_dict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, tensorOf(v, dtype)])));
}

/** Every parameter's gradient against the stored ones, by PyTorch's names. */
export function expectParamGrads(m: Module, grads: Record<string, FT>, tol: { rtol: number; atol: number }, label: string): void {
  const named = Object.fromEntries(m.named_parameters());
  expect(Object.keys(named).sort(), `${label}: parameter names`).toEqual(Object.keys(grads).sort());
  for (const [name, g] of Object.entries(grads)) {
    expect(named[name].grad, `${label}: ${name}.grad`).not.toBeNull();
    expectClose(named[name].grad!, g, { ...tol, label: `${label}: grad of ${name}` });
  }
}

/**
 * The seeded state dict equals PyTorch's after the same manual_seed (float32, same draws). The
 * default tolerance is float32 rounding of uniform draws; normal draws of 16 or more elements
 * need `normalTol`, because PyTorch's vectorised Box-Muller runs in float32 and the engine's in
 * float64 (a few float32 ulps apart; a different stream would differ by O(1)).
 */
export const normalTol = { rtol: 1e-5, atol: 1e-6 };
export function expectSeededState(m: Module, expected: Record<string, FT>, label: string, tol = { rtol: 1e-6, atol: 1e-7 }): void {
  const sd = m.state_dict();
  expect(Object.keys(sd), `${label}: state_dict keys in PyTorch's order`).toEqual(Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) expectClose(sd[k], v, { ...tol, label: `${label}: ${k}` });
}

/** Elementwise weights w, as the fixture's backward used them: sum(out * w). */
export function weighted(out: Tensor, w: FT, dtype: DType): Tensor {
  return out.mul(tensorOf(w, dtype)).sum();
}
