/**
 * torch.nn.utils.rnn: batches of sequences of different lengths.
 *
 *   pad_sequence([a, b, c])                 -> [T_max, B, *] (or [B, T_max, *] with batch_first)
 *   pack_padded_sequence(padded, lengths)   -> PackedSequence: the valid steps only, time-major
 *   pad_packed_sequence(packed)             -> [padded, lengths]
 *   pack_sequence([a, b, c])                -> pack_padded_sequence(pad_sequence(...), lengths)
 *   unpad_sequence(padded, lengths)         -> [a, b, c] (unpack_sequence(packed) likewise)
 *
 * PackedSequence's layout is PyTorch's: `data` holds step 0 of every sequence (longest first),
 * then step 1 of those still running, and so on; batch_sizes[t] counts the sequences at step t;
 * sorted_indices orders the batch by decreasing length (null when the caller sorted it already,
 * enforce_sorted=true) and unsorted_indices undoes that. nn.RNN/LSTM/GRU accept one and return
 * their output packed the same way, with h_n in the caller's batch order.
 *
 * Every step is a differentiable op (index_select, narrow, cat, stack), so gradients flow
 * through packing and unpacking.
 */
import { parseArgs, type PyArgs } from "../args";
import { leadingArgs } from "../leading_args";
import { float32, float64, int16, int32, int64, int8, uint8 } from "../dtype";
import { IndexError, RuntimeError, TypeError_, ValueError } from "../errors";
import { pyTypeName } from "../py_type_name";
import { broadcastShapes, fmtShape } from "../shape";
import { tensor as makeTensor, zeros } from "../ops/creation";
import { cat, stack } from "../ops/join";
import { Tensor } from "../tensor";

export class PackedSequence {
  constructor(
    /** The valid steps, [sum(lengths), *], time-major, each step's sequences longest first. */
    readonly data: Tensor,
    /** int64 [T_max]: how many sequences are still running at each step. */
    readonly batch_sizes: Tensor,
    /** int64 [B] or null: sorted position -> original batch index. */
    readonly sorted_indices: Tensor | null = null,
    /** int64 [B] or null: original batch index -> sorted position. */
    readonly unsorted_indices: Tensor | null = null,
  ) {}

  // torch's PackedSequence is a namedtuple: packed[0] is data (yunjey's image captioning trains on
  // pack_padded_sequence(captions, lengths, batch_first=True)[0]), and it unpacks into its four fields.
  get 0(): Tensor {
    return this.data;
  }
  get 1(): Tensor {
    return this.batch_sizes;
  }
  get 2(): Tensor | null {
    return this.sorted_indices;
  }
  get 3(): Tensor | null {
    return this.unsorted_indices;
  }
  *[Symbol.iterator](): Iterator<Tensor | null> {
    yield this.data;
    yield this.batch_sizes;
    yield this.sorted_indices;
    yield this.unsorted_indices;
  }

  /**
   * to(device | dtype | { device, dtype, ... }) as torch's PackedSequence.to: data moves or converts (this
   * PackedSequence itself when data stays the same tensor); batch_sizes and the index tensors stay as they are
   * (torch moves the indices to data's device only, never their dtype). A training loop written for tensors
   * calls x_batch.to(device) on a packed batch (Deep Learning with PyTorch Step-by-Step's StepByStep class).
   */
  to(...args: Parameters<Tensor["to"]>): PackedSequence {
    const data = this.data.to(...args);
    if (data === this.data) return this;
    return new PackedSequence(data, this.batch_sizes, this.sorted_indices, this.unsorted_indices);
  }
  /** torch's PackedSequence.cpu(): the CPU is the only device, so this PackedSequence. */
  cpu(): PackedSequence {
    return this.to("cpu");
  }
  /** data converted to float32, as torch's PackedSequence.float() (likewise double, long, int, short, char, byte; float16 is not stored here). */
  float(): PackedSequence {
    return this.to(float32);
  }
  double(): PackedSequence {
    return this.to(float64);
  }
  long(): PackedSequence {
    return this.to(int64);
  }
  int(): PackedSequence {
    return this.to(int32);
  }
  short(): PackedSequence {
    return this.to(int16);
  }
  char(): PackedSequence {
    return this.to(int8);
  }
  byte(): PackedSequence {
    return this.to(uint8);
  }
  /** torch's PackedSequence.is_cuda: data's (always false here). */
  get is_cuda(): boolean {
    return false;
  }

  /** The batch sizes as plain numbers. */
  _sizes(): number[] {
    return this.batch_sizes.tolist() as number[];
  }

  toString(): string {
    return `PackedSequence(data=${String(this.data)}, batch_sizes=${String(this.batch_sizes)}, sorted_indices=${this.sorted_indices === null ? "None" : String(this.sorted_indices)}, unsorted_indices=${this.unsorted_indices === null ? "None" : String(this.unsorted_indices)})`;
  }
}

/**
 * The lengths as torch 1.13 reads them, torch.as_tensor(lengths, dtype=torch.int64) (a tensor: lengths.to(torch.int64)):
 * fractional values truncate toward zero, and a list may hold one-element integer tensors, as sgrvinod's sequence
 * labeling model passes list(wmap_lengths); a float one among them is Python's TypeError.
 */
function lengthsOf(lengths: Lengths, fn: string): number[] {
  const raw: unknown[] = lengths instanceof Tensor ? (lengths.reshape(-1).tolist() as number[]) : Array.from(lengths as ArrayLike<unknown>);
  return raw.map((l) => {
    if (l instanceof Tensor) {
      if (l.numel() !== 1 || l.dtype.is_floating_point || l.dtype.is_complex) throw new TypeError_("only integer tensors of a single element can be converted to an index");
      return Number(l.item());
    }
    if (typeof l === "boolean") return l ? 1 : 0;
    if (typeof l !== "number" || !Number.isFinite(l)) throw new TypeError_(`${fn}: lengths must be integers, got [${raw.map(String).join(", ")}]`);
    return Math.trunc(l);
  });
}

/**
 * Sequence lengths: a tensor, a list (of numbers or of one-element integer tensors, Python's list(lengths_tensor)), or
 * a typed array such as lengths.cpu().numpy() (the ch15 sentiment model of Raschka's book passes that).
 */
type Lengths = Tensor | readonly number[] | readonly Tensor[] | ArrayLike<number>;

const longs = (v: readonly number[]): Tensor => makeTensor([...v], { dtype: int64 });

export interface PadSequenceOptions {
  batch_first?: boolean;
  padding_value?: number;
}

/** pad_sequence(sequences, batch_first=False, padding_value=0.0): [L_i, *] tensors -> [T_max, B, *]. */
export function pad_sequence(sequences: readonly Tensor[] | Tensor, ...args: PyArgs<[batch_first?: boolean, padding_value?: number], PadSequenceOptions>): Tensor;
/** pad_sequence(sequences=seqs, batch_first=True): every argument by keyword. */
export function pad_sequence(options: PadSequenceOptions & { sequences: readonly Tensor[] }): Tensor;
export function pad_sequence(...all: unknown[]): Tensor {
  const [sequences, ...args] = leadingArgs("pad_sequence", ["sequences"], 1, all) as [readonly Tensor[], ...unknown[]];
  const o = parseArgs<PadSequenceOptions>("pad_sequence", ["batch_first", "padding_value"], args);
  // a tensor is a sequence of its rows, as Python iterates it
  const seqs: readonly unknown[] = sequences instanceof Tensor ? sequences.unbind(0) : sequences;
  if (!Array.isArray(seqs) || seqs.length === 0) throw new RuntimeError("received an empty list of sequences");
  seqs.forEach((s, i) => {
    if (!(s instanceof Tensor)) throw new TypeError_(`expected Tensor as element ${i} in argument 0, but got ${pyTypeName(s)}`);
  });
  const list = seqs as Tensor[];
  // torch 1.13 fills a [T, B, *trailing of the first] tensor of the first's dtype and copies each sequence into
  // out[:L_i, i]: a 0-D sequence has no size(0), and a copy that does not broadcast says copy_'s texts
  const lead = (s: Tensor): number => {
    if (s.dim() === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
    return s.shape[0];
  };
  const trailing = list[0].shape.slice(1);
  lead(list[0]);
  const T = Math.max(...list.map(lead));
  const dtype = list[0].dtype;
  const padded = list.map((s) => {
    const slot = [s.shape[0], ...trailing];
    const shape = broadcastShapes(slot, s.shape);
    if (shape.join() !== slot.join()) throw new RuntimeError(`output with shape ${fmtShape(slot)} doesn't match the broadcast shape ${fmtShape(shape)}`);
    const v = (s.dtype === dtype ? s : s.to(dtype)).expand(slot);
    const missing = T - s.shape[0];
    if (missing === 0) return v;
    return cat([v, zeros([missing, ...trailing], { dtype }).add(o.padding_value ?? 0)], 0);
  });
  return stack(padded, o.batch_first ? 0 : 1);
}

export interface PackPaddedOptions {
  batch_first?: boolean;
  enforce_sorted?: boolean;
}

/**
 * pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True): input is
 * [T, B, *] (or [B, T, *]); with enforce_sorted the lengths must already decrease.
 */
export function pack_padded_sequence(
  input: Tensor,
  lengths: Lengths,
  ...args: PyArgs<[batch_first?: boolean, enforce_sorted?: boolean], PackPaddedOptions>
): PackedSequence;
/** pack_padded_sequence(x, lengths=lens, batch_first=True) or every argument by keyword. */
export function pack_padded_sequence(input: Tensor, options: PackPaddedOptions & { lengths: Lengths }): PackedSequence;
export function pack_padded_sequence(options: PackPaddedOptions & { input: Tensor; lengths: Lengths }): PackedSequence;
export function pack_padded_sequence(...all: unknown[]): PackedSequence {
  const fn = "pack_padded_sequence";
  const [input, lengths, ...args] = leadingArgs(fn, ["input", "lengths"], 2, all) as [Tensor, Lengths, ...unknown[]];
  const o = parseArgs<PackPaddedOptions>(fn, ["batch_first", "enforce_sorted"], args);
  const x = o.batch_first ? input.transpose(0, 1) : input; // [T, B, *]
  const lens = lengthsOf(lengths, fn);
  const [T, B] = x.shape;
  if (lens.length !== B) throw new RuntimeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  if (lens.some((l) => l <= 0)) throw new RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  if (lens.some((l) => l > T)) throw new RuntimeError(`${fn}: a length (${Math.max(...lens)}) exceeds the padded length ${T}`);
  let order = lens.map((_, i) => i);
  let sorted: Tensor | null = null;
  let unsorted: Tensor | null = null;
  if (o.enforce_sorted ?? true) {
    if (lens.some((l, i) => i > 0 && l > lens[i - 1])) {
      throw new RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
    }
  } else {
    order = [...order].sort((a, b) => lens[b] - lens[a]); // stable: ties keep batch order
    const inverse = new Array<number>(B);
    order.forEach((orig, pos) => (inverse[orig] = pos));
    sorted = longs(order);
    unsorted = longs(inverse);
  }
  const sortedLens = order.map((i) => lens[i]);
  const batchSizes = Array.from({ length: sortedLens[0] }, (_, t) => sortedLens.filter((l) => l > t).length);
  const ordered = sorted ? x.index_select(1, sorted) : x;
  const data = cat(batchSizes.map((bs, t) => ordered.select(0, t).narrow(0, 0, bs)), 0);
  return new PackedSequence(data, longs(batchSizes), sorted, unsorted);
}

export interface PadPackedOptions {
  batch_first?: boolean;
  padding_value?: number;
  total_length?: number | null;
}

/** pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None) -> [padded, lengths]. */
export function pad_packed_sequence(
  sequence: PackedSequence,
  ...args: PyArgs<[batch_first?: boolean, padding_value?: number, total_length?: number | null], PadPackedOptions>
): [Tensor, Tensor];
/** pad_packed_sequence(sequence=packed, batch_first=True): every argument by keyword. */
export function pad_packed_sequence(options: PadPackedOptions & { sequence: PackedSequence }): [Tensor, Tensor];
export function pad_packed_sequence(...all: unknown[]): [Tensor, Tensor] {
  const fn = "pad_packed_sequence";
  const [sequence, ...args] = leadingArgs(fn, ["sequence"], 1, all) as [PackedSequence, ...unknown[]];
  if (!(sequence instanceof PackedSequence)) throw new TypeError_(`${fn}: expected a PackedSequence`);
  const o = parseArgs<PadPackedOptions>(fn, ["batch_first", "padding_value", "total_length"], args);
  const sizes = sequence._sizes();
  const B = sizes[0];
  const trailing = sequence.data.shape.slice(1);
  const T = o.total_length ?? sizes.length;
  if (T < sizes.length) {
    throw new ValueError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${T} and max sequence length being ${sizes.length}`);
  }
  const pad = o.padding_value ?? 0;
  const rows: Tensor[] = [];
  let at = 0;
  for (let t = 0; t < T; t++) {
    const bs = t < sizes.length ? sizes[t] : 0;
    const parts: Tensor[] = [];
    if (bs > 0) parts.push(sequence.data.narrow(0, at, bs));
    if (bs < B) parts.push(zeros([B - bs, ...trailing], { dtype: sequence.data.dtype }).add(pad));
    rows.push(parts.length === 1 ? parts[0] : cat(parts, 0));
    at += bs;
  }
  let padded = stack(rows, 0); // [T, B, *] in sorted order
  const sortedLens = Array.from({ length: B }, (_, b) => sizes.filter((s) => s > b).length);
  let lens = sortedLens;
  if (sequence.unsorted_indices) {
    padded = padded.index_select(1, sequence.unsorted_indices);
    const inv = sequence.unsorted_indices.tolist() as number[];
    lens = inv.map((pos) => sortedLens[pos]);
  }
  return [o.batch_first ? padded.transpose(0, 1) : padded, longs(lens)];
}

/** Packs a padded [T, B, *] tensor (batch in the caller's order) exactly as `like` is packed (the RNN's output). */
export function _pack_like(padded: Tensor, like: PackedSequence): PackedSequence {
  const ordered = like.sorted_indices ? padded.index_select(1, like.sorted_indices) : padded;
  const data = cat(like._sizes().map((bs, t) => ordered.select(0, t).narrow(0, 0, bs)), 0);
  return new PackedSequence(data, like.batch_sizes, like.sorted_indices, like.unsorted_indices);
}

/** pack_sequence(sequences, enforce_sorted=True): pad_sequence then pack_padded_sequence. */
export function pack_sequence(sequences: readonly Tensor[], ...args: PyArgs<[enforce_sorted?: boolean], { enforce_sorted?: boolean }>): PackedSequence;
/** pack_sequence(sequences=seqs, enforce_sorted=False): every argument by keyword. */
export function pack_sequence(options: { sequences: readonly Tensor[]; enforce_sorted?: boolean }): PackedSequence;
export function pack_sequence(...all: unknown[]): PackedSequence {
  const [sequences, ...args] = leadingArgs("pack_sequence", ["sequences"], 1, all) as [readonly Tensor[], ...unknown[]];
  const o = parseArgs<{ enforce_sorted?: boolean }>("pack_sequence", ["enforce_sorted"], args);
  return pack_padded_sequence(pad_sequence(sequences), sequences.map((s) => s.shape[0]), { enforce_sorted: o.enforce_sorted ?? true });
}

export interface UnpadSequenceOptions {
  batch_first?: boolean;
}

/**
 * unpad_sequence(padded_sequences, lengths, batch_first=False) -> the list of sequences: row b keeps the steps t with
 * t < lengths[b] (a copy, as torch's seq[mask]; a longer length keeps all, a negative one none), over min(B, len(lengths))
 * rows as Python's zip. As torch 1.13, batch_first=False transposes padded_sequences IN PLACE (its transpose_(0, 1)):
 * the input is [B, T, *] afterwards, and a leaf that requires grad raises.
 */
export function unpad_sequence(padded_sequences: Tensor, lengths: Lengths, ...args: PyArgs<[batch_first?: boolean], UnpadSequenceOptions>): Tensor[];
/** unpad_sequence(padded_sequences=p, lengths=l, batch_first=True): every argument by keyword. */
export function unpad_sequence(options: UnpadSequenceOptions & { padded_sequences: Tensor; lengths: Lengths }): Tensor[];
export function unpad_sequence(...all: unknown[]): Tensor[] {
  const fn = "unpad_sequence";
  const [padded, lengths, ...args] = leadingArgs(fn, ["padded_sequences", "lengths"], 2, all) as [Tensor, Lengths, ...unknown[]];
  const o = parseArgs<UnpadSequenceOptions>(fn, ["batch_first"], args);
  if (!(padded instanceof Tensor)) throw new TypeError_(`${fn}: padded_sequences must be a Tensor`);
  const lens = lengths instanceof Tensor ? (lengths.reshape(-1).tolist() as number[]) : Array.from(lengths, Number);
  if (!o.batch_first) padded.transpose_(0, 1);
  const T = padded.shape[1];
  const out: Tensor[] = [];
  for (let b = 0; b < Math.min(padded.shape[0], lens.length); b++) {
    const keep = Math.min(T, Math.max(0, Math.ceil(lens[b]))); // #{t in [0, T): t < length}
    out.push(padded.select(0, b).narrow(0, 0, keep).clone());
  }
  return out;
}

/** unpack_sequence(packed_sequences) -> the list of sequences: pad_packed_sequence(batch_first=True), then unpad_sequence. */
export function unpack_sequence(packed_sequences: PackedSequence): Tensor[];
/** unpack_sequence(packed_sequences=packed): by keyword. */
export function unpack_sequence(options: { packed_sequences: PackedSequence }): Tensor[];
export function unpack_sequence(...all: unknown[]): Tensor[] {
  const [packed, ...args] = leadingArgs("unpack_sequence", ["packed_sequences"], 1, all) as [PackedSequence, ...unknown[]];
  parseArgs<object>("unpack_sequence", [], args);
  const [padded, lengths] = pad_packed_sequence(packed, { batch_first: true });
  return unpad_sequence(padded, lengths, { batch_first: true });
}

export const rnn = { PackedSequence, pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, unpad_sequence, unpack_sequence };
