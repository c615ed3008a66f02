/**
 * Forward activations back to the buffer pool (autograd/activation_recycling.ts): a built-in
 * TransformerEncoderLayer's private intermediates are recycled when a plain backward frees the
 * graph; training gives the same bits as with recycling off; nothing a user, a hook or a retained
 * or create_graph graph can still read is ever handed out again.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { MIN_POOLED } from "../../../../lib/tensor/buffer_pool";
import { recycledActivations } from "../../../../lib/tensor/autograd/activation_recycling";

// Rows x width 256 x 64 and 256 x 256: pooled sizes (>= MIN_POOLED floats).
const B = 8, L = 32, E = 64;

function setup(seed = 0, norm_first = true, extra: Record<string, unknown> = {}) {
  torch.manual_seed(seed);
  const layer = new nn.TransformerEncoderLayer(E, 4, { dim_feedforward: 4 * E, dropout: 0, activation: "gelu", batch_first: true, norm_first, ...extra });
  const head = new nn.Linear(E, 10);
  const params = [...layer.parameters(), ...head.parameters()];
  const opt = new optim.AdamW(params, { lr: 1e-2 });
  const x = torch.randn(B, L, E);
  const y = torch.randint(0, 10, [B * L]);
  const forward = () => head(layer(x, { is_causal: true, src_mask: nn.Transformer.generate_square_subsequent_mask(L) })).reshape(-1, 10);
  /** One AdamW step; `noRecycle` puts a hook on the loss, which turns recycling off for that backward. */
  const step = (noRecycle = false) => {
    opt.zero_grad();
    const loss = F.cross_entropy(forward(), y);
    if (noRecycle) loss.register_hook(() => undefined);
    loss.backward();
    opt.step();
    return loss.item();
  };
  return { layer, head, params, opt, x, y, forward, step };
}

const snapshot = (t: Tensor) => Array.from(t.detach().contiguous()._data.subarray(t._offset, t._offset + t.numel()));

describe("activation recycling", () => {
  it("recycles a transformer layer's activations and trains to the same bits as without it", () => {
    expect(B * L * E).toBeGreaterThanOrEqual(MIN_POOLED);
    for (const norm_first of [true, false]) {
      const a = setup(0, norm_first), b = setup(0, norm_first);
      const before = recycledActivations();
      const la: number[] = [], lb: number[] = [];
      for (let i = 0; i < 5; i++) {
        la.push(a.step());
        lb.push(b.step(true));
      }
      // At least 5 per step (4 pre-norm: norm1's output never leaves the GEMM memory, nn/functional/norm_linear_in_module.ts).
      expect(recycledActivations() - before).toBeGreaterThanOrEqual((norm_first ? 4 : 5) * 5);
      expect(la).toEqual(lb);
      a.params.forEach((p, i) => expect(snapshot(p)).toEqual(snapshot(b.params[i])));
    }
  });

  it("decoder layers and encoder/decoder stacks train to the same bits with recycling", () => {
    const opts = { dim_feedforward: 4 * E, dropout: 0, activation: "gelu" as const, batch_first: true, norm_first: true };
    const build = () => {
      torch.manual_seed(7);
      const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(E, 4, opts), 2, { norm: new nn.LayerNorm(E) });
      const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(E, 4, opts), 2, { norm: new nn.LayerNorm(E) });
      const params = [...encoder.parameters(), ...decoder.parameters()];
      const opt = new optim.AdamW(params, { lr: 1e-2 });
      const src = torch.randn(B, L, E), tgt = torch.randn(B, L, E), y = torch.randn(B, L, E);
      const mask = nn.Transformer.generate_square_subsequent_mask(L);
      const step = (noRecycle: boolean) => {
        opt.zero_grad();
        const memory = encoder(src) as Tensor;
        const out = decoder(tgt, memory, { tgt_mask: mask, tgt_is_causal: true }) as Tensor;
        const loss = F.mse_loss(out, y);
        if (noRecycle) loss.register_hook(() => undefined);
        loss.backward();
        opt.step();
        return { loss: loss.item(), memory, out };
      };
      return { params, step };
    };
    const a = build(), b = build();
    const before = recycledActivations();
    let kept: { memory: Tensor; out: Tensor; values: number[][] } | null = null;
    for (let i = 0; i < 4; i++) {
      const ra = a.step(false), rb = b.step(true);
      expect(ra.loss).toBe(rb.loss);
      if (i === 0) kept = { memory: ra.memory, out: ra.out, values: [snapshot(ra.memory), snapshot(ra.out)] };
    }
    // Per step at least: each layer's intermediates, and the outputs between layers of a stack.
    expect(recycledActivations() - before).toBeGreaterThanOrEqual(4 * 20);
    a.params.forEach((p, i) => expect(snapshot(p)).toEqual(snapshot(b.params[i])));
    // The stacks' results (the encoder's memory, the decoder's output) escaped: never recycled.
    expect([snapshot(kept!.memory), snapshot(kept!.out)]).toEqual(kept!.values);
  });

  it("an encoder stack recycles its layers' outputs too; the same layers called from user code do not", () => {
    torch.manual_seed(8);
    const opts = { dim_feedforward: 4 * E, dropout: 0, activation: "gelu" as const, batch_first: true, norm_first: true };
    const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(E, 4, opts), 2, { norm: new nn.LayerNorm(E) });
    const src = torch.randn(B, L, E);
    const count = (forward: () => Tensor) => {
      const before = recycledActivations();
      forward().square().mean().backward();
      return recycledActivations() - before;
    };
    const stacked = count(() => encoder(src) as Tensor);
    const layers = encoder.layers.children();
    const byHand = count(() => encoder.norm!(layers.reduce((x, layer) => layer(x) as Tensor, src)) as Tensor);
    // Layer 1's output (layer 2's input) and layer 2's output (the final norm's input).
    expect(stacked - byHand).toBe(2);
  });

  it("never recycles the layer's output, a user's tensors or what a forward hook saw", () => {
    const { layer, x, step } = setup(1);
    const out = layer(x) as Tensor; // the layer's result escapes to the caller
    const view = out.reshape(-1, E);
    let seen: Tensor | null = null;
    const handle = layer.linear1.register_forward_hook((_m, _a, o) => {
      seen = o as Tensor;
    });
    const hooked = layer(x) as Tensor; // with a hook the layer's forward is not private at all
    handle.remove();
    const kept = { out: snapshot(out), view: snapshot(view), seen: snapshot(seen!), hooked: snapshot(hooked) };
    out.sum().backward();
    hooked.sum().backward();
    for (let i = 0; i < 6; i++) step();
    expect(snapshot(out)).toEqual(kept.out);
    expect(snapshot(view)).toEqual(kept.view);
    expect(snapshot(seen!)).toEqual(kept.seen);
    expect(snapshot(hooked)).toEqual(kept.hooked);
  });

  it("a subclass, a custom activation or an instance-level forward turn recycling off", () => {
    class MyLayer extends nn.TransformerEncoderLayer {}
    const seen: Tensor[] = [];
    const variants = [
      () => new MyLayer(E, 4, { dim_feedforward: 4 * E, dropout: 0, batch_first: true }),
      () => new nn.TransformerEncoderLayer(E, 4, { dim_feedforward: 4 * E, dropout: 0, batch_first: true, activation: (t: Tensor) => (seen.push(t), F.relu(t)) }),
      () => {
        const l = new nn.TransformerEncoderLayer(E, 4, { dim_feedforward: 4 * E, dropout: 0, batch_first: true });
        const inner = l.linear2.forward.bind(l.linear2);
        l.linear2.forward = (t: Tensor) => (seen.push(t), inner(t));
        return l;
      },
    ];
    const x = torch.randn(B, L, E);
    for (const make of variants) {
      torch.manual_seed(2);
      const layer = make();
      seen.length = 0;
      const before = recycledActivations();
      (layer(x) as Tensor).sum().backward();
      expect(recycledActivations()).toBe(before);
      expect(seen.length).toBeLessThanOrEqual(1);
    }
  });

  it("a retained graph's second backward gives the first one's gradients", () => {
    const { layer, forward, y, params } = setup(3);
    void layer;
    const loss = F.cross_entropy(forward(), y);
    const before = recycledActivations();
    loss.backward({ retain_graph: true });
    expect(recycledActivations()).toBe(before);
    const first = params.map((p) => snapshot(p.grad!));
    params.forEach((p) => (p.grad = null));
    // Other layers' steps in between take and overwrite whatever the pool holds.
    const other = setup(4);
    for (let i = 0; i < 3; i++) other.step();
    loss.backward();
    params.forEach((p, i) => expect(snapshot(p.grad!)).toEqual(first[i]));
  });

  it("a double backward (create_graph) through the layer gives the same values with recycling", () => {
    const run = (noRecycle: boolean) => {
      const { forward, y, params } = setup(5, true);
      const loss = F.cross_entropy(forward(), y);
      const grads = torch.autograd.grad(loss, params, null, { create_graph: true }) as Tensor[];
      const penalty = grads.map((g) => g.square().sum()).reduce((s, t) => s.add(t));
      // Another layer's steps: buffers recycled too early would be overwritten here.
      const other = setup(6);
      for (let i = 0; i < 3; i++) other.step();
      if (noRecycle) penalty.register_hook(() => undefined);
      penalty.backward();
      return params.map((p) => snapshot(p.grad!));
    };
    const before = recycledActivations();
    const a = run(false);
    expect(recycledActivations()).toBeGreaterThan(before);
    const b = run(true);
    a.forEach((g, i) => expect(g).toEqual(b[i]));
  });
});
