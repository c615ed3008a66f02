/**
 * F.max_pool3d_with_indices and F.adaptive_max_pool3d_with_indices (PyTorch 1.13): the argmax of
 * each window is found by a plain scan (PyTorch's order: depth, height, width; the first maximum
 * wins, NaN propagates), as a flat index into D * H * W per channel, and the values are gathered
 * from the input with it, so autograd routes gradients exactly as PyTorch's max-pool backward.
 */
import { parseArgs, type PyArgs } from "../../args";
import { int64 } from "../../dtype";
import { RuntimeError } from "../../errors";
import { from_array } from "../../ops/creation";
import { contiguousData } from "../../ops/util";
import { checkPoolArgs } from "../../ops/pool";
import type { Tensor } from "../../tensor";

type Size3 = number | readonly number[];
const triple = (fn: string, name: string, v: Size3): [number, number, number] => {
  const a = typeof v === "number" ? [v, v, v] : [...v];
  if (a.length === 1) return [a[0], a[0], a[0]];
  if (a.length !== 3) throw new RuntimeError(`${fn}: ${name} must either be a single int, or a tuple of three ints`);
  return a as [number, number, number];
};

/** Windows along one dim: [start, end) per output position (start may be negative for padding). */
type Windows = [number, number][];

/** Finds each window's argmax over a [N*C, D, H, W] input; returns values (gathered, differentiable) and indices. */
function pool(input: Tensor, wins: [Windows, Windows, Windows], dil: [number, number, number]): [Tensor, Tensor] {
  const unbatched = input.dim() === 4;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [N, C, D, H, W] = x.shape;
  const data = contiguousData(x.contiguous());
  const [wd, wh, ww] = wins;
  const out = new Float32Array(N * C * wd.length * wh.length * ww.length); // int64 indices: a Float32Array serves (exact below 2^24, far above any index here)
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * D * H * W;
    for (const [d0, d1] of wd) for (const [h0, h1] of wh) for (const [w0, w1] of ww) {
      let best = -Infinity, arg = -1;
      for (let d = d0; d < d1; d += dil[0]) {
        if (d < 0 || d >= D) continue;
        for (let h = h0; h < h1; h += dil[1]) {
          if (h < 0 || h >= H) continue;
          for (let w = w0; w < w1; w += dil[2]) {
            if (w < 0 || w >= W) continue;
            const idx = (d * H + h) * W + w;
            const v = data[base + idx];
            if (arg < 0 || v > best || Number.isNaN(v)) {
              best = v;
              arg = idx;
              if (Number.isNaN(v)) break;
            }
          }
        }
      }
      out[o++] = arg;
    }
  }
  const shape = [N, C, wd.length, wh.length, ww.length];
  const indices = from_array(out, shape, { dtype: int64 });
  const values = x.reshape([N, C, D * H * W]).gather(2, indices.reshape([N, C, -1])).reshape(shape);
  return unbatched ? [values.squeeze(0), indices.squeeze(0)] : [values, indices];
}

function checkInput(fn: string, input: Tensor): void {
  if (input.dim() !== 4 && input.dim() !== 5) throw new RuntimeError(`${fn}: Expected 4D or 5D tensor for input, but got: ${input.dim()}D`);
}

interface MaxPool3dOptions {
  kernel_size?: Size3;
  stride?: Size3 | null;
  padding?: Size3;
  dilation?: Size3;
  ceil_mode?: boolean;
  return_indices?: boolean;
}

/** F.max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False) -> [values, indices]. */
export function max_pool3d_with_indices(
  input: Tensor,
  ...args: PyArgs<[kernel_size: Size3, stride?: Size3 | null, padding?: Size3, dilation?: Size3, ceil_mode?: boolean, return_indices?: boolean], MaxPool3dOptions>
): [Tensor, Tensor] {
  const fn = "max_pool3d_with_indices";
  const a = parseArgs<MaxPool3dOptions>(fn, ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"], args);
  if (a.kernel_size === undefined) throw new RuntimeError(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  checkInput(fn, input);
  const k = triple(fn, "kernel_size", a.kernel_size);
  const s = a.stride == null || (Array.isArray(a.stride) && a.stride.length === 0) ? k : triple(fn, "stride", a.stride);
  const p = triple(fn, "padding", a.padding ?? 0);
  const dl = triple(fn, "dilation", a.dilation ?? 1);
  const sizes = input.shape.slice(-3);
  checkPoolArgs(k, s, p, dl, ["T", "H", "W"]);
  const spans = [0, 1, 2].map((i) => dl[i] * (k[i] - 1) + 1);
  const counts = [0, 1, 2].map((i) => {
    const num = sizes[i] + 2 * p[i] - spans[i];
    let n = Math.floor((a.ceil_mode ? num + s[i] - 1 : num) / s[i]) + 1;
    if (a.ceil_mode && (n - 1) * s[i] >= sizes[i] + p[i]) n -= 1;
    return n;
  });
  if (counts.some((n) => n <= 0)) {
    const c = input.shape[input.dim() - 4];
    throw new RuntimeError(`Given input size: (${[c, ...sizes].join("x")}). Calculated output size: (${[c, ...counts].join("x")}). Output size is too small`);
  }
  const wins = [0, 1, 2].map((i) => Array.from({ length: counts[i] }, (_, j): [number, number] => [j * s[i] - p[i], j * s[i] - p[i] + spans[i]])) as [Windows, Windows, Windows];
  return pool(input, wins, dl);
}

/** F.adaptive_max_pool3d_with_indices(input, output_size) -> [values, indices]: PyTorch's windows floor(i*In/Out) .. ceil((i+1)*In/Out). */
export function adaptive_max_pool3d_with_indices(
  input: Tensor,
  ...args: PyArgs<[output_size: number | readonly (number | null)[], return_indices?: boolean], { output_size?: number | readonly (number | null)[]; return_indices?: boolean }>
): [Tensor, Tensor] {
  const fn = "adaptive_max_pool3d_with_indices";
  const a = parseArgs<{ output_size?: number | readonly (number | null)[]; return_indices?: boolean }>(fn, ["output_size", "return_indices"], args);
  if (a.output_size === undefined) throw new RuntimeError(`${fn}() missing 1 required positional argument: 'output_size'`);
  checkInput(fn, input);
  const sizes = input.shape.slice(-3);
  const os = typeof a.output_size === "number" ? [a.output_size, a.output_size, a.output_size] : a.output_size.map((v, i) => v ?? sizes[i]);
  if (os.length !== 3) throw new RuntimeError(`${fn}: output_size must be 3`);
  const wins = os.map((O, i) => Array.from({ length: O }, (_, j): [number, number] => [Math.floor((j * sizes[i]) / O), Math.ceil(((j + 1) * sizes[i]) / O)])) as [Windows, Windows, Windows];
  return pool(input, wins, [1, 1, 1]);
}
