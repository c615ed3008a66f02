/**
 * torch.stft / torch.istft for real signals (PyTorch 1.13): stft transforms its frames with ops/fft.ts's rfft / fft;
 * istft inverts with products with cos / sin matrices (built in float64, cast to the spectrum's dtype):
 *   stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
 *        normalized=False, onesided=None, return_complex=None) -> a complex [..., n_freq, n_frames]
 *     (complex_tensor.ts's ComplexTensor) when return_complex=True; the [..., n_freq, n_frames, 2] (real, imag)
 *     form when False; None warns as 1.13 and gives the real form.
 *   istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
 *         onesided=None, length=None, return_complex=False): input a complex [..., n_freq, n_frames]
 *     or (1.13 still takes it, with its deprecation warning) the real form [..., n_freq, n_frames, 2];
 *     return_complex=True raises.
 * Steps as ATen's: reflect-pad by n_fft // 2 when center, frames every hop_length samples, a
 * window shorter than n_fft zero-padded to the middle, one-sided spectra for real input,
 * normalized = 1/sqrt(n_fft); istft inverts each frame (c2r, Hermitian weights), windows it,
 * overlap-adds (F.fold) and divides by the overlap-added squared window. All differentiable.
 */
import { parseArgs, type PyArgs } from "../args";
import { float64 } from "../dtype";
import { NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { fold } from "../nn/functional/conv";
import { pad } from "../nn/functional/padding";
import { Tensor } from "../tensor";
import { ComplexTensor } from "../complex_tensor";
import { isComplexTensor } from "../complex_dtype";
import { from_array, ones } from "./creation";
import { fft, rfft } from "./fft";
import { makeView } from "./views";
import { warnOnce } from "../warnings";

export interface StftOptions {
  n_fft?: number;
  hop_length?: number | null;
  win_length?: number | null;
  window?: Tensor | null;
  center?: boolean;
  pad_mode?: string;
  normalized?: boolean;
  onesided?: boolean | null;
  return_complex?: boolean | null;
}

export interface IstftOptions extends Omit<StftOptions, "pad_mode" | "return_complex"> {
  length?: number | null;
  return_complex?: boolean;
}

const noComplex = (fn: string): never => {
  throw new RuntimeError(`${fn}: return_complex=True (a complex signal) is not supported by this engine; pass return_complex=False for the real signal`);
};

/** An identity view of t recorded as torch's node name (when t is on the tape). */
const named = (t: Tensor, name: string): Tensor => (t.requires_grad ? makeView(t, t.shape, t._strides, t._offset, name, (g) => [g]) : t);

/** The window padded with zeros to n_fft, centred (ATen's left = (n_fft - win_length) / 2), or ones. */
function fullWindow(fn: string, window: Tensor | null | undefined, n_fft: number, win: number, like: Tensor): Tensor {
  if (window === null || window === undefined) {
    return win < n_fft ? pad(ones([win], { dtype: like.dtype }), [Math.floor((n_fft - win) / 2), n_fft - win - Math.floor((n_fft - win) / 2)]) : ones([n_fft], { dtype: like.dtype });
  }
  if (!(window instanceof Tensor)) throw new TypeError_(`${fn}(): argument 'window' must be Tensor, not ${typeof window}`);
  if (window.dim() !== 1 || window.shape[0] !== win) {
    throw new RuntimeError(`${fn}: expected a 1D window tensor of size equal to win_length=${win}, but got window with size [${window.shape.join(", ")}]`);
  }
  if (win === n_fft) return window;
  const left = Math.floor((n_fft - win) / 2);
  return pad(window, [left, n_fft - win - left]);
}

function reprCall(fn: string, input: Tensor, n_fft: number, hop: number, win: number, o: StftOptions): string {
  const tname = (t: Tensor) => (t.dtype.is_floating_point ? (String(t.dtype).includes("64") ? "DoubleTensor" : "FloatTensor") : "LongTensor");
  const b = (v: boolean | null | undefined) => (v === null || v === undefined ? "None" : v ? "1" : "0");
  // torch's C++ repr: a Tensor argument as torch.FloatTensor[2, 40], an optional one (the window) as torch.FloatTensor{[16]}
  return `${fn}(torch.${tname(input)}[${input.shape.join(", ")}], n_fft=${n_fft}, hop_length=${hop}, win_length=${win}, window=${o.window ? `torch.${tname(o.window)}{[${o.window.shape.join(", ")}]}` : "None"}, normalized=${b(o.normalized ?? false)}, onesided=${b(o.onesided)}, return_complex=${b(o.return_complex)})`;
}

type StftArgs = PyArgs<[n_fft: number, hop_length?: number | null, win_length?: number | null, window?: Tensor | null, center?: boolean, pad_mode?: string, normalized?: boolean, onesided?: boolean | null, return_complex?: boolean | null], StftOptions>;

/** The complex spectrogram for return_complex: true (torch's overload), else the [..., 2] real form. */
export function stft(input: Tensor, n_fft: number, options: StftOptions & { return_complex: true }): ComplexTensor;
export function stft(input: Tensor, options: StftOptions & { n_fft: number; return_complex: true }): ComplexTensor;
export function stft(input: Tensor, ...args: StftArgs): Tensor;
export function stft(input: Tensor, ...args: unknown[]): Tensor | ComplexTensor {
  const o = parseArgs<StftOptions>("stft", ["n_fft", "hop_length", "win_length", "window", "center", "pad_mode", "normalized", "onesided", "return_complex"], args);
  if (!(input instanceof Tensor)) throw new TypeError_("stft(): argument 'input' (position 1) must be Tensor");
  if (o.n_fft === undefined) throw new TypeError_("stft() missing 1 required positional argument: 'n_fft'");
  if (o.return_complex === undefined || o.return_complex === null) {
    // torch 1.13's TORCH_WARN_ONCE: once per process (warnings.ts shows each message once)
    warnOnce("UserWarning: stft will soon require the return_complex parameter be given for real inputs, and will further require that return_complex=True in a future PyTorch release.");
  }
  if (!input.dtype.is_floating_point) throw new RuntimeError(`stft: expected a tensor of floating point or complex values, got ${input.dtype}`);
  const n_fft = o.n_fft;
  const hop = o.hop_length ?? Math.floor(n_fft / 4);
  const win = o.win_length ?? n_fft;
  let x = input;
  if (o.center ?? true) {
    const mode = o.pad_mode ?? "reflect";
    if (!["reflect", "constant", "replicate", "circular"].includes(mode)) throw new NotImplementedError(`Unrecognised padding mode ${mode}`);
    const p = Math.floor(n_fft / 2);
    // torch/functional.py: a 1-D or 2-D signal viewed as 3-D for F.pad, then viewed back; other ranks are padded as
    // they are (F.pad's own error for 4-D and more with a non-constant mode), and the check below names the padded shape
    const nd = x.dim();
    if (nd > 3 && mode !== "constant") throw new NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
    const ext = nd >= 3 ? x.shape : [...new Array<number>(3 - nd).fill(1), ...x.shape];
    const padded = pad(x.reshape(ext), [p, p], mode as "reflect");
    x = padded.reshape(padded.shape.slice(padded.dim() - nd));
  }
  if (x.dim() !== 1 && x.dim() !== 2) throw new RuntimeError(`${reprCall("stft", x, n_fft, hop, win, o)} : expected a 1D or 2D tensor`);
  const batched = x.dim() === 2;
  const sig = batched ? x : x.unsqueeze(0);
  const len = sig.shape[1];
  if (!(n_fft > 0 && n_fft <= len)) throw new RuntimeError(`${reprCall("stft", x, n_fft, hop, win, o)} : expected 0 < n_fft < ${len}, but got n_fft=${n_fft}`);
  if (!(hop > 0)) throw new RuntimeError(`${reprCall("stft", x, n_fft, hop, win, o)} : expected hop_length > 0, but got hop_length=${hop}`);
  if (!(win > 0 && win <= n_fft)) throw new RuntimeError(`${reprCall("stft", x, n_fft, hop, win, o)} : expected 0 < win_length <= n_fft, but got win_length=${win}`);
  const window = fullWindow("stft", o.window, n_fft, win, sig);
  const onesided = o.onesided ?? true;
  let frames = sig.unfold(1, n_fft, hop); // [B, n_frames, n_fft]
  if ((o.window !== null && o.window !== undefined) || win < n_fft) frames = frames.mul(window);
  // the one-sided (rfft) or full (fft) spectrum of every frame: [B, n_frames, n_freq] complex, as a [..., 2] pair
  const spectrum = (onesided ? rfft : fft)(frames, { norm: o.normalized ? "ortho" : "backward" });
  const pair = spectrum._pair.transpose(1, 2); // [B, n_freq, n_frames, 2]
  if (o.return_complex === true) {
    // torch's last node is that transpose, or the squeeze of a 1-D signal's batch dim
    return new ComplexTensor(batched ? named(pair, "TransposeBackward1") : named(pair.squeeze(0), "SqueezeBackward3"));
  }
  const out = pair;
  return named(batched ? out : out.squeeze(0), "ViewAsRealBackward0");
}

/** c2r matrices [n_freq, n_fft]: x_n = sum_k w_k (Re X_k cos - Im X_k sin)(2 pi k n / N), w = 1 for DC and Nyquist, else 2. */
function inverseMatrices(n_fft: number, nFreq: number, like: Tensor): [Tensor, Tensor] {
  const c = new Float64Array(nFreq * n_fft);
  const s = new Float64Array(nFreq * n_fft);
  for (let k = 0; k < nFreq; k++) {
    const w = k === 0 || 2 * k === n_fft ? 1 : 2;
    for (let n = 0; n < n_fft; n++) {
      const a = (2 * Math.PI * ((k * n) % n_fft)) / n_fft;
      c[k * n_fft + n] = w * Math.cos(a);
      s[k * n_fft + n] = -w * Math.sin(a);
    }
  }
  return [from_array(c, [nFreq, n_fft], { dtype: float64 }).to(like.dtype), from_array(s, [nFreq, n_fft], { dtype: float64 }).to(like.dtype)];
}

type IstftArgs = PyArgs<[n_fft: number, hop_length?: number | null, win_length?: number | null, window?: Tensor | null, center?: boolean, normalized?: boolean, onesided?: boolean | null, length?: number | null, return_complex?: boolean], IstftOptions>;

/** The signal of a complex spectrum, or (1.13's deprecated form) of its [..., 2] real form. */
export function istft(input: ComplexTensor, ...args: IstftArgs): Tensor;
export function istft(input: Tensor, ...args: IstftArgs): Tensor;
export function istft(input: Tensor | ComplexTensor, ...args: IstftArgs): Tensor {
  const o = parseArgs<IstftOptions>("istft", ["n_fft", "hop_length", "win_length", "window", "center", "normalized", "onesided", "length", "return_complex"], args);
  const complexInput = isComplexTensor(input);
  if (complexInput) input = (input as ComplexTensor)._pair;
  else if (!(input instanceof Tensor)) throw new TypeError_("istft(): argument 'input' (position 1) must be Tensor");
  input = input as Tensor;
  if (o.n_fft === undefined) throw new TypeError_("istft() missing 1 required positional argument: 'n_fft'");
  if (o.return_complex) noComplex("istft");
  if (input.dim() < 3 || input.dim() > 4 || input.shape[input.dim() - 1] !== 2) {
    const got = complexInput ? `a complex [${input.shape.slice(0, -1).join(", ")}]` : `[${input.shape.join(", ")}]`;
    throw new RuntimeError(`istft: expected a complex spectrum [n_freq, n_frames] or [batch, n_freq, n_frames], or its real form [..., 2], but got ${got}`);
  }
  if (!complexInput) warnOnce("UserWarning: istft will require a complex-valued input tensor in a future PyTorch release. Matching the output from stft with return_complex=True. ");
  const n_fft = o.n_fft;
  const hop = o.hop_length ?? Math.floor(n_fft / 4);
  const win = o.win_length ?? n_fft;
  const batched = input.dim() === 4;
  const spec = batched ? input : input.unsqueeze(0);
  const [, fftSize, nFrames] = spec.shape;
  const onesided = o.onesided ?? fftSize !== n_fft;
  if (onesided ? Math.floor(n_fft / 2) + 1 !== fftSize : n_fft !== fftSize) {
    throw new RuntimeError(
      onesided
        ? `istft: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when onesided=True, but got ${fftSize}`
        : `istft: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when onesided=False, but got ${fftSize}`,
    );
  }
  if (!(hop > 0 && hop <= win)) throw new RuntimeError(`istft: expected 0 < hop_length <= win_length`);
  if (!(win > 0 && win <= n_fft)) throw new RuntimeError("istft: expected 0 < win_length <= n_fft");
  const window = fullWindow("istft", o.window, n_fft, win, spec);
  const half = Math.floor(n_fft / 2) + 1;
  const used = spec.narrow(1, 0, half).transpose(1, 2); // [B, n_frames, half, 2]
  const [C, S] = inverseMatrices(n_fft, half, spec);
  let frames = used.select(-1, 0).matmul(C).add(used.select(-1, 1).matmul(S)); // [B, n_frames, n_fft]
  frames = o.normalized ? frames.div(Math.sqrt(n_fft)) : frames.div(n_fft);
  const yTmp = frames.mul(window);
  const total = n_fft + hop * (nFrames - 1);
  const overlapAdd = (t: Tensor) => fold(t.transpose(1, 2), [1, total], [1, n_fft], { stride: [1, hop] }).reshape([t.shape[0], total]);
  let y = overlapAdd(yTmp);
  let env = overlapAdd(window.pow(2).expand([1, nFrames, n_fft]));
  const center = o.center ?? true;
  const start = center ? Math.floor(n_fft / 2) : 0;
  let end = total;
  if (o.length !== undefined && o.length !== null) end = start + o.length;
  else if (center) end = total - Math.floor(n_fft / 2);
  const stop = Math.min(end, total);
  y = y.narrow(1, start, Math.max(0, stop - start));
  env = env.narrow(1, start, Math.max(0, stop - start));
  const lowest = env.abs().min().item();
  if (lowest < 1e-11) throw new RuntimeError(`istft: window overlap add min: ${lowest} (the window's squared overlap-add must be nonzero everywhere; use a hop_length that makes the windows overlap)`);
  y = y.div(env);
  if (end > total) y = pad(y, [0, end - total]);
  return batched ? y : y.squeeze(0);
}
