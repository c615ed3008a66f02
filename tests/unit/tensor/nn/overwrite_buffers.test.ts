/**
 * Ops of a transformer block that take their result buffers unzeroed (emptyForOverwrite /
 * allocStorage(.., false), or scratch from takeScratch): the fused attention's scores (scratch),
 * output, dS (scratch) and q/k/v gradients, GELU's output, saved derivative (scratch) and
 * gradient, layer_norm's output and input gradient, embedding's lookup, binary ops' outputs. With the gradient pool and
 * the scratch pool holding only NaN-filled buffers of the sizes they ask for, they must take them
 * and overwrite every element: results equal to the same ops run with the pools drained (fresh,
 * zeroed memory).
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { takePooledScratch, MIN_POOLED } from "../../../../lib/tensor/buffer_pool";
import { poisonPool } from "../core/poisoned_pool";
import { fusedAttention } from "../../../../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";
import { kernels } from "../../../../lib/tensor/kernels/registry";

const N = MIN_POOLED; // every buffer below is this size: the smallest the pool keeps

/**
 * Runs `op` forward and backward on fresh leaves, the pool poisoned with `poison[0]` buffers before
 * the forward and `poison[1]` before the backward; returns the output, the leaves' gradients and
 * the poisoned buffers.
 */
function run(inputs: Tensor[], op: (...xs: Tensor[]) => Tensor, g: Tensor, poison: [number, number], scratch: [number, number] = [0, 0]): { results: Tensor[]; bufs: Float32Array[] } {
  const leaves = inputs.map((t) => t.detach().clone().requires_grad_());
  const bufs = poisonPool(N, poison[0], scratch[0]);
  const out = op(...leaves);
  bufs.push(...poisonPool(N, poison[1], scratch[1]));
  out.backward(g);
  return { results: [out, ...leaves.map((l) => l.grad!)], bufs };
}

describe("results written into unzeroed pooled buffers equal those in fresh memory", () => {
  torch.manual_seed(8);
  const tokens = torch.randint(0, 65, [4, 64]);
  // poisoned: gradient-pool buffers the forward (output) and the backward (dV, dQ, dK) take (the pool keeps up to 32 of a
  // size); scratch: scratch-pool buffers the forward (scores) and the backward (dS) take.
  const cases: { name: string; inputs: Tensor[]; op: (...xs: Tensor[]) => Tensor; poisoned: [number, number]; scratch?: [number, number] }[] = [
    // [1, 4, 64, 64]: scores 4 x 64 x 64, output and every gradient 16384 floats.
    { name: "fused causal attention", inputs: [0, 1, 2].map(() => torch.randn(1, 4, 64, 64)), op: (q, k, v) => fusedAttention(q, k, v, null, true, 0.125), poisoned: [1, 3], scratch: [1, 1] },
    { name: "fused attention, heads interleaved", inputs: [0, 1, 2].map(() => torch.randn(1, 64, 4, 64)), op: (q, k, v) => fusedAttention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), null, false, 0.125), poisoned: [1, 3], scratch: [1, 1] },
    // output and gradient from the gradient pool, the saved derivative from the scratch pool
    { name: "GELU", inputs: [torch.randn(16, 1024)], op: (x) => F.gelu(x), poisoned: [1, 1], scratch: [1, 0] },
    { name: "embedding lookup", inputs: [torch.randn(65, 64)], op: (w) => F.embedding(tokens, w), poisoned: [1, 0] },
    { name: "layer_norm", inputs: [torch.randn(256, 64), torch.randn(64), torch.randn(64)], op: (x, w, b) => F.layer_norm(x, [64], w, b), poisoned: [1, 1] },
    // binary ops (binaryKernel): the output, and mul's two input gradients (g * b, g * a)
    { name: "add with a broadcast bias", inputs: [torch.randn(256, 64), torch.randn(64)], op: (x, b) => x.add(b), poisoned: [1, 0] },
    { name: "mul", inputs: [torch.randn(256, 64), torch.randn(256, 64)], op: (x, y) => x.mul(y), poisoned: [1, 2] },
  ];
  // Attention runs both ways: product by product, and as chains in the GEMM module's memory
  // (attention_in_module.ts, WebAssembly backend only), whose backward takes no dS scratch.
  const variants = cases.flatMap((c) => (c.name.includes("attention") ? [{ ...c, inModule: false }, { ...c, inModule: true }] : [{ ...c, inModule: false }]));
  for (const c of variants) {
    it(`${c.name}${c.name.includes("attention") ? (c.inModule ? ", chains in module memory" : ", product by product") : ""}`, () => {
      attentionInModule.enabled = c.inModule;
      try {
        // In module memory the scores stay in a resident block (kernels/wasm/resident.ts) and dS in the session: no scratch from the pool.
        const scratch: [number, number] | undefined = c.inModule && kernels.gemm && c.scratch ? [0, 0] : c.scratch;
        const g = c.name.includes("interleaved") ? torch.randn(1, 4, 64, 64) : c.name.includes("embedding") ? torch.randn(4, 64, 64) : torch.randn(...c.inputs[0].shape);
        const fresh = run(c.inputs, c.op, g, [0, 0]).results.map((t) => Array.from(t.contiguous()._data));
        const { results, bufs } = run(c.inputs, c.op, g, c.poisoned, scratch);
        results.forEach((t, i) => expect(Array.from(t.contiguous()._data)).toEqual(fresh[i]));
        // Every poisoned buffer was taken and overwritten (else this test would prove nothing).
        expect(bufs.filter((b) => b.some((v) => Number.isNaN(v)))).toEqual([]);
      } finally {
        attentionInModule.enabled = true;
      }
    });
  }
});

describe("fused attention's dS buffer", () => {
  it("goes back to the pool at the end of the backward; a second backward (retain_graph) gives the same gradients", () => {
    // The product-by-product path's dS (the chains in module memory keep dS there).
    attentionInModule.enabled = false;
    try {
      dsGoesBack();
    } finally {
      attentionInModule.enabled = true;
    }
  });
});

/** The product-by-product backward's dS goes back to the scratch pool, and a retained second backward repeats the gradients. */
function dsGoesBack(): void {
  torch.manual_seed(9);
  // Heads of 16: q/k/v and their gradients are 4096 floats (too small for the pool); dS is 4 x 64 x 64.
  const [q, k, v] = [0, 1, 2].map(() => torch.randn(1, 4, 64, 16).requires_grad_());
  const g = torch.randn(1, 4, 64, 16);
  const out = fusedAttention(q, k, v, null, true, 0.125);
  poisonPool(N, 0);
  expect(takePooledScratch(false, N)).toBeNull();
  out.backward(g, { retain_graph: true });
  const grads = [q, k, v].map((t) => Array.from(t.grad!._data));
  // dS is the only pooled-size scratch of the backward: it is in the scratch pool now.
  const given = takePooledScratch(false, N);
  expect(given).not.toBeNull();
  for (const t of [q, k, v]) t.grad = null;
  out.backward(g);
  [q, k, v].forEach((t, i) => expect(Array.from(t.grad!._data)).toEqual(grads[i]));
}

