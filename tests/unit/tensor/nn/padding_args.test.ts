/**
 * Padding layers' constructor arguments as torch 1.13 checks them: an unknown keyword or an extra
 * positional raises TypeError (ZeroPad2d(1, zzz_unknown=1) and ReflectionPad1d(1, 2) raise in
 * torch), the keyword forms still work, and a saved layer loads back (ZeroPad's rebuild passes
 * its padding only).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";

type Ctor = new (...a: unknown[]) => nn.Module;
const C = (k: unknown) => k as Ctor;

describe("padding layer arguments", () => {
  it("refuse unknown keywords and extra positionals", () => {
    expect(() => new (C(nn.ZeroPad2d))(1, { zzz_unknown: 1 })).toThrow("ZeroPad2d.__init__() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => new (C(nn.ZeroPad2d))({ padding: 1, value: 3 })).toThrow("ZeroPad2d.__init__() got an unexpected keyword argument 'value'");
    expect(() => new (C(nn.ReflectionPad1d))(1, { value: 2 })).toThrow("ReflectionPad1d.__init__() got an unexpected keyword argument 'value'");
    expect(() => new (C(nn.ReflectionPad1d))(1, 2)).toThrow("ReflectionPad1d.__init__() takes 2 positional arguments but 3 were given");
    expect(() => new (C(nn.ConstantPad1d))(1, 2, 3)).toThrow("ConstantPad1d.__init__() takes 3 positional arguments but 4 were given");
    expect(() => new (C(nn.ConstantPad1d))(1, { value: 2, zzz_unknown: 1 })).toThrow("ConstantPad1d.__init__() got an unexpected keyword argument 'zzz_unknown'");
  });

  it("keep the positional and keyword forms (values as torch: F.pad)", () => {
    const x = torch.tensor([[1, 2]]);
    expect((new nn.ConstantPad1d(1, { value: 0.5 }).forward(x) as Tensor).tolist()).toEqual([[0.5, 1, 2, 0.5]]);
    expect((new nn.ConstantPad1d({ padding: [0, 1], value: 3 }).forward(x) as Tensor).tolist()).toEqual([[1, 2, 3]]);
    expect((new nn.ZeroPad1d({ padding: 1 }).forward(x) as Tensor).tolist()).toEqual([[0, 1, 2, 0]]);
    expect((new nn.ReflectionPad1d({ padding: 1 }).forward(x) as Tensor).tolist()).toEqual([[2, 1, 2, 1]]);
    expect(String(new nn.ZeroPad2d(1))).toBe("ZeroPad2d((1, 1, 1, 1))");
  });

  it("a saved ZeroPad2d / ConstantPad2d loads back", () => {
    const back = torch.load(torch.save(new nn.Sequential(new nn.ZeroPad2d([1, 0, 0, 1]), new nn.ConstantPad2d(1, 2)))) as nn.Module;
    expect(String(back)).toBe(String(new nn.Sequential(new nn.ZeroPad2d([1, 0, 0, 1]), new nn.ConstantPad2d(1, 2))));
  });
});
