/** torch.dtype as a class for isinstance-style checks, with torch 1.13's refusal to construct one. */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

describe("torch.dtype", () => {
  it("every dtype object is an instance; other values are not", () => {
    const D = torch.dtype;
    for (const dt of [torch.float32, torch.float64, torch.int64, torch.bool, torch.uint8, torch.complex64, torch.float16, torch.zeros(2).dtype]) {
      expect(dt instanceof D).toBe(true);
    }
    for (const v of ["float32", 1, {}, null, torch.zeros(1)]) expect(v instanceof D).toBe(false);
    expect(String(D)).toBe("<class 'torch.dtype'>");
  });

  it("cannot be called to make a dtype, as in torch", () => {
    expect(raised(() => new torch.dtype())).toEqual(["TypeError", "cannot create 'torch.dtype' instances"]);
  });
});
