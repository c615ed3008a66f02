/**
 * Assignment to a module's registered names follows torch.nn.Module.__setattr__ (lib/tensor/nn/module_setattr.ts):
 * a plain tensor given to a parameter's name raises instead of silently replacing it, a Parameter or null is
 * taken, a tensor given to a buffer's name updates the buffer, a Module given to a name registers it.
 * Values and messages from torch 1.13 (tests/fixtures/torch/core/autograd_compat.json,
 * scripts/fixtures/autograd_compat_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "../core/fixtures";

type Err = [string, string];
type Flat = { shape: number[]; data: number[] };
const ref = loadFixture<{
  setattr: {
    tensor_to_param: Err; int_to_param: Err; double_to_param: Err; after_refused: [number[], string, string[]];
    param_replaced: [number, string[], Flat]; param_none: [boolean, string[], string[]]; param_back: string[];
    buffer_tensor: [Flat, string[]]; int_to_buffer: Err; buffer_none: string[]; param_to_buffer_name: [string[], string[]];
    tensor_to_child: Err; module_registered: [string[], string[], string[]]; child_none: [string[], string[]];
    tensor_after_child_none: Err; child_back: [string[], string];
  };
}>("autograd_compat.json").setattr;

/** Assigns like Python's setattr (the engine's types forbid most of these assignments at compile time). */
const assign = (m: nn.Module, name: string, value: unknown) => {
  (m as unknown as Record<string, unknown>)[name] = value;
};

function caught(fn: () => unknown): Err {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return expect.fail("expected an error") as never;
}

const names = (pairs: [string, unknown][]) => pairs.map(([n]) => n);

describe("assigning to a parameter's name", () => {
  it("refuses a plain tensor or a number, changing nothing; takes a Parameter or null, as torch", () => {
    const lin = new nn.Linear(3, 3);
    const before = lin.weight;
    expect(caught(() => assign(lin, "weight", torch.zeros(3, 3)))).toEqual(ref.tensor_to_param);
    expect(caught(() => assign(lin, "weight", 5))).toEqual(ref.int_to_param);
    expect(caught(() => assign(lin, "bias", torch.zeros(3, { dtype: torch.float64 })))).toEqual(ref.double_to_param);
    expect(lin.weight).toBe(before);
    expect([lin.weight.shape, lin.weight.constructor.name, names(lin.named_parameters())]).toEqual(ref.after_refused);

    assign(lin, "weight", new nn.Parameter(torch.full([3, 3], 0.5)));
    const [sum, paramNames, out] = ref.param_replaced;
    expect([lin.weight.sum().item(), names(lin.named_parameters())]).toEqual([sum, paramNames]);
    expectClose(lin(torch.ones(1, 3)).sub(lin.bias!), out.data, 1e-6, 1e-6, "the new weight is used");

    assign(lin, "weight", null);
    expect([lin.weight === null, names(lin.named_parameters()), Object.keys(lin.state_dict())]).toEqual(ref.param_none);
    // (torch keeps refusing a tensor here; the engine frees the name, as weight_norm relies on: module_setattr.ts)
    assign(lin, "weight", new nn.Parameter(torch.zeros(3, 3)));
    expect(names(lin.named_parameters())).toEqual(ref.param_back);
  });

  it("register_parameter(name, null) reserves the name for a parameter", () => {
    const m = new nn.Module();
    m.register_parameter("scale", null);
    expect(caught(() => assign(m, "scale", torch.ones(1)))[1]).toBe(
      "cannot assign 'torch.FloatTensor' as parameter 'scale' (torch.nn.Parameter or None expected)",
    );
    assign(m, "scale", new nn.Parameter(torch.ones(1)));
    expect(names(m.named_parameters())).toEqual(["scale"]);
  });
});

describe("assigning to a buffer's or a child module's name", () => {
  it("a tensor updates a buffer, a number is refused, a Parameter turns the name into a parameter", () => {
    const bn = new nn.BatchNorm1d(3);
    assign(bn, "running_mean", torch.full([3], 2));
    const [value, bufferNames] = ref.buffer_tensor;
    expect([bn.state_dict().running_mean.tolist(), names(bn.named_buffers())]).toEqual([value.data, bufferNames]);
    expect(caught(() => assign(bn, "running_var", 5))).toEqual(ref.int_to_buffer);
    assign(bn, "running_var", null);
    expect(names(bn.named_buffers())).toEqual(ref.buffer_none);
    assign(bn, "running_mean", new nn.Parameter(torch.zeros(3)));
    expect([names(bn.named_parameters()), names(bn.named_buffers())]).toEqual(ref.param_to_buffer_name);
  });

  it("a Module registers a child, null empties its slot, a tensor is refused there", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2));
    expect(caught(() => assign(seq, "0", torch.zeros(2)))).toEqual(ref.tensor_to_child);
    const m = new nn.Module();
    assign(m, "fc", new nn.Linear(2, 2));
    assign(m, "note", torch.zeros(2)); // a plain tensor attribute registers nothing
    expect([names(m.named_children()), names(m.named_parameters()), names(m.named_buffers())]).toEqual(ref.module_registered);
    assign(m, "fc", null);
    expect([names(m.named_children()), names(m.named_parameters())]).toEqual(ref.child_none);
    expect(caught(() => assign(m, "fc", torch.zeros(2)))).toEqual(ref.tensor_after_child_none);
    assign(m, "fc", new nn.ReLU());
    expect([names(m.named_children()), String(m)]).toEqual(ref.child_back);
  });

  it("a module is still the callable its hooks and forward see", () => {
    const lin = new nn.Linear(2, 2);
    let seen: unknown = null;
    const h = lin.register_forward_hook((mod) => {
      seen = mod;
    });
    lin(torch.ones(1, 2));
    h.remove();
    expect(seen).toBe(lin);
    expect([typeof lin, lin instanceof nn.Module, lin instanceof nn.Linear]).toEqual(["function", true, true]);
  });
});
