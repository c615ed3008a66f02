/**
 * One of the GPT bench's encoder layers (bench/gpt.ts) on its own, for A/B scripts that time a cut
 * on the layer as well as on the whole step.
 */
import { GPT } from "./gpt";
import { nn, torch } from "../lib/tensor/index";

/** A closure running one layer's forward and backward through a [16, 64, 64] input, as in the GPT step (causal when asked). */
export function encoderLayerAlone(causal: boolean): () => void {
  const layer = new nn.TransformerEncoderLayer(GPT.width, GPT.heads, { dim_feedforward: 4 * GPT.width, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
  const x = torch.randn(GPT.batch, GPT.context, GPT.width, { requires_grad: true });
  const g = torch.randn(GPT.batch, GPT.context, GPT.width);
  const mask = torch.ones(GPT.context, GPT.context, { dtype: torch.bool }).triu(1);
  return () => {
    (causal ? layer(x, { is_causal: true, src_mask: mask }) : layer(x)).backward(g);
    x.grad = null;
    layer.zero_grad();
  };
}
