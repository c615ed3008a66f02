/**
 * Synthetic sequence tasks for the attention and RNN lessons: each sample is a source sequence
 * of tokens and a target of the same length, aligned position by position, so a model can be
 * trained with one cross-entropy per position (`F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))`).
 *
 *   copy     tgt = src                      (a baseline: no need to look elsewhere)
 *   reverse  tgt[i] = src[L - 1 - i]        (each position must attend to its mirror)
 *   sort     tgt = src sorted ascending     (each output depends on the whole sequence)
 *   add      src[i] = a_i * base + b_i, tgt[i] = digit i of a + b, digits least significant
 *            first; a and b have L - 1 digits and the last position is (0, 0), where the final
 *            carry lands. The carry runs left to right, so an RNN reading in order can learn it.
 *
 * Samples come from the engine's generator (torch.manual_seed repeats a dataset) or from a
 * private one with `random_state: s`, as for make_moons.
 */
import { parseArgs, type PyArgs } from "../../args";
import { int64 } from "../../dtype";
import { ValueError } from "../../errors";
import { from_array } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import type { Tensor } from "../../tensor";
import { Dataset } from "./dataset";

export type SequenceTask = "copy" | "reverse" | "sort" | "add";

export interface SequenceTaskOptions {
  /** How many sequences (default 1000); also the first positional argument. */
  n_samples?: number;
  /** Positions per sequence (default 8). */
  seq_len?: number;
  /** Distinct symbols 0..vocab_size-1 (default 10); for "add" the base of the digits. */
  vocab_size?: number;
  /** Seed of a private generator; default: the global generator (torch.manual_seed). */
  random_state?: number | null;
  generator?: Generator;
}

/** Samples are [src, tgt]: two int64 tensors of shape [seq_len]. */
export class SequenceTaskDataset extends Dataset<[Tensor, Tensor]> {
  /** Every source sequence, int64 [n_samples, seq_len]. */
  readonly src: Tensor;
  /** Every target sequence, int64 [n_samples, seq_len]. */
  readonly tgt: Tensor;
  /** Number of distinct source tokens (vocab_size, or base^2 for "add"). */
  readonly src_vocab_size: number;
  /** Number of distinct target tokens (vocab_size, the base for "add"). */
  readonly tgt_vocab_size: number;

  constructor(
    readonly task: SequenceTask,
    ...args: PyArgs<[n_samples?: number, seq_len?: number, vocab_size?: number], SequenceTaskOptions>
  ) {
    super();
    const o = parseArgs<SequenceTaskOptions>(`${task}_task`, ["n_samples", "seq_len", "vocab_size", "random_state", "generator"], args);
    const n = o.n_samples ?? 1000;
    const L = o.seq_len ?? 8;
    const V = o.vocab_size ?? 10;
    if (!["copy", "reverse", "sort", "add"].includes(task)) throw new ValueError(`unknown sequence task '${String(task)}' (copy, reverse, sort or add)`);
    for (const [v, what, min] of [[n, "n_samples", 0], [L, "seq_len", task === "add" ? 2 : 1], [V, "vocab_size", 2]] as const) {
      if (!Number.isInteger(v) || v < min) throw new ValueError(`${task}_task: ${what} must be an integer >= ${min}, got ${String(v)}`);
    }
    const gen = o.generator ?? (o.random_state !== undefined && o.random_state !== null ? new Generator(o.random_state) : default_generator);
    const draw = (): number => gen.random() % V;
    const src = new Float64Array(n * L);
    const tgt = new Float64Array(n * L);
    for (let s = 0; s < n; s++) {
      const row = s * L;
      if (task === "add") {
        let carry = 0;
        for (let i = 0; i < L; i++) {
          const a = i < L - 1 ? draw() : 0;
          const b = i < L - 1 ? draw() : 0;
          const sum = a + b + carry;
          src[row + i] = a * V + b;
          tgt[row + i] = sum % V;
          carry = sum >= V ? 1 : 0;
        }
        continue;
      }
      const seq = Array.from({ length: L }, draw);
      const out = task === "copy" ? seq : task === "reverse" ? [...seq].reverse() : [...seq].sort((x, y) => x - y);
      for (let i = 0; i < L; i++) {
        src[row + i] = seq[i];
        tgt[row + i] = out[i];
      }
    }
    this.src = from_array(src, [n, L]).to(int64);
    this.tgt = from_array(tgt, [n, L]).to(int64);
    this.src_vocab_size = task === "add" ? V * V : V;
    this.tgt_vocab_size = V;
  }

  __getitem__(index: number): [Tensor, Tensor] {
    return [this.src.select(0, index), this.tgt.select(0, index)];
  }

  __len__(): number {
    return this.src.shape[0];
  }
}

type TaskArgs = PyArgs<[n_samples?: number, seq_len?: number, vocab_size?: number], SequenceTaskOptions>;

/** copy_task(n_samples=1000, seq_len=8, vocab_size=10, { random_state }): tgt = src. */
export function copy_task(...args: TaskArgs): SequenceTaskDataset {
  return new SequenceTaskDataset("copy", ...args);
}

/** reverse_task(...): tgt is src read backwards. */
export function reverse_task(...args: TaskArgs): SequenceTaskDataset {
  return new SequenceTaskDataset("reverse", ...args);
}

/** sort_task(...): tgt is src sorted ascending. */
export function sort_task(...args: TaskArgs): SequenceTaskDataset {
  return new SequenceTaskDataset("sort", ...args);
}

/** add_task(...): digit-wise addition, least significant digit first (see the file comment). */
export function add_task(...args: TaskArgs): SequenceTaskDataset {
  return new SequenceTaskDataset("add", ...args);
}
