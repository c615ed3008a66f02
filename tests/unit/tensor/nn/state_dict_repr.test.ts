/**
 * print(model.state_dict()) as torch 1.13 prints it (the OrderedDict repr, multi-line tensors included),
 * while the dict stays a plain object of tensors to every other reader. The expected lines are torch's output
 * of the same seeded models (/usr/bin/python3, torch 1.13).
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { formatValue } from "../../../../lib/kernel/display/format-value";

describe("Module.state_dict() prints as torch's OrderedDict", () => {
  it("a Linear and a BatchNorm1d, seeded as in torch", () => {
    torch.manual_seed(0);
    expect(String(new nn.Sequential(new nn.Linear(2, 1), new nn.ReLU()).state_dict())).toBe(
      "OrderedDict([('0.weight', tensor([[-0.0053,  0.3793]])), ('0.bias', tensor([-0.5820]))])",
    );
    torch.manual_seed(0);
    expect(`${new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2)).state_dict()}`).toBe(
      "OrderedDict([('0.weight', tensor([[-0.0043,  0.3097, -0.4752],\n        [-0.4249, -0.2224,  0.1548]])), ('0.bias', tensor([-0.0114,  0.4578])), " +
        "('1.weight', tensor([1., 1.])), ('1.bias', tensor([0., 0.])), ('1.running_mean', tensor([0., 0.])), ('1.running_var', tensor([1., 1.])), " +
        "('1.num_batches_tracked', tensor(0))])",
    );
  });

  it("keys, spreading and for-in see only the tensors; a destination dict is left as given", () => {
    const sd = new nn.Linear(2, 1).state_dict();
    expect(Object.keys(sd)).toEqual(["weight", "bias"]);
    expect(Object.keys({ ...sd })).toEqual(["weight", "bias"]);
    const forIn: string[] = [];
    for (const key in sd) forIn.push(key);
    expect(forIn).toEqual(["weight", "bias"]);
    const destination = {};
    const filled = new nn.Linear(2, 1).state_dict({ destination });
    expect(filled).toBe(destination);
    expect(String(filled)).toBe("[object Object]");
  });

  it("the notebook shows the same text for a state_dict as print does", () => {
    torch.manual_seed(0);
    const sd = new nn.Linear(2, 1).state_dict();
    expect(formatValue(sd)).toContain("OrderedDict([('weight', tensor([[-0.0053,  0.3793]])), ('bias', tensor([-0.5820]))])");
  });
});
