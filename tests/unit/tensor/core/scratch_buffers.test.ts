/**
 * Op-private forward buffers (Node.scratch: GELU's derivative, fused attention's probabilities,
 * cross_entropy's exponentials) go back to the scratch pool (buffer_pool.ts takeScratch) when the
 * graph is freed after backward, or at once when no graph is recorded; never while a retained
 * graph can still read them; and never into the pool any allocation takes from.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { clearPools, MIN_POOLED, releaseScratch, takePooled, takePooledScratch } from "../../../../lib/tensor/buffer_pool";
import type { Storage } from "../../../../lib/tensor/dtype";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { zoneUse } from "../../../../lib/tensor/kernels/wasm/resident";
import { attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";

/** Empties the scratch pool's float32 list of length n and returns what it held. */
function drainPool(n: number): Storage[] {
  const out: Storage[] = [];
  for (let b = takePooledScratch(false, n); b; b = takePooledScratch(false, n)) out.push(b);
  return out;
}

/** Empties the general pool's float32 list of length n. */
function drainGeneral(n: number): Storage[] {
  const out: Storage[] = [];
  for (let b = takePooled(false, n, false); b; b = takePooled(false, n, false)) out.push(b);
  return out;
}

const snapshot = (t: Tensor) => Array.from(t.detach().contiguous()._data.subarray(t._offset, t._offset + t.numel()));

/** Ops of the same sizes run in between, so a wrongly pooled buffer would be handed out and overwritten. */
function churn(make: () => Tensor): void {
  for (let i = 0; i < 6; i++) make().sum().backward();
}

describe("op-private scratch buffers", () => {
  // Room in both pools: earlier files in this worker may have left them at their byte bound.
  beforeEach(() => clearPools());
  const rows = 64, cols = 512; // 32768 floats: pooled
  const n = rows * cols;

  it("GELU's derivative buffer returns to the pool after backward, not before", () => {
    expect(n).toBeGreaterThanOrEqual(MIN_POOLED);
    torch.manual_seed(0);
    const x = torch.randn(rows, cols, { requires_grad: true });
    const y = F.gelu(x);
    const cdf = y.grad_fn!.scratch![0];
    expect(cdf.length).toBe(n);
    drainPool(n);
    // autograd.grad: nothing is allocated after GELU's node is released (backward's .grad could take the buffer at once).
    const [gx] = torch.autograd.grad(y.sum(), [x]) as Tensor[];
    expect(y.grad_fn!.scratch).toBeNull();
    expect(drainPool(n)).toContain(cdf);
    expect(gx._data).not.toBe(cdf);
  });

  it("under no_grad GELU takes no scratch", () => {
    const x = torch.randn(rows, cols, { requires_grad: true });
    F.gelu(x).sum().backward();
    const free = drainPool(n);
    expect(free.length).toBe(1);
    for (const b of free) releaseScratch(b);
    torch.no_grad(() => F.gelu(x));
    expect(drainPool(n)).toEqual(free);
  });

  it("scratch never reaches the pool other allocations take from", () => {
    const x = torch.randn(rows, cols, { requires_grad: true });
    const y = F.gelu(x);
    const d = y.grad_fn!.scratch![0];
    drainGeneral(n);
    y.sum().backward();
    expect(drainGeneral(n)).not.toContain(d);
    expect(drainPool(n)).toContain(d);
  });

  it("a retained GELU graph keeps its derivative: a second backward after other GELU steps gives the same gradient", () => {
    torch.manual_seed(1);
    const x = torch.randn(rows, cols, { requires_grad: true });
    const y = F.gelu(x);
    const yValues = snapshot(y);
    y.sum().backward({ retain_graph: true });
    const first = snapshot(x.grad!);
    expect(y.grad_fn!.scratch).not.toBeNull();
    churn(() => F.gelu(torch.randn(rows, cols, { requires_grad: true })));
    x.grad = null;
    y.sum().backward();
    expect(snapshot(x.grad!)).toEqual(first);
    // The output the caller holds is not scratch: later steps leave it alone.
    churn(() => F.gelu(torch.randn(rows, cols, { requires_grad: true })));
    expect(snapshot(y)).toEqual(yValues);
  });

  it("cross_entropy's exponentials return to the pool after backward; a retained graph keeps them", () => {
    torch.manual_seed(4);
    const [M, C] = [512, 65];
    const logits = torch.randn(M, C).mul(3).requires_grad_(true);
    const y = torch.randint(0, C, [M]);
    const loss = F.cross_entropy(logits, y);
    const ex = loss.grad_fn!.scratch![0];
    expect(ex.length).toBe(M * C);
    loss.backward({ retain_graph: true });
    const first = snapshot(logits.grad!);
    churn(() => F.cross_entropy(torch.randn(M, C).requires_grad_(true), y));
    logits.grad = null;
    drainPool(M * C);
    const [g] = torch.autograd.grad(loss, [logits]) as Tensor[];
    expect(snapshot(g)).toEqual(first);
    expect(drainPool(M * C)).toContain(ex);
    // Without a graph the buffer is given back at once.
    torch.no_grad(() => F.cross_entropy(torch.randn(M, C), y));
    expect(drainPool(M * C).length).toBe(1);
  });

  // [2, 4, 64, 64]: 32768 attention probabilities.
  const qkv = (grad: boolean) => [0, 1, 2].map(() => torch.randn(2, 4, 64, 16, { requires_grad: grad }));
  const nP = 2 * 4 * 64 * 64;

  it("fused attention's probabilities return to the pool after backward, or at once without a graph", () => {
    // Product by product (the chains in module memory keep them in a resident block instead: below).
    attentionInModule.enabled = false;
    try {
      torch.manual_seed(2);
      const [q, k, v] = qkv(true);
      const out = F.scaled_dot_product_attention(q, k, v, { is_causal: true });
      const P = out.grad_fn!.scratch![0];
      expect(P.length).toBe(nP);
      drainPool(nP);
      out.sum().backward();
      expect(drainPool(nP)).toContain(P);
      const [q2, k2, v2] = qkv(false);
      F.scaled_dot_product_attention(q2, k2, v2);
      expect(drainPool(nP).length).toBe(1);
    } finally {
      attentionInModule.enabled = true;
    }
  });

  it.runIf(kernels.gemm?.memory !== undefined)("chains in module memory keep the probabilities in a resident block, freed with the graph", () => {
    torch.manual_seed(2);
    const [q, k, v] = qkv(true);
    const memory = kernels.gemm!.memory!;
    const live = zoneUse(memory)?.live ?? 0;
    drainPool(nP);
    const out = F.scaled_dot_product_attention(q, k, v, { is_causal: true });
    // The JS array the forward did not need went back at once.
    expect(out.grad_fn!.scratch).toBeNull();
    expect(out.grad_fn!.kept).toHaveLength(1);
    expect(drainPool(nP).length).toBe(1);
    expect(zoneUse(memory)!.live - live).toBe(nP);
    out.sum().backward();
    expect(out.grad_fn!.kept).toBeNull();
    expect(zoneUse(memory)!.live - live).toBe(0);
  });

  it("a retained attention graph keeps its probabilities across other attention steps", () => {
    torch.manual_seed(3);
    const [q, k, v] = qkv(true);
    const w = torch.randn(2, 4, 64, 16);
    const out = F.scaled_dot_product_attention(q, k, v, { is_causal: true });
    out.mul(w).sum().backward({ retain_graph: true });
    const first = [q, k, v].map((t) => snapshot(t.grad!));
    churn(() => {
      const [a, b, c] = qkv(true);
      return F.scaled_dot_product_attention(a, b, c, { is_causal: true });
    });
    for (const t of [q, k, v]) t.grad = null;
    out.mul(w).sum().backward();
    expect([q, k, v].map((t) => snapshot(t.grad!))).toEqual(first);
  });
});
