/** Shared by the sparse COO tests: torch 1.13's fixture (scripts/fixtures/sparse_coo_fixtures.py) and a comparison. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { SparseCooTensor } from "../../../../lib/tensor/sparse/index";
import { expectT, type TJ } from "../tutorials/helpers";

/** A sparse tensor as the fixture stores it. */
export interface SPJ {
  indices: number[][];
  values: TJ;
  size: number[];
  coalesced: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ref = JSON.parse(readFileSync(fileURLToPath(new URL("../../../fixtures/torch/sparse/sparse_coo.json", import.meta.url)), "utf8")) as Record<string, any>;

/** Indices, values (to `tol`), size and the coalesced flag equal torch's. */
export function expectSP(s: SparseCooTensor, e: SPJ, tol = 1e-6): void {
  expect([...s.shape]).toEqual(e.size);
  expect(s._indices().tolist()).toEqual(e.indices);
  expect(s._indices().shape[1]).toBe(e.values.shape[0]);
  expectT(s._values(), e.values, tol);
  expect(s.is_coalesced()).toBe(e.coalesced);
}
