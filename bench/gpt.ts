/**
 * A small GPT training step: vocab 65 (characters), context 64, width 64, 4 heads, 2 pre-norm
 * blocks (causal self-attention, GELU MLP 4x), batch 16, AdamW. The same model as
 * bench/peer_torch.py builds in PyTorch.
 */
import { F, nn, optim, torch, type Tensor } from "../lib/tensor/index";
import { registerBench, timeMs } from "./harness";

export const GPT = { vocab: 65, context: 64, width: 64, heads: 4, layers: 2, batch: 16 };

class TinyGPT extends nn.Module {
  tok = new nn.Embedding(GPT.vocab, GPT.width);
  pos = new nn.Embedding(GPT.context, GPT.width);
  blocks = new nn.ModuleList(
    Array.from({ length: GPT.layers }, () =>
      new nn.TransformerEncoderLayer(GPT.width, GPT.heads, { dim_feedforward: 4 * GPT.width, dropout: 0, activation: "gelu", batch_first: true, norm_first: true }),
    ),
  );
  norm = new nn.LayerNorm(GPT.width);
  head = new nn.Linear(GPT.width, GPT.vocab);
  positions = torch.arange(GPT.context);

  override forward(idx: Tensor): Tensor {
    let x = this.tok(idx).add(this.pos(this.positions));
    for (const block of this.blocks) x = (block as nn.TransformerEncoderLayer)(x, { is_causal: true, src_mask: causalMask });
    return this.head(this.norm(x));
  }
}

/** True above the diagonal: a position may not attend to later ones (PyTorch's float/bool mask convention). */
const causalMask = torch.ones(GPT.context, GPT.context, { dtype: torch.bool }).triu(1);

/** A ready-to-time training step of our engine on a fixed random batch. */
export function gptStep(): () => number {
  torch.manual_seed(0);
  const model = new TinyGPT();
  const opt = new optim.AdamW(model.parameters(), { lr: 3e-4 });
  const x = torch.randint(0, GPT.vocab, [GPT.batch, GPT.context]);
  const y = torch.randint(0, GPT.vocab, [GPT.batch, GPT.context]);
  return () => {
    opt.zero_grad();
    const logits = model(x);
    const loss = F.cross_entropy(logits.reshape(-1, GPT.vocab), y.reshape(-1));
    loss.backward();
    opt.step();
    return loss.item();
  };
}

export const GPT_ROW = "GPT step (vocab 65, ctx 64, width 64, 4 heads, 2 layers, batch 16, AdamW)";

/** Median ms of our GPT training step. */
export function oursGptMs(): Promise<number> {
  const step = gptStep();
  return timeMs(step, { warmup: 2, minMs: 2000, minIters: 5 });
}

registerBench({ group: "train", name: GPT_ROW, unit: "ms/step", ours: oursGptMs, target: { value: 20, higherIsBetter: false } });
