import { describe, expect, it } from "vitest";
import { nn, torch } from "@/lib/tensor";
import { formatValue } from "@/lib/kernel/display/format-value";

describe("formatValue shows engine values as PyTorch would", () => {
  it("a module inside an object or array prints its repr, not [Function]", () => {
    expect(formatValue({ layer: new nn.ReLU() })).toBe("{ layer: ReLU() }");
    expect(formatValue([new nn.Linear(2, 3), new nn.Tanh()])).toBe("[Linear(in_features=2, out_features=3, bias=True), Tanh()]");
    expect(formatValue(new nn.Sequential(new nn.Linear(1, 1)))).toBe("Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n)");
  });

  it("a tensor inside an object or array prints tensor([...])", () => {
    expect(formatValue({ w: torch.tensor([1, 2]) })).toBe("{ w: tensor([1., 2.]) }");
    expect(formatValue([torch.tensor([0.5])])).toBe("[tensor([0.5000])]");
    // Nesting is cut at three levels, as before; within them a tensor shows its values.
    expect(formatValue({ a: { b: { c: { t: torch.tensor([3]) } } } })).toBe("{ a: { b: { c: [Object] } } }");
    expect(formatValue({ a: { b: { t: torch.tensor([3]) } } })).toBe("{ a: { b: { t: tensor([3.]) } } }");
  });

  it("engine classes print their own names", () => {
    expect(formatValue(nn.Linear)).toBe("[class Linear]");
    expect(formatValue({ kind: torch.Tensor })).toBe("{ kind: [class Tensor] }");
  });

  it("plain functions stay functions", () => {
    expect(formatValue(function relu() {})).toBe("[Function: relu]");
    expect(formatValue({ f: () => 1 })).toBe("{ f: [Function: f] }");
  });
});
