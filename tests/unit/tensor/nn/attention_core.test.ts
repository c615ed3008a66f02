/**
 * The fused attention core (nn/functional/attention_core.ts) against the same attention written
 * in separate recorded ops: strided head views (as MultiheadAttention splits them), causal cuts
 * with L != S, broadcast additive masks, fully masked rows (NaN, as PyTorch), gradients of q, k
 * and v in float32, float64 gradchecks and second derivatives. Runs on both backends (the
 * tensor-ts-kernels project repeats it on the plain-TS matmul).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { fusedAttention, fusedAttentionApplies, isCausalMask } from "../../../../lib/tensor/nn/functional/attention_core";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { gradgradcheck } from "../gradgradcheck";

function reference(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  let s = q.matmul(k.transpose(-2, -1)).mul(scale);
  if (causal) {
    const L = q.shape[q.dim() - 2], S = k.shape[k.dim() - 2];
    s = s.masked_fill(torch.ones(L, S, { dtype: torch.bool }).triu(1), -Infinity);
  }
  if (mask) s = s.add(mask);
  return s.softmax(-1).matmul(v);
}

/** [N, H, len, hd] head views of a [N, len, H * hd] projection, as MultiheadAttention makes them. */
const heads = (t: Tensor, H: number): Tensor => t.reshape([t.shape[0], t.shape[1], H, -1]).transpose(1, 2);

function maxDiff(a: Tensor | null, b: Tensor | null): number {
  if (!a || !b) throw new Error("a gradient is missing");
  return a.sub(b).abs().max().item() as number;
}

describe("fused attention core", () => {
  const cases: { name: string; L: number; S: number; causal: boolean; mask: "none" | "LS" | "keys" }[] = [
    { name: "plain", L: 7, S: 7, causal: false, mask: "none" },
    { name: "causal, L < S", L: 5, S: 9, causal: true, mask: "none" },
    { name: "causal, L > S, [L, S] mask", L: 9, S: 6, causal: true, mask: "LS" },
    { name: "key padding mask [N, 1, 1, S]", L: 20, S: 33, causal: false, mask: "keys" },
  ];
  for (const c of cases) {
    it(`${c.name}: output and q/k/v gradients match the separate ops (float32, head-strided views)`, () => {
      torch.manual_seed(11);
      const N = 3, H = 2, E = 16;
      const xq = torch.randn(N, c.L, H * E, { requires_grad: true });
      const xk = torch.randn(N, c.S, H * E, { requires_grad: true });
      const xv = torch.randn(N, c.S, H * 5, { requires_grad: true });
      const mask = c.mask === "LS" ? torch.randn(c.L, c.S).mul(0.5) : c.mask === "keys" ? torch.zeros(N, 1, 1, c.S).masked_fill(torch.rand(N, 1, 1, c.S).gt(0.7), -Infinity) : null;
      const [q, k, v] = [heads(xq, H), heads(xk, H), heads(xv, H)];
      expect(fusedAttentionApplies(q, k, v, mask)).toBe(true);
      const fused = fusedAttention(q, k, v, mask, c.causal, 0.3);
      expect(fused.grad_fn?.name()).toBe("ScaledDotProductAttentionBackward0");
      const ref = reference(q, k, v, mask, c.causal, 0.3);
      expect(maxDiff(fused, ref)).toBeLessThan(1e-5);
      const w = torch.randn(...fused.shape);
      const keep = { retain_graph: true };
      const gf = torch.autograd.grad(fused.mul(w).sum(), [xq, xk, xv], null, keep);
      const gr = torch.autograd.grad(ref.mul(w).sum(), [xq, xk, xv], null, keep);
      for (let i = 0; i < 3; i++) expect(maxDiff(gf[i], gr[i])).toBeLessThan(1e-4);
      // Output gradients that arrive as views: expanded (from sum) and heads merged back by transpose + reshape.
      const merged = (t: Tensor) => t.transpose(1, 2).reshape([N, c.L, -1]);
      const wm = torch.randn(N, c.L, H * 5);
      for (const [f, r] of [[fused.sum(), ref.sum()], [merged(fused).mul(wm).sum(), merged(ref).mul(wm).sum()]]) {
        const a = torch.autograd.grad(f, [xq, xk, xv], null, keep);
        const b = torch.autograd.grad(r, [xq, xk, xv], null, keep);
        for (let i = 0; i < 3; i++) expect(maxDiff(a[i], b[i])).toBeLessThan(1e-4);
      }
    });
  }

  it("a fully masked row is NaN, as PyTorch's softmax of an all -inf row", () => {
    const q = torch.randn(1, 3, 4), k = torch.randn(1, 5, 4), v = torch.randn(1, 5, 2);
    const mask = torch.zeros(3, 5);
    mask.select(0, 1).fill_(-Infinity);
    const out = fusedAttention(q, k, v, mask, false, 0.5);
    expect(Number.isNaN(out.select(1, 1).sum().item() as number)).toBe(true);
    expect(maxDiff(out.select(1, 0), reference(q, k, v, mask, false, 0.5).select(1, 0))).toBeLessThan(1e-6);
  });

  it("declines what it does not fuse: broadcast batch dims, a mask that needs a gradient, mixed dtypes", () => {
    const q = torch.randn(2, 3, 4);
    expect(fusedAttentionApplies(q, torch.randn(1, 5, 4), torch.randn(1, 5, 4), null)).toBe(false);
    expect(fusedAttentionApplies(q, torch.randn(2, 5, 4), torch.randn(2, 5, 4), torch.zeros(3, 5, { requires_grad: true }))).toBe(false);
    expect(fusedAttentionApplies(q, torch.randn(2, 5, 4, { dtype: torch.float64 }), torch.randn(2, 5, 4), null)).toBe(false);
    expect(fusedAttentionApplies(q, torch.randn(2, 5, 4), torch.randn(2, 5, 4), torch.zeros(4, 5))).toBe(false);
  });

  it("float64: gradients and second derivatives against finite differences", () => {
    const r = (...s: number[]) => torch.randn(...s, { dtype: torch.float64 });
    const mask = r(3, 4).mul(0.3);
    gradcheck((q, k, v) => fusedAttention(q, k, v, mask, false, 0.7), [r(2, 3, 2), r(2, 4, 2), r(2, 4, 3)]);
    gradcheck((q, k, v) => fusedAttention(q, k, v, null, true, 0.5), [r(1, 4, 3), r(1, 4, 3), r(1, 4, 2)]);
    gradgradcheck((q, k, v) => fusedAttention(q, k, v, mask, true, 0.7), [r(1, 3, 2), r(1, 4, 2), r(1, 4, 2)]);
  });

  it("SDPA and MultiheadAttention (need_weights: false) take the fused path and agree with the weights path", () => {
    torch.manual_seed(5);
    const q = torch.randn(2, 6, 8, { requires_grad: true });
    expect(F.scaled_dot_product_attention(q, q, q, { is_causal: true }).grad_fn?.name()).toBe("ScaledDotProductAttentionBackward0");
    const mha = new nn.MultiheadAttention(8, 2, { batch_first: true });
    const mask = torch.ones(6, 6, { dtype: torch.bool }).triu(1);
    const [fast] = mha(q, q, q, { attn_mask: mask, need_weights: false });
    const [slow] = mha(q, q, q, { attn_mask: mask, need_weights: true });
    expect(maxDiff(fast, slow)).toBeLessThan(1e-5);
    const gFast = torch.autograd.grad(fast.sum(), [q, mha.in_proj_weight!]);
    const gSlow = torch.autograd.grad(slow.sum(), [q, mha.in_proj_weight!]);
    for (let i = 0; i < 2; i++) expect(maxDiff(gFast[i], gSlow[i])).toBeLessThan(1e-4);
    // is_causal with the causal mask (taken as the causal flag) and with another mask (used as given).
    const [hinted] = mha(q, q, q, { attn_mask: mask, need_weights: false, is_causal: true });
    expect(maxDiff(hinted, slow)).toBeLessThan(1e-5);
    expect(maxDiff(torch.autograd.grad(hinted.sum(), [q])[0], gSlow[0])).toBeLessThan(1e-4);
    const other = torch.ones(6, 6, { dtype: torch.bool }).tril(-1);
    const [given] = mha(q, q, q, { attn_mask: other, need_weights: false, is_causal: true });
    const [givenSlow] = mha(q, q, q, { attn_mask: other, need_weights: true, is_causal: true });
    expect(maxDiff(given, givenSlow)).toBeLessThan(1e-5);
    expect(maxDiff(given, slow)).toBeGreaterThan(1e-3);
  });

  it("isCausalMask recognises exactly the causal cut, bool or additive", () => {
    const bool = torch.ones(4, 6, { dtype: torch.bool }).triu(1);
    expect(isCausalMask(bool, 4, 6)).toBe(true);
    expect(isCausalMask(torch.zeros(4, 6).masked_fill(bool, -Infinity), 4, 6)).toBe(true);
    expect(isCausalMask(torch.ones(4, 6, { dtype: torch.bool }).triu(2), 4, 6)).toBe(false);
    expect(isCausalMask(torch.zeros(4, 6).masked_fill(bool, -1e9), 4, 6)).toBe(false);
    expect(isCausalMask(bool, 6, 4)).toBe(false);
  });
});
