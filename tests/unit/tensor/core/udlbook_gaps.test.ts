/**
 * Engine gaps found by the "Understanding Deep Learning" notebooks probe (tests/unit/tensor/tutorials/udlbook.test.ts),
 * each against torch 1.13 (scripts/fixtures/udlbook_fixtures.py, the "gaps" section of udlbook.json).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("udlbook.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("udlbook probe gaps", () => {
  it("a conv weight of the wrong rank raises torch's errors, in torch's order (10_3's learner passes a [C_out, k, k] kernel)", () => {
    const x4 = torch.randn(1, 1, 4, 6), x3 = torch.randn(1, 4, 6);
    const got = [
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3))),
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3), { stride: 2, padding: 1 })),
      thrown(() => F.conv2d(x4, torch.randn(3, 3))),
      thrown(() => F.conv2d(torch.randn(2, 3), torch.randn(1, 3, 3))),
      thrown(() => F.conv2d(x4, torch.randn(1, 1, 3, 3, 3))),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3, 3, 3), { stride: [1, 2, 3] })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3), { dilation: [1, 2, 3] })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3), { stride: [2] })),
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3), { padding: "valid" })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3, 3, 3), { padding: "same" })),
      thrown(() => F.conv1d(torch.randn(1, 1, 6), torch.randn(1, 1, 3, 3), { stride: 2 })),
      thrown(() => F.conv1d(torch.randn(1, 6), torch.randn(1, 1, 3, 3))),
      thrown(() => F.conv3d(torch.randn(1, 1, 4, 6, 6), torch.randn(1, 1, 3, 3))),
      thrown(() => F.conv3d(torch.randn(1, 1, 4, 6, 6), torch.randn(1, 1, 3, 3, 3, 3))),
    ];
    expect(got).toEqual(gaps.conv_weight_rank);
  });

  it("a conv stride / padding / dilation list of the wrong length raises torch's text, without the engine's 'conv2d: ' prefix", () => {
    const x4 = torch.randn(1, 1, 4, 6);
    expect([
      thrown(() => F.conv2d(x4, torch.randn(1, 1, 3, 3), { stride: [1, 2, 3] })),
      thrown(() => F.conv2d(x4, torch.randn(1, 1, 3, 3), { padding: [1, 2, 3] })),
      thrown(() => F.conv1d(torch.randn(1, 1, 6), torch.randn(1, 1, 3), { dilation: [1, 2] })),
    ]).toEqual(gaps.conv_tuple_length);
  });

  it("nn.MultiheadAttention's and F.multi_head_attention_forward's shape checks raise AssertionError (Python asserts in torch) with torch's texts", () => {
    const bool = { dtype: torch.bool };
    const mha = new nn.MultiheadAttention(4, 2);
    const mha_k = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
    const xq = torch.randn(3, 2, 4);
    const fwd = (E: number, H: number, extra = {}) =>
      F.multi_head_attention_forward(xq, xq, xq, E, H, mha.in_proj_weight, mha.in_proj_bias, null, null, false, 0.0, mha.out_proj.weight, mha.out_proj.bias, extra);
    expect([
      thrown(() => new nn.MultiheadAttention(6, 4)),
      thrown(() => mha(torch.randn(3, 2, 5), xq, xq)),
      thrown(() => mha(torch.randn(3, 2, 2, 4), xq, xq)),
      thrown(() => mha(xq, torch.randn(3, 4), xq)),
      thrown(() => mha(xq, torch.randn(5, 2, 4), torch.randn(3, 2, 4))),
      thrown(() => mha(xq, xq, xq, { key_padding_mask: torch.zeros([2, 4], bool) })),
      thrown(() => mha(xq, xq, xq, { key_padding_mask: torch.zeros([2, 3, 1], bool) })),
      thrown(() => mha(xq, xq, xq, { attn_mask: torch.zeros([2, 3, 3, 4], bool) })),
      thrown(() => mha(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4), { attn_mask: torch.zeros([1, 1, 3, 3], bool) })),
      thrown(() => mha_k(xq, torch.randn(3, 2, 4), torch.randn(3, 2, 5))),
      thrown(() => mha_k(xq, torch.randn(3, 2, 3), torch.randn(3, 2, 4))),
      thrown(() => fwd(6, 2)),
      thrown(() => fwd(4, 3)),
      thrown(() => fwd(4, 2, { key_padding_mask: torch.zeros([2, 4], bool) })),
    ]).toEqual(gaps.mha_asserts);
  });

  it("torch.softmax / log_softmax and the Tensor methods without a dim raise torch's TypeError (12_1's column softmax)", () => {
    const xs = torch.ones(2);
    // the engine's TypeError_ is named TypeError (a JS TypeError from a crash would say something else)
    const named = (f: () => unknown) => {
      const e = thrown(f);
      return e && [e[0] === "TypeError_" ? "TypeError" : e[0], e[1]];
    };
    /* eslint-disable @typescript-eslint/no-explicit-any */
    expect([
      named(() => (torch.softmax as any)(xs)),
      named(() => (torch.log_softmax as any)(xs)),
      named(() => (xs.softmax as any)()),
      named(() => (xs.log_softmax as any)()),
      named(() => (torch.softmax as any)(xs, { dtype: torch.float64 })),
    ]).toEqual(gaps.softmax_no_dim);
    /* eslint-enable @typescript-eslint/no-explicit-any */
    expect(torch.softmax(xs, 0).tolist()).toEqual([0.5, 0.5]);
    expect(xs.log_softmax({ dim: 0 }).exp().tolist()).toEqual([0.5, 0.5]);
  });

  it("allclose / isclose of two dtypes raise torch's 'Float did not match Double' (7_2's float64 backprop against a float32 result)", () => {
    expect([
      thrown(() => torch.allclose(torch.ones(2), torch.ones([2], { dtype: torch.float64 }))),
      thrown(() => torch.isclose(torch.ones(2), torch.ones([2], { dtype: torch.float64 }))),
      thrown(() => torch.allclose(torch.ones([2], { dtype: torch.long }), torch.ones(2))),
      thrown(() => torch.ones(2).allclose(torch.ones([3], { dtype: torch.float64 }))),
      torch.allclose(torch.ones([2], { dtype: torch.bool }), torch.ones([2], { dtype: torch.bool })),
    ]).toEqual(gaps.allclose_dtypes);
  });

  it("batch_norm's size and evaluation-mode errors carry torch's text, without the engine's 'batch_norm: ' prefix", () => {
    const x = torch.randn(4, 40);
    expect([
      thrown(() => new nn.BatchNorm1d(100)(x)),
      thrown(() => F.batch_norm(x, torch.zeros(40), torch.ones(100))),
      thrown(() => F.batch_norm(x, torch.zeros(40), torch.ones(40), { weight: torch.ones(3) })),
      thrown(() => F.batch_norm(x, torch.zeros(40), torch.ones(40), { bias: torch.ones(3) })),
      thrown(() => F.batch_norm(x, null, null, { training: false })),
      thrown(() => F.batch_norm(x, torch.zeros(40), null, { training: false })),
      thrown(() => F.batch_norm(x, null, null, { weight: torch.ones(3), training: false })),
      thrown(() => new nn.BatchNorm2d(3)(torch.randn(2, 4, 5, 5))),
    ]).toEqual(gaps.batch_norm);
  });

  it("a scheduler stepped before its optimizer ever stepped warns as torch's with_counter does (8_1's StepLR in the wrong order)", () => {
    type Sched = { step(arg: number): void } | { step(): void };
    const run = (make: (o: optim.Optimizer) => Sched, order: string[]): [string[], number[]] => {
      const m = new nn.Linear(2, 2);
      const o = new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      const s = make(o);
      forgetShownWarnings();
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        for (const who of order) {
          if (who === "opt") {
            o.zero_grad();
            m(torch.ones(1, 2)).sum().backward();
            o.step();
          } else if (who === "sched") (s as { step(): void }).step();
          else (s as { step(arg: number): void }).step(1.0);
        }
        return [warn.mock.calls.map((c) => String(c[0]).replace("UserWarning: ", "")), o.param_groups.map((g) => g.lr as number)];
      } finally {
        warn.mockRestore();
      }
    };
    const got = [
      run((o) => new optim.lr_scheduler.StepLR(o, { step_size: 1, gamma: 0.5 }), ["sched", "opt", "sched"]),
      run((o) => new optim.lr_scheduler.StepLR(o, { step_size: 1, gamma: 0.5 }), ["opt", "sched", "opt", "sched"]),
      run((o) => new optim.lr_scheduler.StepLR(o, { step_size: 1, gamma: 0.5 }), ["sched", "sched"]),
      run((o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: 1.0, total_steps: 5 }), ["sched"]),
      run((o) => new optim.lr_scheduler.CosineAnnealingWarmRestarts(o, { T_0: 2 }), ["sched"]),
      run((o) => new optim.lr_scheduler.ReduceLROnPlateau(o), ["plateau"]),
    ];
    got.forEach(([w, lrs], i) => {
      expect(w, `case ${i}`).toEqual(gaps.scheduler_order[i][0]);
      expect(lrs[0], `case ${i}`).toBeCloseTo(gaps.scheduler_order[i][1][0], 12);
    });
  });

  it("quantile's q checks carry torch's texts: a float q out of range names its value, a q tensor of another dtype raises, nanquantile says quantile() (20_3's pruning threshold)", () => {
    const wq = torch.rand(7);
    expect([
      thrown(() => torch.quantile(wq, 1.5)),
      thrown(() => torch.quantile(wq, -0.1)),
      thrown(() => wq.quantile(2.0)),
      thrown(() => torch.nanquantile(wq, 1.5)),
      thrown(() => torch.quantile(wq, torch.tensor([1.5]))),
      thrown(() => torch.quantile(wq, torch.tensor([0.5], { dtype: torch.float64 }))),
      thrown(() => torch.nanquantile(wq, torch.tensor([0.5], { dtype: torch.float64 }))),
      thrown(() => torch.quantile(wq.long(), 1.5)),
      thrown(() => torch.quantile(wq, torch.tensor([0.5]), { interpolation: "foo" as "linear" })),
    ]).toEqual(gaps.quantile);
  });

  it("a scheduler given something else than an optimizer names its Python type as torch does ('Linear is not an Optimizer' for the model)", () => {
    const lin = new nn.Linear(2, 2);
    const named = (f: () => unknown) => {
      const e = thrown(f);
      return e && [e[0] === "TypeError_" ? "TypeError" : e[0], e[1]];
    };
    expect([
      named(() => new optim.lr_scheduler.StepLR(lin as never, { step_size: 10 })),
      named(() => new optim.lr_scheduler.OneCycleLR(lin as never, { max_lr: 0.1, total_steps: 3 })),
      named(() => new optim.lr_scheduler.ReduceLROnPlateau(lin as never)),
      named(() => new optim.lr_scheduler.StepLR({} as never, { step_size: 10 })),
      named(() => new optim.lr_scheduler.StepLR(null as never, { step_size: 10 })),
      named(() => new optim.lr_scheduler.StepLR(3 as never, { step_size: 10 })),
    ]).toEqual(gaps.not_an_optimizer);
  });
});
