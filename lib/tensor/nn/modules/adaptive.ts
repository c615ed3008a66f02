/**
 * nn.AdaptiveLogSoftmaxWithLoss (PyTorch 1.13, Grave et al.'s adaptive softmax): a head Linear
 * over the shortlist (classes below cutoffs[0]) plus one entry per cluster, and per cluster a
 * tail Sequential(Linear(in, in // div_value^(i+1)), Linear(hsz, cluster size)), both without
 * bias. forward(input, target) -> { output, loss } (PyTorch's _ASMoutput named tuple: also
 * iterable and indexable as [output, loss]); log_prob(input) -> [N, n_classes]; predict(input).
 * Built from differentiable engine ops (index_select, gather, index_copy, cat), in PyTorch's
 * order, so gradients reach the input, head and tails as PyTorch's.
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import { float32, int64, type DType } from "../../dtype";
import { RuntimeError, ValueError } from "../../errors";
import { from_array, zeros } from "../../ops/creation";
import { index_copy } from "../../ops/inplace_extra";
import { cat } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { log_softmax } from "../functional/activation";
import { Module } from "../module";
import { ModuleList, Sequential } from "./container";
import { Linear } from "./linear";

export interface AdaptiveLogSoftmaxWithLossOptions {
  in_features?: number;
  n_classes?: number;
  cutoffs?: readonly number[];
  div_value?: number;
  head_bias?: boolean;
  dtype?: DType;
}

/** PyTorch's _ASMoutput(output, loss). */
export interface ASMOutput {
  output: Tensor;
  loss: Tensor;
  0: Tensor;
  1: Tensor;
  [Symbol.iterator](): Iterator<Tensor>;
}

function asmOutput(output: Tensor, loss: Tensor): ASMOutput {
  const r = { output, loss };
  // Not enumerable: printing and comparing see only the two named fields.
  Object.defineProperty(r, Symbol.iterator, { enumerable: false, value: () => [output, loss][Symbol.iterator]() });
  Object.defineProperty(r, 0, { enumerable: false, value: output });
  Object.defineProperty(r, 1, { enumerable: false, value: loss });
  return r as ASMOutput;
}

const longOf = (v: number[]): Tensor => from_array(Float32Array.from(v), [v.length], { dtype: int64 });

export class AdaptiveLogSoftmaxWithLoss extends Module {
  static override readonly __name__ = "AdaptiveLogSoftmaxWithLoss";
  in_features!: number;
  n_classes!: number;
  cutoffs!: number[];
  div_value!: number;
  head_bias!: boolean;
  shortlist_size!: number;
  n_clusters!: number;
  head_size!: number;
  head!: Linear;
  tail!: ModuleList;

  /** new nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=false) */
  constructor(
    ...args: PyArgs<[in_features?: number, n_classes?: number, cutoffs?: readonly number[], div_value?: number, head_bias?: boolean], AdaptiveLogSoftmaxWithLossOptions>
  ) {
    super();
    const a = parseArgsRequired<AdaptiveLogSoftmaxWithLossOptions>("AdaptiveLogSoftmaxWithLoss", ["in_features", "n_classes", "cutoffs", "div_value", "head_bias", "dtype"], 3, args);
    const cutoffs = [...a.cutoffs!];
    const n = a.n_classes!;
    const sorted = [...cutoffs].sort((x, y) => x - y);
    if (
      cutoffs.some((c, i) => c !== sorted[i]) || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > n - 1 ||
      new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c))
    ) {
      throw new ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1");
    }
    const dtype = a.dtype ?? float32;
    this.in_features = a.in_features!;
    this.n_classes = n;
    this.cutoffs = [...cutoffs, n];
    this.div_value = a.div_value ?? 4.0;
    this.head_bias = a.head_bias ?? false;
    this.shortlist_size = this.cutoffs[0];
    this.n_clusters = this.cutoffs.length - 1;
    this.head_size = this.shortlist_size + this.n_clusters;
    this.head = new Linear(this.in_features, this.head_size, { bias: this.head_bias, dtype });
    this.tail = new ModuleList();
    for (let i = 0; i < this.n_clusters; i++) {
      const hsz = Math.floor(this.in_features / this.div_value ** (i + 1));
      const osz = this.cutoffs[i + 1] - this.cutoffs[i];
      this.tail.append(new Sequential(new Linear(this.in_features, hsz, { bias: false, dtype }), new Linear(hsz, osz, { bias: false, dtype })));
    }
  }

  reset_parameters(): void {
    this.head.reset_parameters();
    for (const seq of this.tail) for (const lin of seq as Sequential) (lin as Linear).reset_parameters();
  }

  private cluster(i: number): Sequential {
    return this.tail.get(i) as Sequential;
  }

  override forward(input_: Tensor, target_: Tensor): ASMOutput {
    const td = target_.dim();
    if (td === 1) {
      if (input_.shape[0] !== target_.shape[0]) throw new RuntimeError("Input and target should have the same size in the batch dimension.");
      if (input_.dim() !== 2) throw new RuntimeError(`1D target tensor expects 2D input tensors, but found inputs with size [${input_.shape.join(", ")}]`);
    } else if (td === 0) {
      if (input_.dim() !== 1) throw new RuntimeError(`0D target tensor expects 1D input tensors, but found inputs with size [${input_.shape.join(", ")}]`);
    } else throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
    const batched = td > 0;
    const input = batched ? input_ : input_.unsqueeze(0);
    const target = batched ? target_ : target_.unsqueeze(0);
    const t = (target.tolist() as number[]).map(Number);
    const B = t.length;
    let output = zeros([B], { dtype: input.dtype });
    const gather = new Array<number>(B).fill(0);
    const bounds = [0, ...this.cutoffs];
    let used = 0;
    for (let i = 0; i < bounds.length - 1; i++) {
      const [lo, hi] = [bounds[i], bounds[i + 1]];
      const rows = t.flatMap((v, r) => (v >= lo && v < hi ? [r] : []));
      if (rows.length === 0) continue;
      if (i === 0) for (const r of rows) gather[r] = t[r];
      else {
        const rowsT = longOf(rows);
        const relative = longOf(rows.map((r) => t[r] - lo));
        const clusterOut = this.cluster(i - 1)(input.index_select(0, rowsT)) as Tensor;
        for (const r of rows) gather[r] = this.shortlist_size + i - 1;
        const local = log_softmax(clusterOut, 1).gather(1, relative.unsqueeze(1));
        output = index_copy(output, 0, rowsT, local.squeeze(1));
      }
      used += rows.length;
    }
    if (used !== B) {
      throw new RuntimeError(`Target values should be in [0, ${this.n_classes - 1}], but values in range [${Math.min(...t)}, ${Math.max(...t)}] were found. `);
    }
    const headLogprob = log_softmax(this.head(input), 1);
    output = output.add(headLogprob.gather(1, longOf(gather).unsqueeze(1)).squeeze(1));
    const loss = output.neg().mean();
    return asmOutput(batched ? output : output.squeeze(0), loss);
  }

  /** The log-probabilities of all n_classes from the input and the head's output. */
  _get_full_log_prob(input: Tensor, head_output: Tensor): Tensor {
    const headLogprob = log_softmax(head_output, 1);
    const parts = [headLogprob.narrow(1, 0, this.shortlist_size)];
    for (let i = 0; i < this.n_clusters; i++) {
      const clusterLogprob = log_softmax(this.cluster(i)(input) as Tensor, 1);
      parts.push(clusterLogprob.add(headLogprob.narrow(1, this.shortlist_size + i, 1)));
    }
    return cat(parts, 1);
  }

  /** log_prob(input) -> [N, n_classes] log-probabilities. */
  log_prob(input: Tensor): Tensor {
    return this._get_full_log_prob(input, this.head(input));
  }

  /** predict(input) -> [N] the most likely class (log_prob(input).argmax(1), computed only where the head points to a cluster). */
  predict(input: Tensor): Tensor {
    const headOutput = this.head(input);
    const output = headOutput.argmax(1);
    const pred = (output.tolist() as number[]).map(Number);
    const outside = pred.flatMap((c, r) => (c >= this.shortlist_size ? [r] : []));
    if (outside.length === 0) return output;
    const rowsT = longOf(outside);
    const best = (this._get_full_log_prob(input.index_select(0, rowsT), headOutput.index_select(0, rowsT)).argmax(1).tolist() as number[]).map(Number);
    outside.forEach((r, j) => (pred[r] = best[j]));
    return longOf(pred);
  }
}
