/** Loads torch-generated fixtures (NaN/inf are stored as strings) and compares nested values. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { NestedArray, Tensor } from "../../../../lib/tensor/core";

const DIR = fileURLToPath(new URL("../../../fixtures/torch/core/", import.meta.url));

function revive(_k: string, v: unknown): unknown {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(DIR + name, "utf8"), revive) as T;
}

export function flat(v: NestedArray): number[] {
  if (Array.isArray(v)) return v.flatMap(flat);
  return [typeof v === "boolean" ? (v ? 1 : 0) : v];
}

/** Elementwise |a - b| <= atol + rtol |b| with a readable failure message. */
export function expectClose(actual: Tensor | NestedArray, expected: NestedArray, rtol = 1e-5, atol = 1e-6, label = ""): void {
  const a = flat(actual && typeof actual === "object" && "tolist" in actual ? (actual as Tensor).tolist() : (actual as NestedArray));
  const e = flat(expected);
  expect(a.length, `${label}: element count`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = (Number.isNaN(a[i]) && Number.isNaN(e[i])) || a[i] === e[i] || Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) expect.fail(`${label}: element ${i} differs: got ${a[i]}, expected ${e[i]}`);
  }
}
