/**
 * The orthogonal polynomials of torch.special (PyTorch 1.13): Chebyshev T, U, V, W and their
 * shifted forms (evaluated at 2x - 1), physicists' and probabilists' Hermite H and He, Laguerre L
 * and Legendre P, each f(input, n) with input and n tensors or numbers broadcast together. n is
 * truncated to an integer; n < 0 gives 0, as PyTorch's kernels do. Evaluated by the three-term
 * recurrences in float64, so float64 results are exact to rounding. Like PyTorch 1.13 they have no
 * gradient.
 */
import { RuntimeError } from "../errors";
import type { Tensor, TensorLike } from "../tensor";
import { floatOperands, mapN } from "./elementwise_extra";

type Recurrence = { p0: (x: number) => number; p1: (x: number) => number; next: (x: number, k: number, pk: number, pkm1: number) => number };

/** Chebyshev-type recurrence P_{k+1} = 2x P_k - P_{k-1}, with its own P_1. */
const chebyshev = (p1: (x: number) => number): Recurrence => ({ p0: () => 1, p1, next: (x, _k, pk, pkm1) => 2 * x * pk - pkm1 });

const FAMILIES: Record<string, Recurrence> = {
  chebyshev_polynomial_t: chebyshev((x) => x),
  chebyshev_polynomial_u: chebyshev((x) => 2 * x),
  chebyshev_polynomial_v: chebyshev((x) => 2 * x - 1),
  chebyshev_polynomial_w: chebyshev((x) => 2 * x + 1),
  hermite_polynomial_h: { p0: () => 1, p1: (x) => 2 * x, next: (x, k, pk, pkm1) => 2 * x * pk - 2 * k * pkm1 },
  hermite_polynomial_he: { p0: () => 1, p1: (x) => x, next: (x, k, pk, pkm1) => x * pk - k * pkm1 },
  laguerre_polynomial_l: { p0: () => 1, p1: (x) => 1 - x, next: (x, k, pk, pkm1) => ((2 * k + 1 - x) * pk - k * pkm1) / (k + 1) },
  legendre_polynomial_p: { p0: () => 1, p1: (x) => x, next: (x, k, pk, pkm1) => ((2 * k + 1) * x * pk - k * pkm1) / (k + 1) },
};

function evaluate(r: Recurrence, x: number, nRaw: number): number {
  if (Number.isNaN(x) || Number.isNaN(nRaw)) return NaN;
  const n = Math.trunc(nRaw);
  if (n < 0) return 0;
  if (n === 0) return r.p0(x);
  let prev = r.p0(x);
  let cur = r.p1(x);
  for (let k = 1; k < n; k++) [prev, cur] = [cur, r.next(x, k, cur, prev)];
  return cur;
}

function polynomial(name: string, shifted: boolean): (input: TensorLike, n: TensorLike) => Tensor {
  const r = FAMILIES[name];
  const op = `special_${shifted ? "shifted_" : ""}${name}`;
  return (input, n) => {
    if (n === undefined) throw new RuntimeError(`${op}() missing 1 required positional argument: 'n'`);
    const [x, m, dt] = floatOperands(input, n, op);
    return mapN([x, m], dt, "", op, (u, v) => evaluate(r, shifted ? 2 * u - 1 : u, v), null);
  };
}

export const orthogonalPolynomials = {
  chebyshev_polynomial_t: polynomial("chebyshev_polynomial_t", false),
  chebyshev_polynomial_u: polynomial("chebyshev_polynomial_u", false),
  chebyshev_polynomial_v: polynomial("chebyshev_polynomial_v", false),
  chebyshev_polynomial_w: polynomial("chebyshev_polynomial_w", false),
  shifted_chebyshev_polynomial_t: polynomial("chebyshev_polynomial_t", true),
  shifted_chebyshev_polynomial_u: polynomial("chebyshev_polynomial_u", true),
  shifted_chebyshev_polynomial_v: polynomial("chebyshev_polynomial_v", true),
  shifted_chebyshev_polynomial_w: polynomial("chebyshev_polynomial_w", true),
  hermite_polynomial_h: polynomial("hermite_polynomial_h", false),
  hermite_polynomial_he: polynomial("hermite_polynomial_he", false),
  laguerre_polynomial_l: polynomial("laguerre_polynomial_l", false),
  legendre_polynomial_p: polynomial("legendre_polynomial_p", false),
};
