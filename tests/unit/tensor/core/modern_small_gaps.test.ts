/**
 * Engine gaps found by the small-modern-architectures probe (tests/unit/tensor/tutorials/modern_small.test.ts:
 * mamba-minimal, efficient-kan, minGRU), each against torch 1.13 (scripts/fixtures/modern_small_fixtures.py, the
 * "gaps" section of modern_small.json).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("modern_small.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("modern_small probe gaps", () => {
  it("subtracting with a bool operand raises torch's sub_check texts (KAN's b_splines mask minus a mask), negation its own", () => {
    const b2 = torch.ones(2, { dtype: torch.bool });
    expect([
      raised(() => b2.sub(b2)),
      raised(() => torch.sub(b2, b2)),
      raised(() => b2.sub(b2, { alpha: 2 })),
      raised(() => b2.clone().sub_(b2)),
      raised(() => b2.sub(1)),
      raised(() => torch.ones(2).sub(b2)),
      raised(() => torch.ones(2).sub(true as never)),
      raised(() => torch.rsub(b2, b2)),
      raised(() => torch.rsub(torch.ones(2), b2)),
      raised(() => b2.neg()),
    ]).toEqual(gaps.bool_sub);
  });

  it("torch.linalg.lstsq checks its operands in torch's order with torch's texts (curve2coeff's shapes and dtypes)", () => {
    const L = { dtype: torch.long };
    expect([
      raised(() => torch.linalg.lstsq(torch.randn(3), torch.randn(3))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2), torch.tensor(1.0))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2), torch.ones(3, 1, { dtype: torch.double }))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2), torch.ones(3, 2, 1, 1))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2), torch.ones(4))),
      raised(() => torch.linalg.lstsq(torch.randn(3, 5, 4), torch.randn(3, 6, 2))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2), torch.ones(3, 1), { driver: "foo" })),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2, L), torch.ones(3, 1, L))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2, L), torch.ones(4, 1, L))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 2, L), torch.ones(3, 1, L), { driver: "foo" })),
    ]).toEqual(gaps.lstsq);
    const s = torch.linalg.lstsq(torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 3.0]]), torch.tensor([1.0, 2.0, 4.0]));
    expectT(s.solution, gaps.lstsq_vector, 1e-5);
  });

  it("logcumsumexp without a dim raises the argument parser's TypeError (method and function forms), None and ints torch's texts", () => {
    expect([
      raised(() => (torch.randn(3) as unknown as { logcumsumexp: () => unknown }).logcumsumexp()),
      raised(() => (torch.logcumsumexp as unknown as (x: unknown) => unknown)(torch.randn(3))),
      raised(() => torch.ones(2).logcumsumexp({ dim: null as never })),
      raised(() => torch.arange(3).logcumsumexp(0)),
      raised(() => torch.logcumsumexp(torch.ones(2, { dtype: torch.bool }), 0)),
      raised(() => torch.ones(2, { dtype: torch.int32 }).logcumsumexp({ dim: 0 })),
    ]).toEqual(gaps.logcumsumexp);
  });

  it("lerp names dtypes as C++ does and checks a tensor weight's dtype before the kernel's (minGRU's one-step path)", () => {
    const L = { dtype: torch.long };
    expect([
      raised(() => torch.lerp(torch.zeros(3), torch.ones(3, { dtype: torch.float64 }), 0.5)),
      raised(() => torch.lerp(torch.zeros(3, L), torch.ones(3), 0.5)),
      raised(() => torch.lerp(torch.zeros(3), torch.ones(3, { dtype: torch.int32 }), 0.5)),
      raised(() => torch.lerp(torch.zeros(3), torch.ones(3, { dtype: torch.bool }), 0.5)),
      raised(() => torch.lerp(torch.zeros(3, { dtype: torch.double }), torch.ones(3, { dtype: torch.double }), torch.ones(3))),
      raised(() => torch.lerp(torch.zeros(3), torch.ones(3), torch.ones(3, L))),
      raised(() => torch.zeros(3).lerp_(torch.ones(3, { dtype: torch.float64 }), 0.5)),
      raised(() => torch.lerp(torch.zeros(3, L), torch.ones(3, L), 0.5)),
      raised(() => torch.lerp(torch.zeros(3, L), torch.ones(3, L), torch.ones(3, L))),
    ]).toEqual(gaps.lerp);
  });

  it("linspace / logspace: a negative steps is torch's bare RuntimeError, a fractional one the parser's TypeError (update_grid's index count)", () => {
    expect([
      raised(() => torch.linspace(0, 15, -1)),
      raised(() => torch.logspace(0, 1, -2)),
      raised(() => torch.linspace(0, 15, 2.5)),
      raised(() => torch.linspace(0, 15, { steps: 2.5 })),
      raised(() => torch.logspace(0, 1, 2.5)),
      raised(() => torch.logspace({ start: 0, end: 1, steps: 0.5 })),
    ]).toEqual(gaps.linspace);
  });

  it("linspace to int32 / int16 / int8 / uint8 fills with those types' vector widths, as ATen's AVX2 kernel (update_grid's int indices)", () => {
    const cases = [[0, 99, 11], [0, 1000, 13], [0, 1000, 40], [-500, 777, 53], [3, 250, 70], [0, 99, 17], [-7, 100, 100]];
    const dtypes = { int64: torch.int64, int32: torch.int32, int16: torch.int16, int8: torch.int8, uint8: torch.uint8 };
    for (const [name, dtype] of Object.entries(dtypes)) {
      const want = gaps.linspace_int[name] as (number[] | null)[];
      const got = cases.map(([a, b, n], i) => (want[i] === null ? null : torch.linspace(a, b, n, { dtype }).tolist()));
      expect(got, name).toEqual(want);
    }
  });

  it("einsum of two dtypes multiplies with promotion when a pair sums nothing, and raises bmm's bare text when it does (A_log not .float()'d)", () => {
    const ar = (...s: number[]) => torch.arange(s.reduce((a, b) => a * b, 1)).reshape(...s);
    const ones = (...s: number[]) => torch.ones(...s);
    const ein = (eq: string, ...ops: Tensor[]) => {
      try {
        const r = torch.einsum(eq, ...ops);
        return [r.dtype.name, r.shape, r.reshape(-1).tolist()];
      } catch (e) {
        return [(e as Error).name, (e as Error).message];
      }
    };
    expect([
      ein("i,i->", ones(3), ar(3)), ein("i,j->ij", ones(3), ar(2)), ein("i,i->i", ones(3), ar(3)),
      ein("ij,jk->ik", ones(2, 3), ar(3, 2)), ein("ij,jk->ik", ar(2, 3), ones(3, 2)),
      ein("bld,dn->bdln", ones(1, 2, 3), ar(3, 2)), ein("bld,bln,bdl->bdln", ones(1, 2, 3), ar(1, 2, 2), ones(1, 3, 2)),
      ein("ij,ij->", ones(2, 2).double(), ones(2, 2)), ein("ij,j->i", ones(2, 3), ar(3)), ein("bdn,bn->bd", ones(1, 2, 3), ar(1, 3)),
    ]).toEqual(gaps.einsum_dtypes);
  });

  it("padding='same' with an even kernel at an odd dilation warns once, as torch 1.13's TORCH_WARN_ONCE (a d_conv=4 Mamba conv written with 'same')", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      new nn.Conv1d(2, 2, 3, { padding: "same" })(torch.randn(1, 2, 5));
      new nn.Conv1d(2, 2, 4, { padding: "same", dilation: 2 })(torch.randn(1, 2, 5));
      expect(warn).not.toHaveBeenCalled();
      const y = new nn.Conv1d(2, 2, 4, { padding: "same" })(torch.randn(1, 2, 5));
      new nn.Conv2d(2, 2, [3, 2], { padding: "same" })(torch.randn(1, 2, 5, 5));
      F.conv1d(torch.randn(1, 2, 5), torch.randn(2, 2, 4), { padding: "same" });
      expect(y.shape).toEqual([1, 2, 5]);
      expect(warn.mock.calls).toEqual([["UserWarning: Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the input be created"]]);
    } finally {
      warn.mockRestore();
    }
  });

  it("split with a negative size raises torch's non-negative-entries text before the sum's (a split_size list typed wrong)", () => {
    expect([
      raised(() => torch.randn(2, 5).split([3, -1, 3], { dim: 1 })),
      raised(() => torch.randn(2, 5).split([3, -1, 2], { dim: 1 })),
      raised(() => torch.split(torch.randn(5), [2, -1, 4])),
      raised(() => torch.randn(1, 16, 5).split({ split_size: [8, 9, -1], dim: 1 })),
    ]).toEqual(gaps.split_negative);
  });

  it("logcumsumexp of an empty tensor is empty, with its grad_fn and a checked dim (an empty sequence through minGRU's scan)", () => {
    const z = torch.zeros(0, { requires_grad: true });
    const y = z.logcumsumexp(0);
    y.sum().backward();
    expect([
      y.shape, y.grad_fn!.name(), z.grad!.shape, torch.zeros(2, 0).logcumsumexp(1).shape, torch.zeros(2, 0).logcumsumexp(0).shape,
      raised(() => torch.zeros(2, 0).logcumsumexp(2)),
    ]).toEqual(gaps.logcumsumexp_empty);
  });

  it("an optimizer group listing a tied weight twice warns as torch 1.13 and keeps both entries (Mamba's lm_head tied to the embedding)", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const emb = new nn.Embedding(4, 2);
      const head = new nn.Linear(2, 4, { bias: false });
      head.weight = emb.weight;
      const o = new optim.AdamW([emb.weight, head.weight], { lr: 1e-2 });
      expect([o.param_groups[0].params.length, warn.mock.calls.map((c) => c[0])]).toEqual(gaps.dup_params);
    } finally {
      warn.mockRestore();
    }
  });

  it("einsum's operand-count errors carry torch's text alone (selective_scan's einsum missing an operand)", () => {
    expect([
      raised(() => torch.einsum("bld,dn->bdln", torch.randn(1, 4, 16))),
      raised(() => torch.einsum("ij->i", torch.ones(2, 2), torch.ones(2))),
    ]).toEqual(gaps.einsum);
  });
});
