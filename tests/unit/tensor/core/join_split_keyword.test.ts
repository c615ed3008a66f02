/**
 * torch.cat / torch.stack with the list by keyword (torch.cat(tensors=[a, b], dim=1) as torch.cat({ tensors: [a, b],
 * dim: 1 }): it raised "argument 'tensors' ... must be tuple of Tensors" or read the object as the list) and
 * torch.chunk / torch.split / x.chunk / x.split with chunks / split_size_or_sections / split_size by keyword. Each
 * keyword form equals its positional form (values and the gradient through cat); a missing or doubled argument raises
 * Python's TypeError. Typed without casts: tsc checks the keyword forms' typings.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const a = torch.arange(6, { dtype: torch.float64 }).reshape(2, 3);
const b = torch.arange(6, 12, { dtype: torch.float64 }).reshape(2, 3);
const lists = (ts: Tensor[]): unknown[] => ts.map((t) => [t.shape, t.tolist()]);

describe("join and split operands by keyword", () => {
  it("torch.cat(tensors=..., dim=...) and its aliases equal the positional form", () => {
    expect(torch.cat({ tensors: [a, b], dim: 1 }).tolist()).toEqual(torch.cat([a, b], 1).tolist());
    expect(torch.cat({ tensors: [a, b] }).tolist()).toEqual(torch.cat([a, b]).tolist());
    expect(torch.concat({ tensors: [a, b], dim: -1 }).tolist()).toEqual(torch.cat([a, b], -1).tolist());
    expect(torch.cat([a, b], { dim: 1 }).tolist()).toEqual(torch.cat([a, b], 1).tolist());
  });

  it("the gradient flows through the keyword form as through the positional one", () => {
    const x = a.clone().requires_grad_();
    const y = b.clone().requires_grad_();
    torch.cat({ tensors: [x, y], dim: 1 }).mul(torch.arange(12, { dtype: torch.float64 }).reshape(2, 6)).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 1, 2], [6, 7, 8]]);
    expect(y.grad!.tolist()).toEqual([[3, 4, 5], [9, 10, 11]]);
  });

  it("torch.stack(tensors=..., dim=...) equals the positional form", () => {
    expect(torch.stack({ tensors: [a, b], dim: 2 }).tolist()).toEqual(torch.stack([a, b], 2).tolist());
    expect(torch.stack({ tensors: [a, b] }).shape).toEqual([2, 2, 3]);
    expect(torch.stack({ tensors: [a, b], dim: 1 }).grad_fn).toBeNull();
  });

  it("chunk and split take chunks / split_size(_or_sections) by keyword", () => {
    expect(lists(torch.chunk(a, { chunks: 3, dim: 1 }))).toEqual(lists(torch.chunk(a, 3, 1)));
    expect(lists(a.chunk({ chunks: 2 }))).toEqual(lists(a.chunk(2)));
    expect(lists(torch.split(a, { split_size_or_sections: [1, 2], dim: 1 }))).toEqual(lists(torch.split(a, [1, 2], 1)));
    expect(lists(torch.split(a, 2, { dim: 1 }))).toEqual(lists(torch.split(a, 2, 1)));
    expect(lists(a.split({ split_size: 1 }))).toEqual(lists(a.split(1)));
    expect(lists(a.split({ split_size: [2, 1], dim: 1 }))).toEqual(lists(a.split([2, 1], 1)));
  });

  it("a missing, doubled or unknown argument raises Python's TypeError", () => {
    // @ts-expect-error: tensors is required
    expect(() => torch.cat({ dim: 1 })).toThrow("cat() missing 1 required positional argument: 'tensors'");
    // @ts-expect-error: tensors is required
    expect(() => torch.stack({ dim: 0 })).toThrow("stack() missing 1 required positional argument: 'tensors'");
    // @ts-expect-error: tensors is not an option of the positional form
    expect(() => torch.cat([a], { tensors: [b] })).toThrow("cat() got multiple values for argument 'tensors'");
    expect(() => torch.cat({ tensors: [a, b], dims: 1 } as never)).toThrow("unexpected keyword argument 'dims'");
    // @ts-expect-error: chunks is required
    expect(() => a.chunk({ dim: 1 })).toThrow("chunk() missing 1 required positional argument: 'chunks'");
    expect(() => a.chunk(2, { chunks: 2 } as never)).toThrow("chunk() got multiple values for argument 'chunks'");
    // @ts-expect-error: split_size is required
    expect(() => a.split({ dim: 1 })).toThrow("split() missing 1 required positional argument: 'split_size'");
    expect(() => torch.split(a, 2, { split_size_or_sections: 2 } as never)).toThrow("split() got multiple values for argument 'split_size_or_sections'");
  });
});
