/**
 * Gaps the zero_to_gans probe found (tutorials/zero_to_gans.test.ts), each against torch 1.13
 * (scripts/fixtures/zero_to_gans_fixtures.py, "gaps" section):
 * - TensorDataset took an integer or a list of integers only, where torch's __getitem__ is
 *   tuple(tensor[index] for tensor in self.tensors): 02-linear-regression prints train_ds[0:3] (here ds.get("0:3"));
 *   a tensor index, a mask or a list of bools made the engine build a tensor from the index (with torch.tensor(tensor)'s
 *   warning) or raise.
 * - OneCycleLR stepped past its total said "Tried to step 4 times" after 4 steps of 3, where torch 1.13 says 5 (its
 *   message adds one to the step already counted).
 * - clip_grad_value_'s clip_value and clip_grad_norm_'s max_norm / norm_type go through Python's float() in torch 1.13:
 *   a None (05b's fit_one_cycle called with grad_clip=None and no `if grad_clip:` guard) raised "missing 1 required
 *   positional argument" here, and a one-element tensor or a numeric string, which torch takes, raised too; a list, a
 *   bad string or a many-element tensor now raise Python's float() errors (lib/tensor/py_type_name.ts's pyFloat).
 * - Both took torch 2.0's foreach keyword, which torch 1.13's signatures do not have (TypeError there).
 * - Subset (what random_split returns) indexed by a slice or a 0-d tensor failed ("index.map is not a function"), where
 *   torch takes dataset[indices[idx]]: val_ds[0:2] gives the rows at the sliced indices.
 * - A tensor indexed with a negative or zero slice step (x[::-1], a Subset of tensor indices reversed) raised the
 *   engine's RuntimeError; torch's getitem raises ValueError "step must be greater than zero" (Python's own "slice step
 *   cannot be zero" for 0).
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

describe("clip_grad_value_ / clip_grad_norm_ convert their numbers as Python's float()", () => {
  const cases: Record<string, (p: InstanceType<typeof nn.Parameter>) => unknown> = {
    value_none: (p) => nn.utils.clip_grad_value_([p], null as never),
    value_tensor: (p) => nn.utils.clip_grad_value_([p], torch.tensor(0.1) as never),
    value_str: (p) => nn.utils.clip_grad_value_([p], "0.1" as never),
    value_bad_str: (p) => nn.utils.clip_grad_value_([p], "abc" as never),
    value_two: (p) => nn.utils.clip_grad_value_([p], torch.ones(2) as never),
    value_list: (p) => nn.utils.clip_grad_value_([p], [0.1] as never),
    value_bool: (p) => nn.utils.clip_grad_value_([p], true as never),
    norm_none: (p) => nn.utils.clip_grad_norm_([p], null as never),
    norm_tensor: (p) => nn.utils.clip_grad_norm_([p], torch.tensor(1.0) as never),
    norm_type_none: (p) => nn.utils.clip_grad_norm_([p], 1.0, null as never),
    norm_type_inf_str: (p) => nn.utils.clip_grad_norm_([p], 1.0, "inf"),
    norm_type_bad: (p) => nn.utils.clip_grad_norm_([p], 1.0, "abc" as never),
    norm_type_tensor: (p) => nn.utils.clip_grad_norm_([p], 1.0, torch.tensor(1.0) as never),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(`${name} as torch 1.13`, () => {
      const p = new nn.Parameter(torch.zeros(3));
      p.grad = torch.tensor([0.5, -0.05, -2.0]);
      const want = g.clip[name];
      let got: unknown;
      const e = raised(() => (got = fn(p)));
      if (typeof want[1] === "string") {
        expect(e).toEqual(want);
      } else {
        expect(e).toBeNull();
        expect(String(got ?? "None")).toBe(want[0]);
        expectT(p.grad, want[1], 1e-6);
      }
    });
  }
  it("neither takes foreach (torch 2.0's): torch 1.13's TypeError, the engine naming the keywords it takes after torch's text", () => {
    const p = new nn.Parameter(torch.zeros(1));
    const value = raised(() => nn.utils.clip_grad_value_([p], 0.1, { foreach: null } as never))!;
    const norm = raised(() => nn.utils.clip_grad_norm_([p], 1.0, { foreach: null } as never))!;
    for (const [got, want] of [[value, g.clip.value_foreach], [norm, g.clip.norm_foreach]]) {
      expect([got[0], got[1].slice(0, want[1].length)]).toEqual(want);
    }
  });
  it("a None max_norm raises even with no gradient, as torch converts it first", () => {
    expect(raised(() => nn.utils.clip_grad_norm_([new nn.Parameter(torch.zeros(1))], null as never))).toEqual(g.clip.norm_no_grads_none);
  });
});

describe("Subset indexes as torch's dataset[indices[idx]]", () => {
  const gds = new utils.data.TensorDataset(torch.arange(6.0, { dtype: torch.float32 }).reshape(3, 2), torch.arange(3));
  const subs = { list: new utils.data.Subset(gds, [2, 0, 1]), tensor: new utils.data.Subset(gds, torch.tensor([2, 0, 1], { dtype: torch.int64 })) };
  const idx = {
    slice: "0:2", reversed: "::-1", neg_start: "-2:",
    zero_d: torch.tensor(1, { dtype: torch.int64 }), one_d: torch.tensor([0, 2], { dtype: torch.int64 }),
  };
  for (const [sname, sub] of Object.entries(subs)) {
    for (const [iname, i] of Object.entries(idx)) {
      it(`${sname} indices, ${iname}`, () => {
        const want = g.subset_index[`${sname}_${iname}`];
        const got = raised(() => sub.get(i));
        if (typeof want[1] === "string") {
          expect(got).toEqual(want);
        } else {
          expect(got).toBeNull();
          sub.get(i).forEach((t, k) => expectT(t, want[k], 0));
        }
      });
    }
  }
});

describe("a tensor sliced with a step below one raises Python's / torch's ValueError", () => {
  it("x[::-1], x[::0], x[:, ::-2], x[4:0:-1]", () => {
    const st = torch.arange(6);
    expect([raised(() => st.index("::-1")), raised(() => st.index("::0")), raised(() => st.reshape(2, 3).index(":", "::-2")), raised(() => st.index("4:0:-1"))])
      .toEqual(g.tensor_step);
  });
});
