/**
 * Gaps the zero_to_gans probe found (tutorials/zero_to_gans.test.ts), each against torch 1.13
 * (scripts/fixtures/zero_to_gans_fixtures.py, "gaps" section):
 * - TensorDataset took an integer or a list of integers only, where torch's __getitem__ is
 *   tuple(tensor[index] for tensor in self.tensors): 02-linear-regression prints train_ds[0:3] (here ds.get("0:3"));
 *   a tensor index, a mask or a list of bools made the engine build a tensor from the index (with torch.tensor(tensor)'s
 *   warning) or raise.
 * - OneCycleLR stepped past its total said "Tried to step 4 times" after 4 steps of 3, where torch 1.13 says 5 (its
 *   message adds one to the step already counted).
 */
import { describe, expect, it, vi } from "vitest";
import { nn, optim, torch, utils } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

const g = tutorialFixture<{ gaps: Record<string, any> }>("zero_to_gans.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("TensorDataset indexes as its tensors do", () => {
  const gds = new utils.data.TensorDataset(torch.arange(6.0).reshape(3, 2), torch.arange(3));
  const cases = {
    slice: () => gds.get("0:2"),
    tensor: () => gds.get(torch.tensor(1, { dtype: torch.int64 })),
    list: () => gds.get([0, 2]),
    mask: () => gds.get(torch.tensor([true, false, true])),
    bool_list: () => gds.get([true, false, true]),
    negative: () => gds.get(-1),
    step: () => gds.get("::2"),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(`ds[${name}] gives each tensor's rows, as torch`, () => {
      const got = fn();
      const want = g.dataset_index[name] as TJ[];
      expect(got.length).toBe(want.length);
      got.forEach((t, k) => expectT(t, want[k], 0));
      expect(String(got[1].dtype)).toBe("torch.int64");
    });
  }
  it("an index past the end raises torch's IndexError", () => {
    expect(raised(() => gds.get(5))).toEqual(g.dataset_index_error);
  });
});

describe("OneCycleLR stepped past its total counts as torch's message does", () => {
  it("three steps of three, then two more: 'Tried to step 5 times' and 6, last_epoch 4 and 5", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {}); // step() before optimizer.step(), as torch warns
    const p = new nn.Parameter(torch.zeros(1));
    const sched = new optim.lr_scheduler.OneCycleLR(new optim.SGD([p], 0.1), 1, 3);
    for (let i = 0; i < 3; i++) sched.step();
    const first = raised(() => sched.step());
    const e1 = sched.last_epoch;
    const second = raised(() => sched.step());
    warn.mockRestore();
    expect([first, e1, second, sched.last_epoch]).toEqual(g.onecycle_past_end);
  });
});
