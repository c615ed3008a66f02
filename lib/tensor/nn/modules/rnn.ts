/**
 * Recurrent layers as PyTorch has them: nn.RNN (tanh or relu), nn.LSTM and nn.GRU with
 * num_layers, bias, batch_first, dropout between layers and bidirectional; and the one-step
 * cells nn.RNNCell, nn.LSTMCell, nn.GRUCell.
 *
 * Parameters carry PyTorch's names and layout (weight_ih_l0 [G*H, I], weight_hh_l0 [G*H, H],
 * bias_ih_l0, bias_hh_l0, "_reverse" for the backward direction; gate blocks stacked LSTM
 * i,f,g,o and GRU r,z,n) and its init (every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), in
 * registration order), so weights load from PyTorch and seeded models match.
 *
 * The recurrence is written with differentiable ops, so autograd unrolls it through time. The
 * input projection x W_ih^T + b_ih is one matmul over all time steps; only the h W_hh^T part
 * runs step by step.
 */
import { parseArgs, parseArgsRequired, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { IndexError, RuntimeError, TorchError, TypeError_, ValueError } from "../../errors";
import { warnOnce } from "../../warnings";
import { tensor as makeTensor, zeros } from "../../ops/creation";
import { stack, cat } from "../../ops/join";
import { empty } from "../../ops/util";
import { where } from "../../ops/where";
import type { Tensor } from "../../tensor";
import { dropout as dropoutFn } from "../functional/dropout";
import { linear } from "../functional/linear";
import { gru_cell, lstm_cell_output, lstm_cell_state } from "../functional/recurrent";
import { uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool, pyFloat, torchSize } from "../repr";
import { _pack_like, pad_packed_sequence, PackedSequence } from "../rnn_utils";

/** torch 1.13's TypeError when one tensor, not an (h_0, c_0) pair, reaches _VF.lstm for a batched input. */
const LSTM_HX_TENSOR =
  "lstm() received an invalid combination of arguments - got (Tensor, Tensor, list, bool, int, float, bool, bool, bool), but expected one of:\n" +
  " * (Tensor data, Tensor batch_sizes, tuple of Tensors hx, tuple of Tensors params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional)\n" +
  "      didn't match because some of the arguments have invalid types: (Tensor, Tensor, !list!, !bool!, !int!, !float!, !bool!, bool, bool)\n" +
  " * (Tensor input, tuple of Tensors hx, tuple of Tensors params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first)\n" +
  "      didn't match because some of the arguments have invalid types: (Tensor, !Tensor!, !list!, bool, int, float, bool, bool, bool)\n";

/**
 * An LSTM's hx as torch's forward reads it, hx[0] and hx[1]: a pair (or longer: the caller refuses it later), or one
 * tensor indexed along dim 0 (a learner passing h_0 alone). What has no second entry raises Python's IndexError there.
 */
function lstmPair(hx: unknown): [Tensor, Tensor] | null {
  if (hx === null || hx === undefined) return null;
  if (Array.isArray(hx)) {
    if (hx.length < 2) throw new IndexError("list index out of range");
    return [hx[0] as Tensor, hx[1] as Tensor];
  }
  const t = hx as Tensor;
  if (t.dim() === 0) {
    throw new IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  }
  const n = t.shape[0];
  if (n < 2) throw new IndexError(`index ${n === 0 ? 0 : 1} is out of bounds for dimension 0 with size ${n}`);
  return [t.index(0), t.index(1)];
}

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Hidden state of one layer and direction: h, plus c for the LSTM. */
interface State {
  h: Tensor;
  c?: Tensor;
}

/**
 * One time step. `xp` is the input's projection x W_ih^T + b_ih (already computed), so the
 * cell adds h W_hh^T + b_hh and applies the gates.
 */
function step(mode: Mode, xp: Tensor, s: State, w_hh: Tensor, b_hh: Tensor | null, w_hr: Tensor | null): State {
  const hp = linear(s.h, w_hh, b_hh);
  if (mode === "RNN_TANH") return { h: xp.add(hp).tanh() };
  if (mode === "RNN_RELU") return { h: xp.add(hp).relu() };
  if (mode === "LSTM") {
    // Gates i, f, g, o: c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g), h = sigmoid(o) * tanh(c).
    const gates = xp.add(hp);
    const c = lstm_cell_state(gates, s.c!);
    const h = lstm_cell_output(gates, c);
    // With proj_size, the state passed on (and output) is h W_hr^T, of proj_size features.
    return { h: w_hr ? linear(h, w_hr, null) : h, c };
  }
  // GRU: the reset gate scales only the hidden part of the candidate (h W_hn^T + b_hn).
  return { h: gru_cell(xp, hp, s.h) };
}

/**
 * The T time steps of a [T, ...] tensor as views, split in halves recursively. Each view's
 * backward writes into a zero tensor the size of its parent, so T plain selects would cost
 * O(T^2) in the backward pass; halving keeps it O(T log T).
 */
function timeSteps(x: Tensor): Tensor[] {
  const T = x.shape[0];
  if (T <= 2) return Array.from({ length: T }, (_, t) => x.select(0, t));
  const half = Math.floor(T / 2);
  return [...timeSteps(x.narrow(0, 0, half)), ...timeSteps(x.narrow(0, half, T - half))];
}

function checkSizes(cls: string, input_size: number, hidden_size: number): void {
  if (!Number.isInteger(input_size) || input_size < 0) throw new ValueError(`${cls}: input_size must be a non-negative integer, got ${String(input_size)}`);
  if (!Number.isInteger(hidden_size) || hidden_size <= 0) throw new ValueError("hidden_size must be greater than zero");
}

/** A cell's input_size and hidden_size, positional or by keyword (nn.LSTMCell(10, hidden_size=20)), and its other options. */
/**
 * A flag as torch's RNN / cell extra_repr prints it: `'{bias}'.format(...)` of the value kept as given, so a learner's
 * nn.LSTMCell(in, hidden, decoder_layers) (sgrvinod's captioning decoder passes 1 as bias) shows bias=1.
 */
function pyFlag(v: boolean | number | null): string {
  return v === null ? "None" : typeof v === "boolean" ? pyBool(v) : String(v);
}

/** bias as given (None included: falsy, so no biases, and torch's repr shows bias=None); true when omitted. */
const biasFlag = (b: boolean | null | undefined): boolean => (b === undefined ? true : b) as boolean;

function cellArgs<O extends object>(cls: string, names: readonly string[], all: readonly unknown[]): O & { input_size: number; hidden_size: number } {
  const o = parseArgs<O & { input_size?: number; hidden_size?: number }>(cls, ["input_size", "hidden_size", ...names] as never, all);
  const missing = (["input_size", "hidden_size"] as const).filter((k) => o[k] === undefined);
  if (missing.length > 0) {
    throw new TypeError_(`${cls}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((k) => `'${k}'`).join(" and ")}`);
  }
  return o as O & { input_size: number; hidden_size: number };
}

export interface RNNBaseOptions {
  /** Required; also accepted by keyword, as `nn.LSTM(input_size=8, hidden_size=16, batch_first=True)`. */
  input_size?: number;
  hidden_size?: number;
  num_layers?: number;
  bias?: boolean | null;
  batch_first?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  proj_size?: number;
  dtype?: DType;
}
export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

/** What forward returns: the top layer's output at every step and the last hidden state. */
export type RNNResult<H, O = Tensor> = [output: O, h_n: H];

/**
 * The call typed as forward's two overloads (Module's call signature takes forward's last one only): `self.rnn(packed)`
 * as in Python returns a PackedSequence output, `self.rnn(x)` a tensor.
 */
export interface RNNBase<H extends Tensor | [Tensor, Tensor]> {
  (input: PackedSequence, hx?: H | null): RNNResult<H, PackedSequence>;
  (input: Tensor, hx?: H | null): RNNResult<H>;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class RNNBase<H extends Tensor | [Tensor, Tensor]> extends Module {
  declare mode: Mode;
  declare input_size: number;
  declare hidden_size: number;
  declare num_layers: number;
  declare bias: boolean;
  declare batch_first: boolean;
  declare dropout: number;
  declare bidirectional: boolean;
  declare proj_size: number;
  declare _flat_weights_names: string[];
  /** The per-layer parameters by PyTorch's names: weight_ih_l0, bias_hh_l1_reverse, ... */
  [param: `weight_${string}` | `bias_${string}`]: Parameter;

  constructor(cls: string, mode: Mode, input_size: number, hidden_size: number, o: RNNBaseOptions) {
    super();
    checkSizes(cls, input_size, hidden_size);
    const num_layers = o.num_layers ?? 1;
    const p = o.dropout ?? 0;
    if (!Number.isInteger(num_layers) || num_layers <= 0) throw new ValueError("num_layers must be greater than or equal to 1");
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new ValueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (p > 0 && num_layers === 1) {
      // torch 1.13's UserWarning (CS224N a4's learner gives the one-layer encoder dropout=self.dropout_rate)
      warnOnce(
        "UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects " +
          `num_layers greater than 1, but got dropout=${Number.isInteger(p) ? String(p) : pyFloat(p)} and num_layers=${num_layers}`,
      );
    }
    const proj_size = o.proj_size ?? 0;
    if (!Number.isInteger(proj_size) || proj_size < 0) throw new ValueError("proj_size should be a positive integer or zero to disable projections");
    if (proj_size >= hidden_size) throw new ValueError("proj_size has to be smaller than hidden_size");
    this.mode = mode;
    this.input_size = input_size;
    this.hidden_size = hidden_size;
    this.num_layers = num_layers;
    this.bias = biasFlag(o.bias);
    this.batch_first = o.batch_first ?? false;
    this.dropout = p;
    this.bidirectional = o.bidirectional ?? false;
    this.proj_size = proj_size;
    this._flat_weights_names = [];
    const dtype = o.dtype ?? float32;
    const G = GATES[mode] * hidden_size;
    const D = this.bidirectional ? 2 : 1;
    const self = this as unknown as Record<string, Parameter>;
    for (let layer = 0; layer < num_layers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const inSize = layer === 0 ? input_size : this.stateSize * D;
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const shapes: [string, number[]][] = [
          [`weight_ih${sfx}`, [G, inSize]],
          [`weight_hh${sfx}`, [G, this.stateSize]],
        ];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [G]], [`bias_hh${sfx}`, [G]]);
        if (proj_size > 0) shapes.push([`weight_hr${sfx}`, [proj_size, hidden_size]]);
        for (const [name, shape] of shapes) {
          self[name] = new Parameter(empty(shape, dtype));
          this._flat_weights_names.push(name);
        }
      }
    }
    this.reset_parameters();
    this._guard_slots();
  }

  /** Features of h (the state passed between steps and layers, and the output's): proj_size when set, else hidden_size. */
  get stateSize(): number {
    return this.proj_size > 0 ? this.proj_size : this.hidden_size;
  }

  /** Rebuilds from saved settings (torch.load), with the same parameter set; the weights are loaded afterwards. */
  static _from_settings(this: new (i: number, h: number, o: RNNOptions) => Module, s: Record<string, unknown>): Module {
    const o: RNNOptions = {
      num_layers: s.num_layers as number,
      bias: s.bias as boolean,
      batch_first: s.batch_first as boolean,
      dropout: s.dropout as number,
      bidirectional: s.bidirectional as boolean,
    };
    if (s.proj_size) o.proj_size = s.proj_size as number;
    if (s.mode === "RNN_RELU") o.nonlinearity = "relu";
    return new this(s.input_size as number, s.hidden_size as number, o);
  }

  /**
   * PyTorch's RNNBase.flatten_parameters(): re-packs the weights for cuDNN on a GPU and is a no-op
   * otherwise (this engine's case). Kept so that code calling it before each forward (d2l's BiRNN,
   * many seq2seq scripts) runs unchanged.
   */
  flatten_parameters(): void {}

  reset_parameters(): void {
    const stdv = 1 / Math.sqrt(this.hidden_size);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  /** The parameters of one layer and direction. */
  private weights(layer: number, dir: number): { w_ih: Tensor; w_hh: Tensor; b_ih: Tensor | null; b_hh: Tensor | null; w_hr: Tensor | null } {
    const self = this as unknown as Record<string, Tensor>;
    const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
    return {
      w_ih: self[`weight_ih${sfx}`],
      w_hh: self[`weight_hh${sfx}`],
      b_ih: this.bias ? self[`bias_ih${sfx}`] : null,
      b_hh: this.bias ? self[`bias_hh${sfx}`] : null,
      w_hr: this.proj_size > 0 ? self[`weight_hr${sfx}`] : null,
    };
  }

  /** Checks one initial state tensor and returns it batched: [num_layers * D, N, H]. */
  private initial(t: Tensor | undefined, batched: boolean, N: number, like: Tensor, what: string): Tensor {
    const D = this.bidirectional ? 2 : 1;
    const size = what === "hidden[1]" ? this.hidden_size : this.stateSize;
    // torch's check_hidden_size runs after an unbatched hx is unsqueezed to [L*D, 1, H].
    const want = [this.num_layers * D, N, size];
    if (t === undefined) return zeros(want, { dtype: like.dtype });
    const h = batched ? t : t.unsqueeze(1);
    if (h.shape.join() !== want.join()) {
      throw new RuntimeError(`Expected ${what} size (${want.join(", ")}), got [${h.shape.join(", ")}]`);
    }
    return h;
  }

  /**
   * forward(input, hx=None) -> [output, h_n]. input is [T, N, I] ([N, T, I] with batch_first),
   * [T, I] unbatched, or a PackedSequence (then output is packed the same way and each
   * sequence's h_n is its state at its own last step); `rnn(packed)` is typed so (the interface above).
   */
  override forward(input: PackedSequence, hx?: H | null): RNNResult<H, PackedSequence>;
  override forward(input: Tensor, hx?: H | null): RNNResult<H>;
  override forward(input: Tensor | PackedSequence, hx?: H | null): RNNResult<H, Tensor | PackedSequence> {
    if (input instanceof PackedSequence) {
      // Unpack to [T, N, I] in the caller's batch order; steps past a sequence's length keep its state.
      const [padded, lengths] = pad_packed_sequence(input);
      const [out, h_n] = this._run(padded, hx, input, lengths.tolist() as number[]);
      return [_pack_like(out, input), h_n];
    }
    return this._run(input, hx, null, null);
  }

  /** `packed` is the PackedSequence the padded input came from (null for a tensor input). */
  private _run(input: Tensor, hx: H | null | undefined, packed: PackedSequence | null, lengths: number[] | null): RNNResult<H> {
    const cls = this._get_name();
    const batched = input.dim() === 3;
    if (!batched && input.dim() !== 2) {
      // torch 1.13 takes any input that is not 3-D as unbatched: hx must then be 2-D, and after the
      // batch dim is added the input must have 3 dims (an image batch [N, 1, 28, 28] "got 5").
      const hs = (Array.isArray(hx) ? hx : hx ? [hx] : []) as Tensor[];
      if (hs.some((h) => h.dim() !== 2)) {
        throw new RuntimeError(this.mode === "LSTM" && hs.length === 2
          ? `For unbatched 2-D input, hx and cx should also be 2-D but got (${hs[0].dim()}-D, ${hs[1].dim()}-D) tensors`
          : `For unbatched 2-D input, hx should also be 2-D but got ${hs[0].dim()}-D tensor`);
      }
      throw new RuntimeError(`input must have 3 dimensions, got ${input.dim() + 1}`);
    }
    if (input.shape[input.dim() - 1] !== this.input_size) {
      throw new RuntimeError(`input.size(-1) must be equal to input_size. Expected ${this.input_size}, got ${input.shape[input.dim() - 1]}`);
    }
    // Time-major [T, N, I] inside.
    const x = !batched ? input.unsqueeze(1) : this.batch_first && !packed ? input.transpose(0, 1) : input;
    const [T, N] = x.shape;
    // With lengths (packed input): keep[t] is [N, 1], true where step t is inside the sequence.
    const keep = lengths ? Array.from({ length: T }, (_, t) => makeTensor(lengths.map((l) => [t < l]))) : null;
    const isLstm = this.mode === "LSTM";
    let h0: Tensor;
    let c0: Tensor | null = null;
    if (isLstm) {
      const pair = lstmPair(hx);
      const want = batched ? 3 : 2;
      if (pair && (pair[0].dim() !== want || pair[1].dim() !== want)) {
        throw new RuntimeError(`For ${batched ? "batched 3" : "unbatched 2"}-D input, hx and cx should also be ${want}-D but got (${pair[0].dim()}-D, ${pair[1].dim()}-D) tensors`);
      }
      // torch's _VF.lstm then refuses what is not a pair of tensors
      if (pair && batched && !Array.isArray(hx)) throw new TypeError_(LSTM_HX_TENSOR);
      if (pair && batched && (hx as unknown[]).length > 2) throw new RuntimeError("lstm expects two hidden states");
      h0 = this.initial(pair?.[0], batched, N, x, "hidden[0]");
      c0 = this.initial(pair?.[1], batched, N, x, "hidden[1]");
    } else {
      if (Array.isArray(hx)) throw new RuntimeError(`${cls}: hx must be a tensor, not a pair`);
      const h = (hx as Tensor | null | undefined) ?? undefined;
      const want = batched ? 3 : 2;
      if (h && h.dim() !== want) throw new RuntimeError(`For ${batched ? "batched 3" : "unbatched 2"}-D input, hx should also be ${want}-D but got ${h.dim()}-D tensor`);
      h0 = this.initial(h, batched, N, x, "hidden");
    }
    const D = this.bidirectional ? 2 : 1;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.num_layers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const { w_ih, w_hh, b_ih, b_hh, w_hr } = this.weights(layer, dir);
        const idx = layer * D + dir;
        const xp = timeSteps(linear(layerInput, w_ih, b_ih)); // T x [N, G*H]
        let s: State = { h: h0.select(0, idx), c: c0 ? c0.select(0, idx) : undefined };
        const ys: Tensor[] = new Array<Tensor>(T);
        for (let k = 0; k < T; k++) {
          const t = dir === 0 ? k : T - 1 - k;
          const next = step(this.mode, xp[t], s, w_hh, b_hh, w_hr);
          s = keep ? { h: where(keep[t], next.h, s.h), c: next.c ? where(keep[t], next.c, s.c!) : undefined } : next;
          ys[t] = s.h;
        }
        outs.push(T > 0 ? stack(ys, 0) : zeros([0, N, this.stateSize], { dtype: x.dtype }));
        hN.push(s.h);
        if (s.c) cN.push(s.c);
      }
      layerInput = D === 2 ? cat(outs, 2) : outs[0];
      if (this.dropout > 0 && this.training && layer < this.num_layers - 1) {
        // On packed input torch drops elements of the packed data ([sum(lengths), D*H]), so the mask
        // is drawn over that layout (as many draws, in that order), then padded back.
        layerInput = packed
          ? pad_packed_sequence(new PackedSequence(dropoutFn(_pack_like(layerInput, packed).data, this.dropout, true), packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices))[0]
          : dropoutFn(layerInput, this.dropout, true);
      }
    }
    let output = layerInput;
    output = !batched ? output.squeeze(1) : this.batch_first && !packed ? output.transpose(0, 1) : output;
    // torch 1.13's RNN and GRU hand batch_first back through transpose_ (TransposeBackward1), LSTM through transpose
    if (batched && this.batch_first && !packed && !isLstm && output.grad_fn) output.grad_fn._name = "TransposeBackward1";
    const fix = (states: Tensor[]): Tensor => (batched ? stack(states, 0) : stack(states, 0).squeeze(1));
    const h_n = (isLstm ? [fix(hN), fix(cN)] : fix(hN)) as H;
    return [output, h_n];
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.proj_size !== 0) s += `, proj_size=${this.proj_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (this.bias !== true) s += `, bias=${pyFlag(this.bias)}`;
    if (this.batch_first) s += `, batch_first=${pyFlag(this.batch_first)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyFlag(this.bidirectional)}`;
    return s;
  }
}

type BasePositional = [input_size?: number, hidden_size?: number, num_layers?: number, bias?: boolean | null, batch_first?: boolean, dropout?: number, bidirectional?: boolean];
const BASE_NAMES = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size", "dtype"] as const;

/** PyTorch refuses proj_size (any value, 0 included) for RNN and GRU. */
function refuseProjection(o: RNNBaseOptions): void {
  if (o.proj_size !== undefined) throw new ValueError("proj_size argument is only supported for LSTM, not RNN or GRU");
}

/**
 * new nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
 * batch_first=False, dropout=0.0, bidirectional=False): h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).
 * forward(input, h_0=None) -> [output, h_n].
 */
export class RNN extends RNNBase<Tensor> {
  static override readonly __name__ = "RNN";
  declare nonlinearity: "tanh" | "relu";

  constructor(
    ...args: PyArgs<
      [input_size?: number, hidden_size?: number, num_layers?: number, nonlinearity?: "tanh" | "relu", bias?: boolean | null, batch_first?: boolean, dropout?: number, bidirectional?: boolean],
      RNNOptions
    >
  ) {
    const o = parseArgsRequired<RNNOptions>("RNN", ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional", "proj_size", "dtype"], 2, args);
    refuseProjection(o);
    const input_size = o.input_size!;
    const hidden_size = o.hidden_size!;
    const nl = o.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ValueError(`Unknown nonlinearity '${String(nl)}'. Select from 'tanh' or 'relu'.`);
    super("RNN", nl === "tanh" ? "RNN_TANH" : "RNN_RELU", input_size, hidden_size, o);
    this.nonlinearity = nl;
  }
}

/**
 * new nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
 * dropout=0.0, bidirectional=False, proj_size=0): gates i, f, g, o; c_t = f * c_{t-1} + i * g,
 * h_t = o * tanh(c_t), projected to proj_size features (h_t W_hr^T, weight_hr_l*) when proj_size > 0.
 * forward(input, [h_0, c_0]=None) -> [output, [h_n, c_n]].
 */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  static override readonly __name__ = "LSTM";
  constructor(...args: PyArgs<BasePositional, RNNBaseOptions>) {
    const o = parseArgsRequired<RNNBaseOptions>("LSTM", [...BASE_NAMES], 2, args);
    super("LSTM", "LSTM", o.input_size!, o.hidden_size!, o);
  }
}

/**
 * new nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
 * dropout=0.0, bidirectional=False): gates r, z, n; n_t = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
 * h_t = (1 - z) * n_t + z * h_{t-1}. forward(input, h_0=None) -> [output, h_n].
 */
export class GRU extends RNNBase<Tensor> {
  static override readonly __name__ = "GRU";
  constructor(...args: PyArgs<BasePositional, RNNBaseOptions>) {
    const o = parseArgsRequired<RNNBaseOptions>("GRU", [...BASE_NAMES], 2, args);
    refuseProjection(o);
    super("GRU", "GRU", o.input_size!, o.hidden_size!, o);
  }
}

// ---- cells ---------------------------------------------------------------------------------

export abstract class RNNCellBase<H extends Tensor | [Tensor, Tensor]> extends Module {
  declare input_size: number;
  declare hidden_size: number;
  declare bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;
  declare _mode: Mode;

  constructor(cls: string, mode: Mode, input_size: number, hidden_size: number, bias: boolean, dtype: DType) {
    super();
    checkSizes(cls, input_size, hidden_size);
    this.input_size = input_size;
    this.hidden_size = hidden_size;
    this.bias = bias;
    const G = GATES[mode] * hidden_size;
    this.weight_ih = new Parameter(empty([G, input_size], dtype));
    this.weight_hh = new Parameter(empty([G, hidden_size], dtype));
    this.register_parameter("bias_ih", bias ? new Parameter(empty([G], dtype)) : null);
    this.register_parameter("bias_hh", bias ? new Parameter(empty([G], dtype)) : null);
    this._mode = mode;
    this.reset_parameters();
    this._guard_slots();
  }

  /** Rebuilds from saved settings (torch.load); the weights are loaded afterwards. */
  static _from_settings(this: new (i: number, h: number, o: { bias?: boolean; nonlinearity?: "tanh" | "relu" }) => Module, s: Record<string, unknown>): Module {
    const o: { bias?: boolean; nonlinearity?: "tanh" | "relu" } = { bias: s.bias as boolean };
    if (s.nonlinearity === "relu") o.nonlinearity = "relu";
    return new this(s.input_size as number, s.hidden_size as number, o);
  }

  reset_parameters(): void {
    const stdv = 1 / Math.sqrt(this.hidden_size);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  /**
   * torch 1.13's check_rnn_cell_forward_hidden on the (unsqueezed, when unbatched) state: the batch size, then the
   * hidden size, both states of an LSTMCell labelled hidden0 as ATen's lstm_cell labels them; a state of another rank
   * that passes both keeps the engine's message (torch fails later, in its matmul).
   */
  private checkState(t: Tensor, batched: boolean, N: number, what: string): Tensor {
    const h = batched ? t : t.unsqueeze(0);
    if (h.size(0) !== N) throw new RuntimeError(`Input batch size ${N} doesn't match hidden0 batch size ${h.size(0)}`);
    if (h.size(1) !== this.hidden_size) throw new RuntimeError(`hidden0 has inconsistent hidden_size: got ${h.size(1)}, expected ${this.hidden_size}`);
    const want = batched ? [N, this.hidden_size] : [this.hidden_size];
    if (t.shape.join() !== want.join()) {
      throw new RuntimeError(`${this._get_name()}: Expected ${what} of size ${torchSize(want)}, got ${torchSize(t.shape)}`);
    }
    return h;
  }

  override forward(input: Tensor, hx?: H | null): H {
    const cls = this._get_name();
    const batched = input.dim() === 2;
    if (!batched && input.dim() !== 1) throw new TorchError(`${cls}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`, "AssertionError");
    if (input.shape[input.dim() - 1] !== this.input_size) {
      throw new RuntimeError(`input has inconsistent input_size: got ${input.shape[input.dim() - 1]} expected ${this.input_size}`);
    }
    const x = batched ? input : input.unsqueeze(0);
    const N = x.shape[0];
    const zero = (): Tensor => zeros([N, this.hidden_size], { dtype: x.dtype });
    let s: State;
    if (this._mode === "LSTM") {
      // torch indexes hx[0], hx[1] for an unbatched input only; a batched one goes to _VF.lstm_cell as given
      if (hx && batched && !Array.isArray(hx)) throw new TypeError_("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor");
      if (hx && batched && (hx as unknown[]).length !== 2) throw new RuntimeError("lstm_cell expects two hidden states");
      const pair = lstmPair(hx);
      s = { h: pair ? this.checkState(pair[0], batched, N, "hidden") : zero(), c: pair ? this.checkState(pair[1], batched, N, "cell") : zero() };
    } else {
      if (Array.isArray(hx)) throw new RuntimeError(`${cls}: hx must be a tensor, not a pair`);
      s = { h: hx ? this.checkState(hx as Tensor, batched, N, "hidden") : zero() };
    }
    const next = step(this._mode, linear(x, this.weight_ih, this.bias_ih), s, this.weight_hh, this.bias_hh, null);
    const un = (t: Tensor): Tensor => (batched ? t : t.squeeze(0));
    return (this._mode === "LSTM" ? [un(next.h), un(next.c!)] : un(next.h)) as H;
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.bias !== true) s += `, bias=${pyFlag(this.bias)}`;
    const nl = (this as unknown as { nonlinearity?: string }).nonlinearity;
    if (nl !== undefined && nl !== "tanh") s += `, nonlinearity=${nl}`; // PyTorch prints it unquoted
    return s;
  }
}

/** new nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity="tanh"): one step, forward(input, h=None) -> h'. */
export class RNNCell extends RNNCellBase<Tensor> {
  static override readonly __name__ = "RNNCell";
  declare nonlinearity: "tanh" | "relu";
  constructor(input_size: number, hidden_size: number, ...args: PyArgs<[bias?: boolean | null, nonlinearity?: "tanh" | "relu"], { bias?: boolean | null; nonlinearity?: "tanh" | "relu"; dtype?: DType }>);
  constructor(input_size: number, options: { hidden_size: number; bias?: boolean | null; nonlinearity?: "tanh" | "relu"; dtype?: DType });
  constructor(options: { input_size: number; hidden_size: number; bias?: boolean | null; nonlinearity?: "tanh" | "relu"; dtype?: DType });
  constructor(...all: unknown[]) {
    const o = cellArgs<{ bias?: boolean | null; nonlinearity?: "tanh" | "relu"; dtype?: DType }>("RNNCell", ["bias", "nonlinearity", "dtype"], all);
    const nl = o.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new RuntimeError(`Unknown nonlinearity: ${String(nl)}`);
    super("RNNCell", nl === "tanh" ? "RNN_TANH" : "RNN_RELU", o.input_size, o.hidden_size, biasFlag(o.bias), o.dtype ?? float32);
    this.nonlinearity = nl;
  }
}

/** new nn.LSTMCell(input_size, hidden_size, bias=True): forward(input, [h, c]=None) -> [h', c']. */
export class LSTMCell extends RNNCellBase<[Tensor, Tensor]> {
  static override readonly __name__ = "LSTMCell";
  constructor(input_size: number, hidden_size: number, ...args: PyArgs<[bias?: boolean | null], { bias?: boolean | null; dtype?: DType }>);
  constructor(input_size: number, options: { hidden_size: number; bias?: boolean | null; dtype?: DType });
  constructor(options: { input_size: number; hidden_size: number; bias?: boolean | null; dtype?: DType });
  constructor(...all: unknown[]) {
    const o = cellArgs<{ bias?: boolean | null; dtype?: DType }>("LSTMCell", ["bias", "dtype"], all);
    super("LSTMCell", "LSTM", o.input_size, o.hidden_size, biasFlag(o.bias), o.dtype ?? float32);
  }
}

/** new nn.GRUCell(input_size, hidden_size, bias=True): forward(input, h=None) -> h'. */
export class GRUCell extends RNNCellBase<Tensor> {
  static override readonly __name__ = "GRUCell";
  constructor(input_size: number, hidden_size: number, ...args: PyArgs<[bias?: boolean | null], { bias?: boolean | null; dtype?: DType }>);
  constructor(input_size: number, options: { hidden_size: number; bias?: boolean | null; dtype?: DType });
  constructor(options: { input_size: number; hidden_size: number; bias?: boolean | null; dtype?: DType });
  constructor(...all: unknown[]) {
    const o = cellArgs<{ bias?: boolean | null; dtype?: DType }>("GRUCell", ["bias", "dtype"], all);
    super("GRUCell", "GRU", o.input_size, o.hidden_size, biasFlag(o.bias), o.dtype ?? float32);
  }
}
