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

/** The second sparse fixture (scripts/fixtures/sparse_ops2_fixtures.py): mul, unary ops, sparse @ sparse, addmm, softmax. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ref2 = JSON.parse(readFileSync(fileURLToPath(new URL("../../../fixtures/torch/sparse/sparse_ops2.json", import.meta.url)), "utf8")) as Record<string, any>;

/** Our error as torch's (class, message); torch's dispatcher message ("Could not run ...") is compared up to its list of backends. */
export function expectRaised(got: [string, string] | null, torch: [string, string]): void {
  expect(got).not.toBeNull();
  expect(got![0]).toBe(torch[0]);
  const cut = torch[1].indexOf(" 'aten::", torch[1].indexOf("possible resolutions."));
  expect(got![1]).toBe(torch[1].startsWith("Could not run") && cut > 0 ? torch[1].slice(0, cut) : torch[1]);
}

/** The CSR fixture (scripts/fixtures/sparse_csr_fixtures.py). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const refCsr = JSON.parse(readFileSync(fileURLToPath(new URL("../../../fixtures/torch/sparse/sparse_csr.json", import.meta.url)), "utf8")) as Record<string, any>;
