/**
 * L-BFGS, PyTorch 1.13's algorithm (a port of minFunc): one group only, step(closure) runs up to
 * max_iter iterations, each a two-loop recursion over the last history_size (s, y) pairs, then
 * either a fixed step of lr (the first one scaled by min(1, 1 / |g|_1)) or a strong-Wolfe line
 * search (line_search_fn: "strong_wolfe").
 *
 * The flat vectors live in arrays of the parameters' dtype while a step runs, so every stored value
 * is rounded as PyTorch's float32 tensors are; scalars PyTorch keeps as float32 tensors (y.s, 1 / y.s,
 * H_diag, the recursion's alphas) are rounded with `round`. Dot products accumulate in float64.
 * Between steps the state holds what torch's holds, of the same kinds: d, prev_flat_grad and the
 * old_dirs / old_stps lists as 1-D tensors, ro, H_diag (once computed) and the al list's entries as
 * 0-d tensors, func_evals / n_iter as ints, t / prev_loss as floats.
 */
import { parseArgs, type PyArgs } from "../args";
import { enable_grad } from "../autograd/grad_mode";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { float32, float64 } from "../dtype";
import { contiguousData, empty } from "../ops/util";
import { Tensor } from "../tensor";
import { Optimizer, stateNumber, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";

export interface LBFGSOptions {
  lr: number;
  max_iter: number;
  max_eval: number | null;
  tolerance_grad: number;
  tolerance_change: number;
  history_size: number;
  line_search_fn: "strong_wolfe" | null;
}

type Vec = Float32Array | Float64Array;

/** What step() carries from one call to the next, as torch keeps it in the first parameter's state. */
interface LbfgsMemory {
  func_evals: number;
  n_iter: number;
  al?: (Tensor | null)[];
  d?: Tensor;
  t?: number;
  old_dirs?: Tensor[];
  old_stps?: Tensor[];
  ro?: Tensor[];
  /** 1 (a Python int in torch) until the first curvature pair, then y.s / y.y as a 0-d tensor. */
  H_diag?: Tensor | number;
  prev_flat_grad?: Tensor;
  prev_loss?: number;
}

/** A state value as a number: 0-d tensors (torch's kind) or numbers (an older engine's state dict). */
const num = (v: Tensor | number): number => stateNumber(v);

function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function absMax(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly _params: Tensor[];
  private readonly _f32: boolean;

  /** new optim.LBFGS(params, { lr: 1, max_iter: 20, max_eval: null, tolerance_grad: 1e-7, tolerance_change: 1e-9, history_size: 100, line_search_fn: null }) */
  constructor(
    params: ParamsArg<LBFGSOptions> | ParamsByKeyword<LBFGSOptions>,
    ...args: PyArgs<
      [lr?: number, max_iter?: number, max_eval?: number | null, tolerance_grad?: number, tolerance_change?: number, history_size?: number, line_search_fn?: "strong_wolfe" | null],
      Partial<LBFGSOptions>
    >
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.lbfgs(params=..., lr=...)
    const o = parseArgs<LBFGSOptions>("LBFGS", ["lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size", "line_search_fn"], args);
    const max_iter = o.max_iter ?? 20;
    super(params, {
      lr: o.lr ?? 1,
      max_iter,
      max_eval: o.max_eval ?? Math.floor((max_iter * 5) / 4),
      tolerance_grad: o.tolerance_grad ?? 1e-7,
      tolerance_change: o.tolerance_change ?? 1e-9,
      history_size: o.history_size ?? 100,
      line_search_fn: o.line_search_fn ?? null,
    });
    if (this.param_groups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    this._params = this.param_groups[0].params;
    this._f32 = this._params.every((p) => p.dtype.name === "float32");
  }

  private round(x: number): number {
    return this._f32 ? Math.fround(x) : x;
  }

  private _vec(n: number): Vec {
    return this._f32 ? new Float32Array(n) : new Float64Array(n);
  }

  /** A state vector (a tensor, or an array from an older engine's state dict) as a fresh working array. */
  private _raw(v: Tensor | Vec): Vec {
    const out = this._vec(v instanceof Tensor ? v.numel() : v.length);
    out.set(v instanceof Tensor ? contiguousData(v) : v);
    return out;
  }

  /** A working array as the 1-D tensor torch keeps (the parameters' dtype). */
  private _tensor(v: Vec): Tensor {
    const t = empty([v.length], this._f32 ? float32 : float64);
    t._data.set(v);
    return t;
  }

  /** A scalar as the 0-d tensor torch keeps (the parameters' dtype). */
  private _scalar(x: number): Tensor {
    const t = empty([], this._f32 ? float32 : float64);
    t._data[0] = x;
    return t;
  }

  /** LBFGS's state is not shaped like a parameter (flat vectors, lists): load_state_dict casts it without the shape check. */
  protected override _flatState(): boolean {
    return true;
  }

  private _numel(): number {
    return this._params.reduce((n, p) => n + p.numel(), 0);
  }

  private _gatherFlatGrad(): Vec {
    const out = this._vec(this._numel());
    let off = 0;
    for (const p of this._params) {
      if (p.grad) out.set(contiguousData(p.grad), off);
      off += p.numel();
    }
    return out;
  }

  /** p += step * update, parameter by parameter, as in-place updates (version bumped). */
  private _addGrad(step: number, update: Vec): void {
    let off = 0;
    for (const p of this._params) {
      const n = p.numel();
      this._withRawParam(p, (w) => {
        for (let i = 0; i < n; i++) w[i] += step * update[off + i];
      });
      off += n;
    }
  }

  private _withRawParam(p: Tensor, fn: (w: Vec) => void): void {
    if (p.is_contiguous()) fn(p._data.subarray(p._offset, p._offset + p.numel()));
    else {
      const tmp = p.detach().contiguous().clone();
      fn(tmp._data);
      p.detach().copy_(tmp);
    }
    p._ver.v++;
  }

  private _cloneParams(): Vec[] {
    return this._params.map((p) => {
      const v = this._vec(p.numel());
      v.set(contiguousData(p));
      return v;
    });
  }

  private _setParams(saved: Vec[]): void {
    this._params.forEach((p, k) => this._withRawParam(p, (w) => w.set(saved[k])));
  }

  protected override _update_group(): void {
    throw new RuntimeError("LBFGS.step needs a closure that re-evaluates the model and returns the loss");
  }

  /** One optimisation step (up to max_iter L-BFGS iterations); returns the closure's first loss. */
  override step(closure?: () => Tensor | number): Tensor | number {
    // torch 1.13: step(self, closure) has no default, and calls what it is given
    if (closure === undefined) throw new TypeError_("LBFGS.step() missing 1 required positional argument: 'closure'");
    if (typeof closure !== "function") {
      const c: unknown = closure;
      const pyType = c === null ? "NoneType" : typeof c === "number" ? (Number.isInteger(c) ? "int" : "float") : typeof c === "string" ? "str" : typeof c === "boolean" ? "bool" : Array.isArray(c) ? "list" : "dict";
      throw new TypeError_(`'${pyType}' object is not callable`);
    }
    return this._run(closure);
  }

  private _evaluate(closure: () => Tensor | number): { raw: Tensor | number; loss: number } {
    const raw = enable_grad(closure);
    return { raw, loss: typeof raw === "number" ? raw : raw.item() };
  }

  private _run(closure: () => Tensor | number): Tensor | number {
    const group = this.param_groups[0] as ParamGroup<LBFGSOptions>;
    const { lr, max_iter, tolerance_grad, tolerance_change, line_search_fn, history_size } = group;
    const max_eval = group.max_eval ?? Math.floor((max_iter * 5) / 4);
    if (line_search_fn !== null && line_search_fn !== "strong_wolfe") throw new RuntimeError("only 'strong_wolfe' is supported");
    const state = this._state(this._params[0]) as unknown as LbfgsMemory;
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const first = this._evaluate(closure);
    let loss = first.loss;
    let currentEvals = 1;
    state.func_evals += 1;
    let flatGrad = this._gatherFlatGrad();
    if (absMax(flatGrad) <= tolerance_grad) return first.raw;

    let t = state.t, prev_loss = state.prev_loss;
    let d = state.d && this._raw(state.d);
    let old_dirs = state.old_dirs?.map((v) => this._raw(v));
    let old_stps = state.old_stps?.map((v) => this._raw(v));
    let ro = state.ro?.map(num);
    let H_diag = state.H_diag === undefined ? undefined : num(state.H_diag);
    let hDiagComputed = state.H_diag instanceof Tensor;
    let prev_flat_grad = state.prev_flat_grad && this._raw(state.prev_flat_grad);
    let al = state.al?.map((v) => (v === null ? null : num(v)));
    let nIter = 0;
    while (nIter < max_iter) {
      nIter++;
      state.n_iter++;
      if (state.n_iter === 1) {
        d = flatGrad.map((v) => -v) as Vec;
        old_dirs = [];
        old_stps = [];
        ro = [];
        H_diag = 1;
        hDiagComputed = false;
      } else {
        const y = flatGrad.map((v, i) => v - prev_flat_grad![i]) as Vec;
        const s = d!.map((v) => v * t!) as Vec;
        const ys = this.round(dot(y, s));
        if (ys > 1e-10) {
          if (old_dirs!.length === history_size) {
            old_dirs!.shift();
            old_stps!.shift();
            ro!.shift();
          }
          old_dirs!.push(y);
          old_stps!.push(s);
          ro!.push(this.round(1 / ys));
          H_diag = this.round(ys / this.round(dot(y, y)));
          hDiagComputed = true;
        }
        const num = old_dirs!.length;
        // torch keeps the alphas in state['al'], made the first time they are needed ([None] * history_size).
        if (!al) {
          al = new Array<number | null>(history_size).fill(null);
          state.al = [];
        }
        const q = flatGrad.map((v) => -v) as Vec;
        for (let i = num - 1; i >= 0; i--) {
          const a = this.round(this.round(dot(old_stps![i], q)) * ro![i]);
          al[i] = a;
          for (let k = 0; k < q.length; k++) q[k] -= a * old_dirs![i][k];
        }
        const r = q.map((v) => v * H_diag!) as Vec;
        for (let i = 0; i < num; i++) {
          const be = this.round(this.round(dot(old_dirs![i], r)) * ro![i]);
          const c = this.round(al[i]! - be);
          for (let k = 0; k < r.length; k++) r[k] += c * old_stps![i][k];
        }
        d = r;
      }
      prev_flat_grad = flatGrad.slice() as Vec;
      prev_loss = loss;
      if (state.n_iter === 1) {
        let l1 = 0;
        for (let i = 0; i < flatGrad.length; i++) l1 += Math.abs(flatGrad[i]);
        t = this.round(Math.min(1, this.round(1 / this.round(l1))) * lr);
      } else t = lr;
      const gtd = this.round(dot(flatGrad, d!));
      if (gtd > -tolerance_change) break;

      let lsEvals = 0;
      let optCond = false;
      if (line_search_fn !== null) {
        const x0 = this._cloneParams();
        const obj = (x: Vec[], step: number, dir: Vec): [number, Vec] => {
          this._addGrad(step, dir);
          const f = this._evaluate(closure).loss;
          const g = this._gatherFlatGrad();
          this._setParams(x);
          return [f, g];
        };
        const res = this._strongWolfe(obj, x0, t, d!, loss, flatGrad, gtd, tolerance_change);
        loss = res.f;
        flatGrad = res.g;
        t = res.t;
        lsEvals = res.evals;
        this._addGrad(t, d!);
        optCond = absMax(flatGrad) <= tolerance_grad;
      } else {
        this._addGrad(t, d!);
        if (nIter !== max_iter) {
          loss = this._evaluate(closure).loss;
          flatGrad = this._gatherFlatGrad();
          optCond = absMax(flatGrad) <= tolerance_grad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.func_evals += lsEvals;
      if (nIter === max_iter) break;
      if (currentEvals >= max_eval) break;
      if (optCond) break;
      if (absMax(d!.map((v) => v * t!) as Vec) <= tolerance_change) break;
      if (Math.abs(loss - prev_loss) < tolerance_change) break;
    }
    if (al) state.al = al.map((a) => (a === null ? null : this._scalar(a)));
    Object.assign(state, {
      d: d && this._tensor(d),
      t,
      old_dirs: old_dirs?.map((v) => this._tensor(v)),
      old_stps: old_stps?.map((v) => this._tensor(v)),
      ro: ro?.map((r) => this._scalar(r)),
      H_diag: H_diag === undefined || !hDiagComputed ? H_diag : this._scalar(H_diag),
      prev_flat_grad: prev_flat_grad && this._tensor(prev_flat_grad),
      prev_loss,
    });
    return first.raw;
  }

  /** PyTorch 1.13's _strong_wolfe (bracketing, then zoom by cubic interpolation). */
  private _strongWolfe(
    obj: (x: Vec[], t: number, d: Vec) => [number, Vec],
    x: Vec[], t0: number, d: Vec, f: number, g: Vec, gtd: number, tolChange: number,
    c1 = 1e-4, c2 = 0.9, maxLs = 25,
  ): { f: number; g: Vec; t: number; evals: number } {
    let t = t0;
    const dNorm = absMax(d);
    let [fNew, gNew] = obj(x, t, d);
    let evals = 1;
    let gtdNew = this.round(dot(gNew, d));
    let tPrev = 0;
    let fPrev = f;
    let gPrev = g;
    let gtdPrev = gtd;
    let done = false;
    let lsIter = 0;
    let bracket: number[] = [];
    let bf: number[] = [];
    let bg: Vec[] = [];
    let bgtd: number[] = [];
    while (lsIter < maxLs) {
      if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
        [bracket, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
        break;
      }
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        [bracket, bf, bg] = [[t], [fNew], [gNew]];
        done = true;
        break;
      }
      if (gtdNew >= 0) {
        [bracket, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
        break;
      }
      const minStep = t + 0.01 * (t - tPrev);
      const maxStep = t * 10;
      const tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
      tPrev = tmp;
      fPrev = fNew;
      gPrev = gNew;
      gtdPrev = gtdNew;
      [fNew, gNew] = obj(x, t, d);
      evals++;
      gtdNew = this.round(dot(gNew, d));
      lsIter++;
    }
    if (lsIter === maxLs) [bracket, bf, bg] = [[0, t], [f, fNew], [g, gNew]];

    let insufProgress = false;
    let [low, high] = bf[0] <= bf[bf.length - 1] ? [0, 1] : [1, 0];
    while (!done && lsIter < maxLs) {
      if (Math.abs(bracket[1] - bracket[0]) * dNorm < tolChange) break;
      t = cubicInterpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1]);
      const bmax = Math.max(...bracket);
      const bmin = Math.min(...bracket);
      const eps = 0.1 * (bmax - bmin);
      if (Math.min(bmax - t, t - bmin) < eps) {
        if (insufProgress || t >= bmax || t <= bmin) {
          t = Math.abs(t - bmax) < Math.abs(t - bmin) ? bmax - eps : bmin + eps;
          insufProgress = false;
        } else insufProgress = true;
      } else insufProgress = false;
      [fNew, gNew] = obj(x, t, d);
      evals++;
      gtdNew = this.round(dot(gNew, d));
      lsIter++;
      if (fNew > f + c1 * t * gtd || fNew >= bf[low]) {
        bracket[high] = t;
        bf[high] = fNew;
        bg[high] = gNew;
        bgtd[high] = gtdNew;
        [low, high] = bf[0] <= bf[1] ? [0, 1] : [1, 0];
      } else {
        if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
        else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
          bracket[high] = bracket[low];
          bf[high] = bf[low];
          bg[high] = bg[low];
          bgtd[high] = bgtd[low];
        }
        bracket[low] = t;
        bf[low] = fNew;
        bg[low] = gNew;
        bgtd[low] = gtdNew;
      }
    }
    return { f: bf[low], g: bg[low], t: bracket[low], evals };
  }
}
