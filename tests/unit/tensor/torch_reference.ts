/**
 * Comparing engine results with torch 1.13 fixtures ({ shape, data } as scripts/fixtures/*.py write
 * them), and running a fixture's seeded construction without disturbing the global generator.
 */
import { expect } from "vitest";
import { torch, type Tensor } from "../../../lib/tensor/index";

export type TorchTensor = { shape: number[]; data: number[] };

/** Same shape, and every element within `tol` of torch's. */
export function expectCloseToTorch(got: Tensor, want: TorchTensor, tol: number, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  (got.detach().reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]`).toBeLessThanOrEqual(tol));
}

/** f's result after torch.manual_seed(0), as the fixture script seeds; the generator's state is put back after. */
export function seeded<R>(f: () => R): R {
  const state = torch.get_rng_state();
  try {
    torch.manual_seed(0);
    return f();
  } finally {
    torch.set_rng_state(state);
  }
}
