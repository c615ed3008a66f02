/**
 * torch.gradient and torch.cumulative_trapezoid (PyTorch 1.13), composed from narrow / arithmetic
 * / cat / cumsum so autograd differentiates them like any composition.
 *   gradient: central differences inside, one-sided differences (first or second order) at the
 *   edges, with a uniform spacing per dimension or coordinates (1-D tensors, NumPy's non-uniform
 *   formula, as PyTorch).
 *   cumulative_trapezoid: the running trapezoid rule along dim with spacing dx or sample points x.
 */
import { parseArgs, type PyArgs } from "../args";
import { get_default_dtype } from "../default_dtype";
import { bool } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim } from "../shape";
import { Tensor } from "../tensor";
import { cat } from "./join";

type Spacing = number | Tensor | readonly (number | Tensor)[];
interface GradientOptions {
  spacing?: Spacing;
  dim?: number | readonly number[] | null;
  edge_order?: number;
}

/** A 1-D tensor of length n laid along dim d of a rank-r tensor, for broadcasting. */
function along(v: Tensor, d: number, r: number): Tensor {
  return v.reshape(Array.from({ length: r }, (_, i) => (i === d ? -1 : 1)));
}

function uniform(f: Tensor, d: number, h: number, edge: number): Tensor {
  const n = f.shape[d];
  const s = (start: number, len = 1) => f.narrow(d, start, len);
  const inner = s(2, n - 2).sub(s(0, n - 2)).div(2 * h);
  const first = edge === 1 ? s(1).sub(s(0)).div(h) : s(0).mul(-1.5).add(s(1).mul(2)).sub(s(2).mul(0.5)).div(h);
  const last = edge === 1 ? s(n - 1).sub(s(n - 2)).div(h) : s(n - 3).mul(0.5).sub(s(n - 2).mul(2)).add(s(n - 1).mul(1.5)).div(h);
  return cat([first, inner, last], d);
}

function coordinates(f: Tensor, d: number, x: Tensor, edge: number): Tensor {
  const n = f.shape[d];
  const r = f.dim();
  if (x.dim() !== 1 || x.shape[0] !== n) {
    throw new RuntimeError(`torch.gradient expected each tensor to be on the same device and to have the size of the input's dimension ${d} (${n}), but got ${x.shape[0] ?? 0}`);
  }
  const xs = x.to(f.dtype);
  const s = (start: number, len = 1) => f.narrow(d, start, len);
  const xv = (i: number) => xs.narrow(0, i, 1).reshape([]);
  const hl = along(xs.narrow(0, 1, n - 2).sub(xs.narrow(0, 0, n - 2)), d, r);
  const hr = along(xs.narrow(0, 2, n - 2).sub(xs.narrow(0, 1, n - 2)), d, r);
  const inner = hl.square().mul(s(2, n - 2)).sub(hr.square().mul(s(0, n - 2))).add(hr.square().sub(hl.square()).mul(s(1, n - 2))).div(hl.mul(hr).mul(hl.add(hr)));
  let first: Tensor, last: Tensor;
  if (edge === 1) {
    first = s(1).sub(s(0)).div(xv(1).sub(xv(0)));
    last = s(n - 1).sub(s(n - 2)).div(xv(n - 1).sub(xv(n - 2)));
  } else {
    const h1 = xv(1).sub(xv(0)), h2 = xv(2).sub(xv(1));
    first = s(0).mul(h1.mul(2).add(h2).neg().div(h1.mul(h1.add(h2))))
      .add(s(1).mul(h1.add(h2).div(h1.mul(h2))))
      .add(s(2).mul(h1.neg().div(h2.mul(h1.add(h2)))));
    const g1 = xv(n - 2).sub(xv(n - 3)), g2 = xv(n - 1).sub(xv(n - 2));
    last = s(n - 3).mul(g2.div(g1.mul(g1.add(g2))))
      .add(s(n - 2).mul(g2.add(g1).neg().div(g1.mul(g2))))
      .add(s(n - 1).mul(g2.mul(2).add(g1).div(g2.mul(g1.add(g2)))));
  }
  return cat([first, inner, last], d);
}

/** torch.gradient(input, { spacing = 1, dim = null, edge_order = 1 }) -> one tensor per dim. */
export function gradient(input: Tensor, ...args: PyArgs<[], GradientOptions>): Tensor[] {
  const o = parseArgs<GradientOptions>("gradient", ["spacing", "dim", "edge_order"], args);
  const edge = o.edge_order ?? 1;
  if (edge !== 1 && edge !== 2) throw new RuntimeError(`torch.gradient only supports edge_order=1 and edge_order=2.`);
  const r = input.dim();
  const dims = o.dim === undefined || o.dim === null ? Array.from({ length: r }, (_, i) => i) : (typeof o.dim === "number" ? [o.dim] : [...o.dim]).map((d) => normalizeDim(d, r));
  const f = input.dtype.is_floating_point ? input : input.to(get_default_dtype());
  const sp = o.spacing ?? 1;
  const spacings: (number | Tensor)[] = Array.isArray(sp) ? [...(sp as readonly (number | Tensor)[])] : dims.map(() => sp as number | Tensor);
  if (spacings.length === 1 && dims.length > 1 && !(spacings[0] instanceof Tensor && spacings[0].dim() === 1)) {
    while (spacings.length < dims.length) spacings.push(spacings[0]);
  }
  if (spacings.length !== dims.length) {
    throw new RuntimeError(`torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = ${r}', since dim argument was not given, but got a list of length ${spacings.length}`);
  }
  return dims.map((d, k) => {
    if (f.shape[d] < edge + 1) throw new RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1");
    const h = spacings[k];
    if (h instanceof Tensor && h.dim() === 1) return coordinates(f, d, h, edge);
    return uniform(f, d, h instanceof Tensor ? h.item() : h, edge);
  });
}

interface TrapezoidOptions {
  x?: Tensor | null;
  dx?: number | null;
  dim?: number;
}

/** torch.cumulative_trapezoid(y, x = None, *, dx = None, dim = -1): the running trapezoid integral along dim. */
export function cumulative_trapezoid(y: Tensor, ...args: PyArgs<[x?: Tensor | null], TrapezoidOptions>): Tensor {
  const o = parseArgs<TrapezoidOptions>("cumulative_trapezoid", ["x", "dx", "dim"], args);
  if (o.x != null && o.dx != null) throw new RuntimeError("cumulative_trapezoid: received both x and dx; expected only one of them");
  // before the empty-dim shortcut, as torch 1.13 (trapezoid checks after it)
  if (y.dtype === bool || o.x?.dtype === bool) {
    throw new RuntimeError(`cumulative_trapezoid: received a bool input for ${o.x != null ? "`x` or `y`" : "`y`"}, but bool is not supported`);
  }
  const r = y.dim();
  const d = normalizeDim(o.dim ?? -1, r);
  const n = y.shape[d];
  const f = y.dtype.is_floating_point ? y : y.to(get_default_dtype());
  if (n === 0) return f.narrow(d, 0, 0);
  const mid = f.narrow(d, 1, n - 1).add(f.narrow(d, 0, n - 1)).div(2);
  let areas: Tensor;
  if (o.x != null) {
    const x = o.x.to(f.dtype);
    const dx = x.dim() === 1 ? along(x.narrow(0, 1, n - 1).sub(x.narrow(0, 0, n - 1)), d, r) : x.narrow(d, 1, n - 1).sub(x.narrow(d, 0, n - 1));
    areas = mid.mul(dx);
  } else areas = mid.mul(o.dx ?? 1);
  return areas.cumsum(d);
}
