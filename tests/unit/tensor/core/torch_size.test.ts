/**
 * Shapes are torch.Size (lib/tensor/size.ts): plain frozen number arrays that also read Python's
 * negative indices, so x.shape[-1] is the last size, as PyTorch code writes it, instead of undefined.
 */
import { describe, expect, it } from "vitest";
import { IndexError, nn, torch } from "../../../../lib/tensor/index";
import { Size, sizeOf } from "../../../../lib/tensor/size";
import { formatValue } from "../../../../lib/kernel/display/format-value";

describe("torch.Size", () => {
  it("x.shape[-k] and x.size()[-k] read from the end; past the front raises torch's IndexError", () => {
    const x = torch.zeros(2, 3, 5);
    expect([x.shape[-1], x.shape[-2], x.shape[-3]]).toEqual([5, 3, 2]);
    expect(x.size()[-1]).toBe(5);
    expect(() => x.shape[-4]).toThrow("tuple index out of range");
    expect(() => torch.tensor(1.5).shape[-1]).toThrow("tuple index out of range");
    // The idiom it serves: flatten all but the last dimension.
    expect(x.view(-1, x.shape[-1]).shape).toEqual([6, 5]);
  });

  it("prints as torch prints a shape: print(x.shape), f\"{x.shape}\", a list of shapes and the notebook's display", () => {
    expect(String(torch.zeros(2, 3).shape)).toBe("torch.Size([2, 3])");
    expect(`${torch.zeros(4).size()}`).toBe("torch.Size([4])");
    expect(String(torch.tensor(1.5).shape)).toBe("torch.Size([])");
    expect(String(torch.Size([1, 28, 28]))).toBe("torch.Size([1, 28, 28])");
    expect(formatValue([torch.zeros(2, 1).shape, 3])).toBe("[torch.Size([2, 1]), 3]");
    // slices and maps of a shape are plain arrays again, as in Python (x.shape[1:] is a torch.Size there, a list's repr here)
    expect(String(torch.zeros(2, 3).shape.slice(1))).toBe("3");
  });

  it("x.shape[k] past the last dimension raises torch's IndexError (a Python tuple's), where an array read undefined", () => {
    const mask = torch.ones(4, 4);
    expect(() => mask.shape[2]).toThrow("tuple index out of range");
    expect(() => mask.size()[5]).toThrow(IndexError);
    expect(() => torch.tensor(2).shape[0]).toThrow("tuple index out of range");
    expect([mask.shape[0], mask.shape[1], mask.shape.length]).toEqual([4, 4, 2]);
    // reads that do not index stay as they were: iteration, destructuring, includes, at, concat
    const [a, b, c] = mask.shape;
    expect([a, b, c, mask.shape.includes(4), mask.shape.at(5), mask.shape.concat([1])]).toEqual([4, 4, undefined, true, undefined, [4, 4, 1]]);
  });

  it("stays a plain number array to every other use, and immutable", () => {
    const x = torch.zeros(2, 3);
    expect(Array.isArray(x.shape)).toBe(true);
    expect([...x.shape]).toEqual([2, 3]);
    expect(Object.keys(x.shape)).toEqual(["0", "1"]);
    expect(JSON.stringify(x.shape)).toBe("[2,3]");
    expect(structuredClone(x.shape)).toEqual([2, 3]);
    expect(x.shape.map((d) => d * 2).constructor).toBe(Array);
    expect(x.shape.slice(1).constructor).toBe(Array);
    expect(Object.isFrozen(x.shape)).toBe(true);
    expect(() => {
      "use strict";
      (x.shape as number[])[0] = 7;
    }).toThrow(TypeError);
    expect(x.shape[0]).toBe(2);
  });

  it("torch.Size(...) builds one, and every shape is an instance (also after resize_ and out=)", () => {
    const s = torch.Size([4, 5]);
    expect(s[-1]).toBe(5);
    expect(s).toBeInstanceOf(torch.Size);
    expect(torch.zeros(3).shape).toBeInstanceOf(torch.Size);
    const r = torch.zeros(2, 2).resize_(3, 4);
    expect(r.shape[-1]).toBe(4);
    const out = torch.empty(1);
    torch.add(torch.ones(2, 3), 1, { out });
    expect(out.shape[-2]).toBe(2);
    expect(new nn.Linear(4, 2).weight.shape[-1]).toBe(4);
  });
});

describe("sizeOf's shared Sizes", () => {
  it("gives one frozen Size per shape, which equal shapes share", () => {
    const a = sizeOf([3, 4, 5]), b = sizeOf([3, 4, 5]);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toBeInstanceOf(Size);
    expect([...a]).toEqual([3, 4, 5]);
    expect(sizeOf([3, 4])).not.toBe(a);
    expect([...sizeOf([3, 4])]).toEqual([3, 4]);
    expect([...sizeOf([])]).toEqual([]);
    expect(torch.zeros(3, 4, 5).shape).toBe(torch.ones(3, 4, 5).shape);
  });

  it("keeps -0 apart from 0 and makes high ranks and a flood of distinct shapes correctly", () => {
    expect(Object.is(sizeOf([-0])[0], -0)).toBe(true);
    expect(Object.is(sizeOf([0])[0], 0)).toBe(true);
    expect([...sizeOf([1, 2, 3, 4, 5, 6, 7, 8])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Past the cache's bound it is cleared: every shape still comes back with its own values.
    for (let i = 0; i < 10000; i++) expect(sizeOf([i, i + 1])[1]).toBe(i + 1);
    expect(sizeOf([7, 9])).toBe(sizeOf([7, 9]));
  });
});

describe("Size's own slice, map and filter (written out for speed)", () => {
  it("give what Array.prototype's give on the same numbers, as plain arrays", () => {
    const s = sizeOf([2, 3, 5, 7]), plain = [2, 3, 5, 7];
    const cases: [number?, number?][] = [[], [1], [-1], [-10], [10], [1, 3], [1, -1], [-3, -1], [2, 1], [0, 99], [NaN], [1.9, 3.2], [-Infinity, Infinity]];
    for (const args of cases) {
      const got = s.slice(...args);
      expect(got).toEqual(plain.slice(...args));
      expect(got).not.toBeInstanceOf(Size);
      expect(Array.isArray(got)).toBe(true);
    }
    const seen: unknown[] = [];
    const ctx = { k: 10 };
    const mapped = s.map(function (this: typeof ctx, v, i, arr) {
      seen.push(arr);
      return v * this.k + i;
    }, ctx);
    expect(mapped).toEqual([20, 31, 52, 73]);
    expect(mapped).not.toBeInstanceOf(Size);
    expect(seen.every((a) => a === s)).toBe(true);
    expect(s.filter((v, i) => v > 2 && i < 3)).toEqual([3, 5]);
    expect(s.filter((v) => v > 2)).not.toBeInstanceOf(Size);
    expect(() => s.map(undefined as never)).toThrow(TypeError);
    expect(() => s.filter(3 as never)).toThrow(TypeError);
    // The idioms they serve.
    const x = torch.zeros(2, 3, 4);
    expect(x.shape.slice(0, -1)).toEqual([2, 3]);
    expect(x.shape.map((d) => d * 2)).toEqual([4, 6, 8]);
  });
});
