/**
 * Ops torch 1.13 has no bool kernel for refuse a bool tensor with its error (the engine used to return bool
 * results), and bool.square() is int64 as torch's pow(x, 2). Messages are torch 1.13's, e.g.
 *   torch.tensor([True, False]).abs()  ->  RuntimeError: "abs_cpu" not implemented for 'Bool'
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

const b = () => torch.tensor([true, false, true]);
const notFor = (kernel: string) => ["RuntimeError", `"${kernel}" not implemented for 'Bool'`];

describe("bool tensors where torch has no kernel", () => {
  it("abs / floor / ceil / trunc / argmax / argmin raise naming torch's kernel", () => {
    expect(raised(() => b().abs())).toEqual(notFor("abs_cpu"));
    expect(raised(() => torch.floor(b()))).toEqual(notFor("floor_vml_cpu"));
    expect(raised(() => b().ceil())).toEqual(notFor("ceil_vml_cpu"));
    expect(raised(() => b().trunc())).toEqual(notFor("trunc_vml_cpu"));
    expect(raised(() => b().argmax())).toEqual(notFor("argmax_cpu"));
    expect(raised(() => torch.argmin(b(), 0))).toEqual(notFor("argmin_cpu"));
  });

  it("relu refuses a bool input in every form; square is int64", () => {
    for (const f of [() => F.relu(b()), () => b().relu(), () => torch.relu(b())]) {
      expect(raised(f)).toEqual(["RuntimeError", "Boolean inputs not supported for relu"]);
    }
    const s = b().square();
    expect([String(s.dtype), s.tolist()]).toEqual(["torch.int64", [1, 0, 1]]);
  });

  it("the same ops on numbers still work", () => {
    const x = torch.tensor([-1.5, 2, 0.5]);
    expect(x.abs().tolist()).toEqual([1.5, 2, 0.5]);
    expect(x.argmax().item()).toBe(1);
    expect(F.relu(x).tolist()).toEqual([0, 2, 0.5]);
  });
});
