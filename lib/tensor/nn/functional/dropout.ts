/**
 * F.dropout: zeroes each element with probability p during training and scales the survivors
 * by 1/(1-p), so the expected activation is unchanged and eval mode needs no rescaling.
 * The mask is PyTorch 1.13's on CPU (no MKL): noise.bernoulli_(1 - p), one 53-bit uniform per
 * element, kept when u < 1 - p; so after torch.manual_seed(s) the same elements are dropped as
 * in PyTorch, and a seeded training run with dropout follows PyTorch's.
 */
import { parseArgs, type PyArgs } from "../../args";
import { record } from "../../autograd/function";
import { ValueError } from "../../errors";
import { default_generator, type Generator } from "../../random";
import type { Tensor } from "../../tensor";
import { checkTensor, data, empty, floatType } from "./_util";
import { unary_ } from "../../ops/inplace";

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
  /** Keyword only: the stream the mask is drawn from (default: torch's seeded generator). */
  generator?: Generator;
}

/** F.dropout(input, p=0.5, training=True, inplace=False) */
export function dropout(input: Tensor, ...args: PyArgs<[p?: number, training?: boolean, inplace?: boolean], DropoutOptions>): Tensor {
  checkTensor(input, "dropout");
  const a = parseArgs<DropoutOptions>("dropout", ["p", "training", "inplace", "generator"], args);
  const p = a.p ?? 0.5;
  const training = a.training ?? true;
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return input;
  const gen = a.generator ?? default_generator;
  const dt = floatType(input);
  const n = input.numel();
  // mask holds 0 or 1/(1-p); p = 1 drops everything (and avoids dividing by zero).
  const mask = new Float32Array(n);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const keep = 1 - p;
  for (let i = 0; i < n; i++) mask[i] = gen.uniform53() < keep ? scale : 0;
  const masked = (t: Tensor): Tensor => {
    const x = data(t);
    const out = empty(t.shape, dt);
    const y = out._data;
    for (let i = 0; i < n; i++) y[i] = x[i] * mask[i];
    return record(out, "MulBackward0", [t], (g) => {
      const gd = data(g);
      const res = empty(t.shape, g.dtype);
      for (let i = 0; i < n; i++) res._data[i] = gd[i] * mask[i];
      return [res];
    }, [], (g) => {
      // create_graph: g times the same (constant) mask, recorded.
      const m = empty(t.shape, g.dtype);
      m._data.set(mask);
      return [g.mul(m)];
    });
  };
  // inplace=True (nn.Dropout(p, inplace=True)): written into the input and returned, as torch's dropout_
  return a.inplace ? unary_(input, "dropout_", masked) : masked(input);
}
