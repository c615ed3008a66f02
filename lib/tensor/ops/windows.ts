/**
 * Window functions of PyTorch 1.13 (torch.hann_window, hamming_window, blackman_window,
 * bartlett_window, kaiser_window): window_length samples of the symmetric window, or, when
 * periodic (the default, for spectral analysis), the first window_length samples of the
 * window_length + 1 symmetric one. Lengths 0 and 1 give [] and [1], as ATen. Computed in
 * float64 and stored in the requested floating dtype (the default dtype unless given).
 */
import { parseArgs, type PyArgs } from "../args";
import { get_default_dtype } from "../default_dtype";
import { float64, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { i0 } from "./special_bessel";
import { from_array } from "./creation";

interface WindowOptions {
  periodic?: boolean;
  dtype?: DType;
  requires_grad?: boolean;
  device?: unknown;
  layout?: unknown;
}

/** Builds the window from w(n, M) over n = 0..N-1, M = the symmetric length minus 1. */
function makeWindow(fn: string, N: number, o: WindowOptions, w: (n: number, M: number) => number): Tensor {
  if (!Number.isInteger(N) || N < 0) throw new RuntimeError(`${fn} requires non-negative window_length, got window_length=${N}`);
  const dtype = o.dtype ?? get_default_dtype();
  if (!dtype.is_floating_point) throw new RuntimeError(`${fn} expects floating point dtypes, got: ${dtype.name}`);
  const data = new Float64Array(N);
  if (N === 1) data[0] = 1;
  else if (N > 1) {
    const M = (o.periodic ?? true) ? N : N - 1;
    for (let n = 0; n < N; n++) data[n] = w(n, M);
  }
  const t = from_array(data, [N], { dtype: float64 });
  const out = dtype === float64 ? t : t.to(dtype);
  return o.requires_grad ? out.requires_grad_(true) : out;
}

const cos = (k: number, n: number, M: number) => Math.cos((2 * Math.PI * k * n) / M);

/** torch.hann_window(window_length, periodic=True, *, dtype): 0.5 - 0.5 cos(2 pi n / M). */
export function hann_window(window_length: number, ...args: PyArgs<[periodic?: boolean], WindowOptions>): Tensor {
  const o = parseArgs<WindowOptions>("hann_window", ["periodic", "dtype", "requires_grad", "device", "layout"], args);
  return makeWindow("hann_window", window_length, o, (n, M) => 0.5 - 0.5 * cos(1, n, M));
}

interface HammingOptions extends WindowOptions {
  alpha?: number;
  beta?: number;
}

/** torch.hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype): alpha - beta cos(2 pi n / M). */
export function hamming_window(window_length: number, ...args: PyArgs<[periodic?: boolean, alpha?: number, beta?: number], HammingOptions>): Tensor {
  const o = parseArgs<HammingOptions>("hamming_window", ["periodic", "alpha", "beta", "dtype", "requires_grad", "device", "layout"], args);
  const alpha = o.alpha ?? 0.54, beta = o.beta ?? 0.46;
  return makeWindow("hamming_window", window_length, o, (n, M) => alpha - beta * cos(1, n, M));
}

/** torch.blackman_window(window_length, periodic=True, *, dtype): 0.42 - 0.5 cos(2 pi n / M) + 0.08 cos(4 pi n / M). */
export function blackman_window(window_length: number, ...args: PyArgs<[periodic?: boolean], WindowOptions>): Tensor {
  const o = parseArgs<WindowOptions>("blackman_window", ["periodic", "dtype", "requires_grad", "device", "layout"], args);
  return makeWindow("blackman_window", window_length, o, (n, M) => 0.42 - 0.5 * cos(1, n, M) + 0.08 * cos(2, n, M));
}

/** torch.bartlett_window(window_length, periodic=True, *, dtype): the triangle 1 - |2n / M - 1|. */
export function bartlett_window(window_length: number, ...args: PyArgs<[periodic?: boolean], WindowOptions>): Tensor {
  const o = parseArgs<WindowOptions>("bartlett_window", ["periodic", "dtype", "requires_grad", "device", "layout"], args);
  return makeWindow("bartlett_window", window_length, o, (n, M) => 1 - Math.abs((2 * n) / M - 1));
}

interface KaiserOptions extends WindowOptions {
  beta?: number;
}

/** torch.kaiser_window(window_length, periodic=True, beta=12.0, *, dtype): I0(beta sqrt(1 - (2n / M - 1)^2)) / I0(beta). */
export function kaiser_window(window_length: number, ...args: PyArgs<[periodic?: boolean, beta?: number], KaiserOptions>): Tensor {
  const o = parseArgs<KaiserOptions>("kaiser_window", ["periodic", "beta", "dtype", "requires_grad", "device", "layout"], args);
  const beta = o.beta ?? 12.0;
  const norm = i0(beta);
  return makeWindow("kaiser_window", window_length, o, (n, M) => {
    const r = (2 * n) / M - 1;
    return i0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
  });
}
