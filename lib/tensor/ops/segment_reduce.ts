/**
 * torch.segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False,
 * initial=None), torch 1.13's op: reduces ("sum" | "mean" | "max" | "min" | "prod") consecutive segments of data
 * along `axis`, the segments given by their lengths or by offsets (segment i is [offsets[i], offsets[i + 1])).
 * lengths / offsets may carry leading batch dims (data's leading dims, one row of segments each); axis must be
 * their last dim. The result has data's shape with axis replaced by the segment count.
 *
 * As ATen's CPU kernel: each segment starts from `initial` when given, else the reduction's identity (0 for sum
 * and mean, 1 for prod, -inf for max, +inf for min); an empty mean without `initial` is NaN; a NaN in a max / min
 * segment wins; mean divides by the segment's length (an empty segment keeps `initial`). Only floating data.
 *
 * The gradient (SegmentReduceBackward0, data only) is torch's _segment_reduce_backward, computed directly (torch 1.13
 * cannot differentiate it again either): sum passes g, mean g / length, prod g * out / x (the product of the other
 * values and `initial` when x is 0 or NaN), max / min give g to every element equal to the result (or NaN); with
 * ties, 1.13 divides the positive shares by the tie count and leaves negative ones whole, which this keeps.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { record } from "../autograd/function";
import { cppTypeName, float64, int32, int64 } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { pyTypeName } from "../py_type_name";
import { fmtShape, normalizeDim } from "../shape";
import { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

export type SegmentReduceMode = "sum" | "mean" | "max" | "min" | "prod";
const MODES: readonly string[] = ["sum", "mean", "max", "min", "prod"];

export interface SegmentReduceOptions {
  reduce?: SegmentReduceMode;
  lengths?: Tensor | null;
  indices?: Tensor | null;
  offsets?: Tensor | null;
  axis?: number;
  unsafe?: boolean;
  initial?: number | boolean | null;
}

const NAMES = ["reduce", "lengths", "indices", "offsets", "axis", "unsafe", "initial"] as const;

/** ATen's TORCH_CHECK without a message. */
function checkFailed(cond: string): RuntimeError {
  return new RuntimeError(`Expected ${cond} to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)`);
}

/** Segment start / end per (batch row, segment), from lengths or offsets (row-major over lengths' / offsets' dims). */
function segments(bounds: Tensor, isOffsets: boolean, batches: number, count: number): { start: Int32Array; end: Int32Array } {
  const b = contiguousData(bounds);
  const start = new Int32Array(batches * count);
  const end = new Int32Array(batches * count);
  const row = isOffsets ? count + 1 : count;
  for (let o = 0; o < batches; o++) {
    let e = isOffsets ? b[o * row] : 0;
    for (let s = 0; s < count; s++) {
      const st = e;
      e = isOffsets ? b[o * row + s + 1] : e + b[o * row + s];
      // ATen's check, after the segment (an empty loop for a negative length)
      if (e - st < 0) throw checkFailed("segment_length >= 0");
      start[o * count + s] = st;
      end[o * count + s] = e;
    }
  }
  return { start, end };
}

export function segment_reduce(data: Tensor, ...args: PyArgs<[reduce: SegmentReduceMode], SegmentReduceOptions>): Tensor {
  const fn = "segment_reduce";
  const positional = args.length > 0 && isOptions(args[args.length - 1]) ? args.length - 1 : args.length;
  if (positional > 1) throw new TypeError_(`${fn}() takes 2 positional arguments but ${positional + 1} were given`);
  // torch's TypeError word for word (parseArgs's would list the accepted names)
  const last = args[args.length - 1];
  const unknown = isOptions(last) ? Object.keys(last).find((k) => !(NAMES as readonly string[]).includes(k)) : undefined;
  if (unknown !== undefined) throw new TypeError_(`${fn}() got an unexpected keyword argument '${unknown}'`);
  const a = parseArgs<SegmentReduceOptions>(fn, NAMES, args as readonly unknown[]);
  if (a.reduce === undefined) throw new TypeError_(`${fn}() missing 1 required positional arguments: "reduce"`);
  if (typeof a.reduce !== "string") throw new TypeError_(`${fn}(): argument 'reduce' (position 2) must be str, not ${pyTypeName(a.reduce)}`);
  for (const k of ["lengths", "indices", "offsets"] as const) {
    const v = a[k];
    if (v !== undefined && v !== null && !(v instanceof Tensor)) throw new TypeError_(`${fn}(): argument '${k}' must be Tensor, not ${pyTypeName(v)}`);
  }
  const lengths = a.lengths ?? null;
  const offsets = a.offsets ?? null;
  // torch 1.13's order of checks (SegmentReduce.cpp's segment_reduce_kernel)
  const axis = normalizeDim(a.axis ?? 0, data.dim());
  if (data.numel() === 0) throw checkFailed("data.numel() > 0");
  if (a.indices !== undefined && a.indices !== null) throw new RuntimeError("segment_reduce(): indices based reduction is not supported yet.");
  if (lengths === null && offsets === null) throw new RuntimeError("segment_reduce(): Either lengths or offsets must be defined.");
  if (!MODES.includes(a.reduce)) throw new RuntimeError(`unsupported reduction given! ${a.reduce}`);
  const reduce = a.reduce;
  // offsets win when both are given, as in ATen
  const isOffsets = offsets !== null;
  const bounds = (offsets ?? lengths) as Tensor;
  const what = isOffsets ? "offsets" : "lengths";
  if (data.dim() < bounds.dim()) throw checkFailed(`data.dim() >= ${what}_value.dim()`);
  if (axis !== bounds.dim() - 1) throw new RuntimeError(`segment_reduce(): Expected axis to be the last dimension of ${what} but got ${axis}.`);
  if (!isOffsets && !a.unsafe) {
    if (bounds.numel() === 0) {
      throw new RuntimeError("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
    }
    const b = contiguousData(bounds);
    let min = Infinity;
    for (let i = 0; i < b.length; i++) min = Math.min(min, Math.trunc(b[i]));
    if (min < 0) throw new RuntimeError("lengths contains negative value!");
    const n = bounds.shape[axis];
    for (let r = 0; r < b.length / n; r++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += b[r * n + i];
      if (s !== data.shape[axis]) throw new RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.");
    }
  }
  // the kernel's dispatches: the index dtype first, then data's
  if (bounds.dtype !== int64 && bounds.dtype !== int32) throw new RuntimeError(`"_segment_reduce_${what}_cpu_kernel1" not implemented for '${cppTypeName(bounds.dtype)}'`);
  if (!data.dtype.is_floating_point) throw new RuntimeError(`"_segment_reduce_cpu" not implemented for '${cppTypeName(data.dtype)}'`);
  // torch reads out of bounds here (no check in 1.13): the engine refuses instead
  const lead = data.shape.slice(0, axis);
  if (fmtShape(bounds.shape.slice(0, axis)) !== fmtShape(lead)) {
    throw new RuntimeError(`segment_reduce: Expected data and ${what} to have the same batch size, but got ${fmtShape(lead)} and ${fmtShape(bounds.shape.slice(0, axis))}`);
  }
  const count = bounds.shape[axis] - (isOffsets ? 1 : 0);
  const batches = lead.reduce((p, s) => p * s, 1);
  const { start, end } = segments(bounds, isOffsets, batches, Math.max(count, 0));
  const size = data.shape[axis];
  for (let i = 0; i < start.length; i++) {
    if (start[i] < 0 || end[i] > size) throw new IndexError(`segment_reduce(): segment [${start[i]}, ${end[i]}) is out of bounds for dimension ${axis} with size ${size}`);
  }
  const inner = data.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const outShape = data.shape.slice();
  outShape[axis] = Math.max(count, 0);
  const xd = contiguousData(data);
  const out = empty(outShape, data.dtype);
  const od = out._data;
  // float32 data accumulates in float32, as the kernel's scalar_t
  const round = data.dtype === float64 ? (v: number) => v : Math.fround;
  const hasInitial = a.initial !== undefined && a.initial !== null;
  const initial = hasInitial ? round(Number(a.initial)) : reduce === "max" ? -Infinity : reduce === "min" ? Infinity : reduce === "prod" ? 1 : 0;
  const cnt = Math.max(count, 0);
  for (let o = 0; o < batches; o++) {
    for (let s = 0; s < cnt; s++) {
      const st = start[o * cnt + s];
      const en = end[o * cnt + s];
      for (let k = 0; k < inner; k++) {
        let acc = initial;
        for (let j = st; j < en; j++) {
          const v = xd[(o * size + j) * inner + k];
          if (reduce === "max") acc = Number.isNaN(v) ? v : acc < v ? v : acc;
          else if (reduce === "min") acc = Number.isNaN(v) ? v : v < acc ? v : acc;
          else if (reduce === "prod") acc = round(acc * v);
          else acc = round(acc + v);
        }
        const len = en - st;
        if (reduce === "mean") {
          if (len === 0 && !hasInitial) acc = NaN;
          else if (len > 0 && !Number.isNaN(acc)) acc = round(acc / len);
        }
        od[(o * cnt + s) * inner + k] = acc;
      }
    }
  }
  return record(out, "SegmentReduceBackward0", [data], (g) => {
    const gd = contiguousData(g);
    const gx = empty(data.shape, g.dtype);
    const gxd = gx._data;
    const prodInitial = hasInitial ? initial : 1;
    for (let o = 0; o < batches; o++) {
      for (let s = 0; s < cnt; s++) {
        const st = start[o * cnt + s];
        const en = end[o * cnt + s];
        const len = en - st;
        if (len === 0) continue;
        for (let k = 0; k < inner; k++) {
          const oi = (o * cnt + s) * inner + k;
          const at = (j: number) => (o * size + j) * inner + k;
          if (reduce === "max" || reduce === "min") {
            let ties = 0;
            for (let j = st; j < en; j++) {
              const v = xd[at(j)];
              if (Number.isNaN(v) || v === od[oi]) {
                gxd[at(j)] = gd[oi];
                ties++;
              }
            }
            // 1.13 divides only the positive shares among ties
            if (ties >= 2) for (let j = st; j < en; j++) if (gxd[at(j)] > 0) gxd[at(j)] /= ties;
          } else if (reduce === "mean") {
            for (let j = st; j < en; j++) gxd[at(j)] = gd[oi] / len;
          } else if (reduce === "sum") {
            for (let j = st; j < en; j++) gxd[at(j)] = gd[oi];
          } else {
            const gOut = gd[oi] * od[oi];
            for (let j = st; j < en; j++) {
              const v = xd[at(j)];
              if (Number.isNaN(v) || v === 0) {
                let others = prodInitial;
                for (let m = st; m < en; m++) if (m !== j) others *= xd[at(m)];
                gxd[at(j)] = gd[oi] * others;
              } else {
                gxd[at(j)] = gOut / v;
              }
            }
          }
        }
      }
    }
    return [gx];
  }, [bounds]);
}
