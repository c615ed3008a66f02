/**
 * torch.nn.utils.parametrizations (PyTorch 1.13 has orthogonal and spectral_norm here;
 * weight_norm arrived in 2.1), built on parametrize.register_parametrization:
 *
 * orthogonal(module, name="weight", orthogonal_map=None, { use_trivialization=true }): the weight
 * is kept orthogonal (orthonormal columns or rows) as Q = base @ map(X), map = matrix_exp /
 * cayley of the skew part of tril(X), or householder (a product of reflections from X's strictly
 * lower part). Default as PyTorch: matrix_exp for square weights, householder otherwise.
 *
 * spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None): weight / sigma
 * with sigma from power iteration on buffers _u, _v of the parametrization (15 warm-up steps at
 * registration, n_power_iterations per call in training mode), as PyTorch's _SpectralNorm.
 */
import { leadingArgs } from "../../leading_args";
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { no_grad } from "../../autograd/grad_mode";
import { float64 } from "../../dtype";
import { IndexError, NotImplementedError, ValueError } from "../../errors";
import { eye, randn, zeros_like } from "../../ops/creation";
import { cat } from "../../ops/join";
import { qr, solve } from "../../ops/linalg";
import { Tensor } from "../../tensor";
import { normalize } from "../functional/normalization_extra";
import { Module } from "../module";
import { register_parametrization } from "./parametrize";

type Slots = Record<string, unknown>;
const slotsOf = (m: Module) => m as unknown as Slots;
const mT = (x: Tensor) => x.transpose(-2, -1);
const shapeStr = (shape: readonly number[]) => `torch.Size([${shape.join(", ")}])`;

export type OrthogonalMap = "matrix_exp" | "cayley" | "householder";

/** I - tau v v^T products (LAPACK's orgqr): the first k columns of H_1 ... H_k, v_i = e_i + A[:, i] below the diagonal. */
function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const n = A.shape[A.dim() - 2];
  const k = A.shape[A.dim() - 1];
  const I = eye(n, { dtype: A.dtype });
  let Q: Tensor = I;
  for (let i = 0; i < k; i++) {
    const v = A.select(-1, i).add(I.select(-1, i)).unsqueeze(-1);
    const t = tau.select(-1, i).unsqueeze(-1).unsqueeze(-1);
    Q = Q.sub(Q.matmul(v).matmul(mT(v)).mul(t));
  }
  return Q.narrow(-1, 0, k);
}

/** Q of A's QR with R's diagonal made positive (PyTorch's _make_orthogonal). */
function makeOrthogonal(A: Tensor): Tensor {
  const [Q, R] = qr(A);
  return Q.mul(R.diagonal(0, -2, -1).sgn().unsqueeze(-2));
}

function isOrthogonal(Q: Tensor): boolean {
  const n = Q.shape[Q.dim() - 2];
  const k = Q.shape[Q.dim() - 1];
  const eps = 10 * n * (Q.dtype === float64 ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  return mT(Q).matmul(Q).allclose(eye(k, { dtype: Q.dtype }), { atol: eps });
}

/** PyTorch's _Orthogonal parametrization module. */
export class _Orthogonal extends Module {
  static override readonly __name__ = "_Orthogonal";
  declare shape: number[];
  declare orthogonal_map: OrthogonalMap;
  declare use_trivialization: boolean;

  constructor(weight: Tensor, orthogonal_map: OrthogonalMap, { use_trivialization = true } = {}) {
    super();
    for (const [k, v] of Object.entries({ shape: weight.shape.slice(), orthogonal_map, use_trivialization })) {
      Object.defineProperty(this, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
    if (use_trivialization) this.register_buffer("base", null);
  }

  forward(X: Tensor): Tensor {
    let n = X.shape[X.dim() - 2];
    let k = X.shape[X.dim() - 1];
    const transposed = n < k;
    if (transposed) {
      X = mT(X);
      [n, k] = [k, n];
    }
    let Q: Tensor;
    if (this.orthogonal_map === "matrix_exp" || this.orthogonal_map === "cayley") {
      X = X.tril();
      if (n !== k) X = cat([X, X.new_zeros([n, n - k]).expand([...X.shape.slice(0, -2), n, n - k])], -1);
      const A = X.sub(mT(X));
      if (this.orthogonal_map === "matrix_exp") {
        Q = A.matrix_exp();
      } else {
        const Id = eye(n, { dtype: A.dtype });
        Q = solve(Id.add(A, { alpha: -0.5 }), Id.add(A, { alpha: 0.5 }));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    } else {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).reciprocal().mul(2);
      Q = householderProduct(A, tau);
      // PyTorch multiplies by X's diagonal cast to int (truncated toward zero).
      Q = Q.mul(X.diagonal(0, -2, -1).detach().trunc().unsqueeze(-2));
    }
    const base = slotsOf(this).base;
    if (base instanceof Tensor) Q = base.matmul(Q);
    if (transposed) Q = mT(Q);
    return Q;
  }

  right_inverse(Q: Tensor): Tensor {
    return no_grad(() => {
      if (Q.shape.length !== this.shape.length || Q.shape.some((s, i) => s !== this.shape[i])) {
        throw new ValueError(`Expected a matrix or batch of matrices of shape ${shapeStr(this.shape)}. Got a tensor of shape ${shapeStr(Q.shape)}.`);
      }
      const Qinit = Q;
      let n = Q.shape[Q.dim() - 2];
      let k = Q.shape[Q.dim() - 1];
      if (n < k) {
        Q = mT(Q);
        [n, k] = [k, n];
      }
      if (!this._buffer_names.has("base")) {
        throw new NotImplementedError(
          this.orthogonal_map === "householder"
            ? "Assigning to the householder parametrization with use_trivialization=False is not implemented in this engine."
            : "It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.",
        );
      }
      if (n === k) {
        Q = isOrthogonal(Q) ? Q.clone() : makeOrthogonal(Q);
      } else {
        const N = randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype });
        Q = makeOrthogonal(cat([Q, N], -1));
      }
      slotsOf(this).base = Q.detach();
      const negId = zeros_like(Qinit);
      negId.diagonal(0, -2, -1).fill_(-1);
      return negId;
    });
  }
}

export interface OrthogonalOptions {
  name?: string;
  orthogonal_map?: OrthogonalMap | null;
  use_trivialization?: boolean;
}

/** Keeps module[name] orthogonal: `parametrizations.orthogonal(nn.Linear(4, 4))`. */
export function orthogonal<M extends Module>(module: M, ...args: PyArgs<[name?: string, orthogonal_map?: OrthogonalMap | null], OrthogonalOptions>): M;
/** orthogonal(module=..., ...): every argument by keyword, as torch. */
export function orthogonal<M extends Module>(options: OrthogonalOptions & { module: M }): M;
export function orthogonal<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("orthogonal", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<OrthogonalOptions>("orthogonal", ["name", "orthogonal_map", "use_trivialization"], args);
  const name = o.name ?? "weight";
  const weight = slotsOf(module)[name];
  if (!(weight instanceof Tensor)) throw new ValueError(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  if (weight.dim() < 2) throw new ValueError(`Expected a matrix or batch of matrices. Got a tensor of ${weight.dim()} dimensions.`);
  const map = o.orthogonal_map ?? (weight.shape[weight.dim() - 2] === weight.shape[weight.dim() - 1] ? "matrix_exp" : "householder");
  if (!["matrix_exp", "cayley", "householder"].includes(map)) {
    throw new ValueError(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${String(map)}`);
  }
  const orth = new _Orthogonal(weight, map, { use_trivialization: o.use_trivialization ?? true });
  register_parametrization(module, name, orth, { unsafe: true });
  return module;
}

/** PyTorch's _SpectralNorm parametrization module. */
export class _SpectralNorm extends Module {
  static override readonly __name__ = "_SpectralNorm";
  declare dim: number;
  declare eps: number;
  declare n_power_iterations: number;

  constructor(weight: Tensor, n_power_iterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.dim();
    if (dim >= ndim || dim < -ndim) throw new IndexError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (n_power_iterations <= 0) throw new ValueError(`Expected n_power_iterations to be positive, but got n_power_iterations=${n_power_iterations}`);
    for (const [k, v] of Object.entries({ dim: dim >= 0 ? dim : dim + ndim, eps, n_power_iterations })) {
      Object.defineProperty(this, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
    if (ndim > 1) {
      const mat = this._reshape_weight_to_matrix(weight);
      const [h, w] = mat.shape;
      // PyTorch: weight_mat.new_empty(h).normal_(0, 1), then the same for w, from the global generator.
      const u = no_grad(() => weight.new_empty([h]).normal_(0, 1));
      const v = no_grad(() => weight.new_empty([w]).normal_(0, 1));
      this.register_buffer("_u", normalize(u, { dim: 0, eps }));
      this.register_buffer("_v", normalize(v, { dim: 0, eps }));
      this._power_method(mat, 15);
    }
  }

  _reshape_weight_to_matrix(weight: Tensor): Tensor {
    const w = this.dim !== 0 ? weight.permute(this.dim, ...weight.shape.map((_, i) => i).filter((i) => i !== this.dim)) : weight;
    return w.flatten(1);
  }

  _power_method(weight_mat: Tensor, n: number): void {
    no_grad(() => {
      const m = weight_mat.detach();
      const s = slotsOf(this);
      for (let i = 0; i < n; i++) {
        // In place, as PyTorch's normalize(..., out=self._u).
        (s._u as Tensor).copy_(normalize(m.mv(s._v as Tensor), { dim: 0, eps: this.eps }));
        (s._v as Tensor).copy_(normalize(m.t().mv(s._u as Tensor), { dim: 0, eps: this.eps }));
      }
    });
  }

  forward(weight: Tensor): Tensor {
    if (weight.dim() === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = this._reshape_weight_to_matrix(weight);
    if (this.training) this._power_method(mat, this.n_power_iterations);
    const u = (slotsOf(this)._u as Tensor).clone();
    const v = (slotsOf(this)._v as Tensor).clone();
    const sigma = u.dot(mat.mv(v));
    return weight.div(sigma);
  }

  right_inverse(value: Tensor): Tensor {
    return value;
  }
}

export interface SpectralNormOptions {
  name?: string;
  n_power_iterations?: number;
  eps?: number;
  dim?: number | null;
}

/** Divides module[name] by its spectral norm: `parametrizations.spectral_norm(nn.Linear(20, 40))`. */
export function spectral_norm<M extends Module>(
  module: M,
  ...args: PyArgsExact<[name?: string, n_power_iterations?: number, eps?: number, dim?: number | null], SpectralNormOptions>
): M;
/** spectral_norm(module=..., ...): every argument by keyword, as torch. */
export function spectral_norm<M extends Module>(options: SpectralNormOptions & { module: M }): M;
export function spectral_norm<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("spectral_norm", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<SpectralNormOptions>("spectral_norm", ["name", "n_power_iterations", "eps", "dim"], args);
  const name = o.name ?? "weight";
  const weight = slotsOf(module)[name];
  if (!(weight instanceof Tensor)) throw new ValueError(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  const dim = o.dim ?? (/^ConvTranspose[123]d$/.test(module._get_name()) ? 1 : 0);
  register_parametrization(module, name, new _SpectralNorm(weight, o.n_power_iterations ?? 1, dim, o.eps ?? 1e-12));
  return module;
}

export const parametrizations = { orthogonal, spectral_norm };
