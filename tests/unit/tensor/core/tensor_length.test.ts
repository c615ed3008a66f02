/**
 * t.length / t.__len__(): Python's len(t), the size of dim 0. Before, t.length was undefined, so a
 * translated `for i in range(len(t))` loop ran zero times without an error.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";

describe("Tensor.length (len(t))", () => {
  it("is the size of dim 0 for any dimension count, views and parameters included", () => {
    expect(torch.zeros(5).length).toBe(5);
    expect(torch.zeros(3, 4, 2).length).toBe(3);
    expect(torch.zeros(0, 4).length).toBe(0);
    expect(torch.zeros(3, 7).t().length).toBe(7);
    expect(new nn.Linear(4, 6).weight.length).toBe(6);
    expect(torch.arange(10).__len__()).toBe(10);
  });

  it("walks the rows as range(len(t)) does", () => {
    const x = torch.arange(6).reshape(3, 2);
    const rows: number[][] = [];
    for (let i = 0; i < x.length; i++) rows.push(x.index(i).tolist() as number[]);
    expect(rows).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it("raises torch's TypeError for a 0-d tensor", () => {
    expect(() => torch.tensor(1.5).length).toThrow(expect.objectContaining({ name: "TypeError" }));
    expect(() => torch.tensor(1.5).length).toThrow("len() of a 0-d tensor");
    expect(() => torch.tensor(2).__len__()).toThrow("len() of a 0-d tensor");
  });

  it("leaves iteration, spreading and equality as they were", () => {
    const x = torch.tensor([1, 2, 3]);
    expect([...x].map((t) => t.item())).toEqual([1, 2, 3]);
    expect(Array.from(x, (t) => t.item())).toEqual([1, 2, 3]);
  });
});
