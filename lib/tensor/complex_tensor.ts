/**
 * Complex tensors (complex64 / complex128), enough for LLaMA-style rotary embeddings and the ordinary things a
 * learner does with them.
 *
 * Design: a ComplexTensor is carried by one real tensor `_pair` of shape [..., 2] (float32 for complex64, float64
 * for complex128), last dim of stride 1: exactly torch.view_as_real's result. view_as_complex / view_as_real /
 * .real / .imag are views over that storage (writing through them changes the complex tensor), and every complex op
 * is composed from real ops on the pair, so autograd comes from the real engine: for a real loss the gradient of a
 * complex leaf is dL/dRe + i dL/dIm, which is torch's convention. Results get torch's node names (MulBackward0,
 * ViewAsRealBackward0, ...) through an identity view over the composed pair.
 *
 * It is its own class, not a Tensor subclass: every real op and torch.* function reading a Tensor's storage would
 * otherwise see the pair's numbers under the complex shape and return wrong values. Instead the real engine hands a
 * complex operand here (complex_dtype.ts's hooks: arithmetic with a complex other, Tensor.to(complex dtype),
 * torch.<fn>(complex, ...)), and every Tensor method this class does not implement raises one clear error naming
 * what is supported (installComplexRefusals).
 */
import { isOptions } from "./args";
import {
  COMPLEX_BRAND, COMPLEX_MAKERS, COMPLEX_SUPPORTED, ComplexDType, complex128, complex64, complexHooks, complexOf, isComplexTensor,
} from "./complex_dtype";
import { cppTypeName, float32, float64, isDType, promoteTypes, type DType } from "./dtype";
import { RuntimeError, TypeError_ } from "./errors";
import { formatComplexTensor } from "./format";
import type { Node } from "./autograd/node";
import * as creation from "./ops/creation";
import { atan2, copysign, hypot, map1, mapN } from "./ops/elementwise_extra";
import { where } from "./ops/where";
import * as join from "./ops/join";
import { matmul as realMatmul } from "./ops/matmul";
import { makeView } from "./ops/views";
import { normalizeDim } from "./shape";
import { sizeOf, type Size } from "./size";
import { Tensor, type IndexSpec } from "./tensor";
import { warnOnce } from "./warnings";
import { einsum as realEinsum } from "./ops/einsum";

/** A complex operand's parts; a real tensor or number has no imaginary part (null). */
type Parts = [re: Tensor | number, im: Tensor | number | null];


function refuseOnComplex(what: string): never {
  throw new RuntimeError(`${what} is not supported for complex tensors in this engine. Complex tensors support: ${COMPLEX_SUPPORTED}.`);
}

/** An identity view of t recorded as `name` (so torch's node names show), when t is on the tape. */
function named(t: Tensor, name: string): Tensor {
  if (!t.requires_grad) return t;
  return makeView(t, t.shape, t._strides, t._offset, name, (g) => [g]);
}

const asTensor = (v: Tensor | number): Tensor => (v instanceof Tensor ? v : creation.tensor(v));

/** The complex tensor of parts re + i im (broadcast together, promoted to one float dtype), recorded as `name`. */
function fromParts(re: Tensor | number, im: Tensor | number | null, name: string): ComplexTensor {
  let r = asTensor(re);
  let i = im === null ? creation.zeros_like(r) : asTensor(im);
  let dt = promoteTypes(r.dtype, i.dtype);
  if (!dt.is_floating_point) dt = float32;
  if (r.dtype !== dt) r = r.to(dt);
  if (i.dtype !== dt) i = i.to(dt);
  if (r.shape.length !== i.shape.length || r.shape.some((d, k) => d !== i.shape[k])) {
    const b = r.add(i.mul(0)).shape;
    r = r.expand(b);
    i = i.expand(b);
  }
  return new ComplexTensor(named(join.stack([r, i], -1), name));
}

function partsOf(v: unknown, op: string): Parts {
  if (v instanceof ComplexTensor) return [v.real, v.imag];
  if (v instanceof Tensor) return [v, null];
  if (typeof v === "number" || typeof v === "boolean") return [Number(v), null];
  throw new TypeError_(`${op}(): argument 'other' must be a Tensor, a complex tensor or a number, not ${v === null ? "None" : typeof v}`);
}

const mulP = (a: Tensor | number, b: Tensor | number): Tensor | number =>
  a instanceof Tensor ? a.mul(b) : b instanceof Tensor ? b.mul(a) : a * b;
const addP = (a: Tensor | number, b: Tensor | number): Tensor | number =>
  a instanceof Tensor ? a.add(b) : b instanceof Tensor ? b.add(a) : a + b;
const subP = (a: Tensor | number, b: Tensor | number): Tensor | number =>
  a instanceof Tensor ? a.sub(b) : b instanceof Tensor ? b.neg().add(a) : a - b;
const divP = (a: Tensor | number, b: Tensor | number): Tensor | number =>
  a instanceof Tensor ? a.div(b) : b instanceof Tensor ? b.reciprocal().mul(a) : a / b;
const negP = (a: Tensor | number): Tensor | number => (a instanceof Tensor ? a.neg() : -a);

/** a op b where one of them is complex: composed from real ops on the parts. */
function binary(op: string, a: unknown, b: unknown, opts?: unknown): ComplexTensor {
  const alpha = isOptions(opts) && typeof (opts as { alpha?: unknown }).alpha === "number" ? (opts as { alpha: number }).alpha : 1;
  if (isOptions(opts) && (opts as { rounding_mode?: unknown }).rounding_mode != null) refuseOnComplex(`${op} with rounding_mode`);
  const [ar, ai] = partsOf(a, op);
  let [br, bi] = partsOf(b, op);
  if (alpha !== 1) {
    br = mulP(br, alpha);
    bi = bi === null ? null : mulP(bi, alpha);
  }
  switch (op) {
    case "add":
      return fromParts(addP(ar, br), ai === null ? bi : bi === null ? ai : addP(ai, bi), "AddBackward0");
    case "sub":
      return fromParts(subP(ar, br), ai === null ? (bi === null ? null : negP(bi)) : bi === null ? ai : subP(ai, bi), "SubBackward0");
    case "mul": {
      // (ar + i ai)(br + i bi) = ar br - ai bi + i (ar bi + ai br)
      const re = ai !== null && bi !== null ? subP(mulP(ar, br), mulP(ai, bi)) : mulP(ar, br);
      const im = ai === null ? mulP(ar, bi!) : bi === null ? mulP(ai, br) : addP(mulP(ar, bi), mulP(ai, br));
      return fromParts(re, im, "MulBackward0");
    }
    case "div": {
      if (bi === null) return fromParts(divP(ar, br), ai === null ? null : divP(ai, br), "DivBackward0");
      // (ar + i ai) / (br + i bi) = ((ar br + ai bi) + i (ai br - ar bi)) / (br² + bi²)
      const den = addP(mulP(br, br), mulP(bi, bi));
      const re = ai === null ? mulP(ar, br) : addP(mulP(ar, br), mulP(ai, bi));
      const im = ai === null ? negP(mulP(ar, bi)) : subP(mulP(ai, br), mulP(ar, bi));
      return fromParts(divP(re, den), divP(im, den), "DivBackward0");
    }
    case "matmul": {
      if (ai === null || bi === null) {
        const c = (ai === null ? b : a) as ComplexTensor;
        const t = (ai === null ? a : b) as Tensor;
        const n = (dt: DType) => (dt === float64 ? "Double" : dt === float32 ? "Float" : String(dt));
        throw new RuntimeError(`expected scalar type Complex${n(c._pair.dtype)} but found ${n(t.dtype)}`);
      }
      const mm = (x: Tensor | number, y: Tensor | number): Tensor => realMatmul(asTensor(x), asTensor(y));
      const re = ai !== null && bi !== null ? mm(ar, br).sub(mm(ai, bi)) : mm(ar, br);
      const im = ai === null ? mm(ar, bi!) : bi === null ? mm(ai, br) : mm(ar, bi).add(mm(ai, br));
      return fromParts(re, im, "MmBackward0");
    }
    case "pow":
      return powWithComplex(a, b);
    default:
      return refuseOnComplex(op);
  }
}

/**
 * torch.pow(base, exponent) where one of them is complex: a complex base is ComplexTensor.pow; a real tensor base is
 * cast to complex first (PowBackward1); a number base (PowBackward2, torch.pow(2, z)) is exp(w log base) with log base
 * = ln|base| + i·(π if base < 0), and base 0 as zeroBasePow.
 */
function powWithComplex(base: unknown, w: unknown): ComplexTensor {
  if (base instanceof ComplexTensor) return base.pow(w as number | Tensor | ComplexTensor);
  const e = w as ComplexTensor;
  if (base instanceof Tensor) {
    const dt = base.dtype === float64 || e._pair.dtype === float64 ? complex128 : complex64;
    return toComplex(base, dt).pow(e);
  }
  if (typeof base !== "number" && typeof base !== "boolean") {
    throw new TypeError_(`pow() received an invalid combination of arguments - got (${base === null ? "NoneType" : typeof base}, Tensor)`);
  }
  const b = Number(base);
  if (b === 0) {
    const [re, im] = zeroBasePow(e);
    return fromParts(re, im, "PowBackward2");
  }
  // w (ln|b| + i arg b) = (wr ln|b| - wi arg b) + i (wr arg b + wi ln|b|), arg b = 0 or π
  const lnB = Math.log(Math.abs(b));
  const arg = b < 0 ? Math.PI : 0;
  let pr = e.real.mul(lnB), pi = e.imag.mul(lnB);
  if (arg) [pr, pi] = [pr.sub(e.imag.mul(arg)), pi.add(e.real.mul(arg))];
  const mag = pr.exp();
  let re = mag.mul(pi.cos()), im = mag.mul(pi.sin());
  if (b < 0 && (re.requires_grad || im.requires_grad)) {
    // torch 1.13's pow_backward_exponent takes the log of the base as a real Scalar: NaN for a negative one, so
    // the exponent's gradient is NaN (the values are right)
    const nanGrad = (t: Tensor) => map1(t, "PowBackward2", (v) => v, (g) => g.mul(NaN));
    [re, im] = [nanGrad(re), nanGrad(im)];
  }
  return fromParts(re, im, "PowBackward2");
}

/**
 * 0 ** w as torch 1.13's kernel gives it (std::pow, C99's cpow): 0 (imaginary part -0 for Im w >= 0) where Re w > 0,
 * inf + nan i where Re w < 0, nan + nan i elsewhere; the gradient (pow_backward_exponent) is 0 where w is real and
 * >= 0, NaN elsewhere.
 */
function zeroBasePow(w: ComplexTensor): [Tensor, Tensor] {
  const wr = w.real, wi = w.imag, dt = wr.dtype;
  const grad = (g: Tensor, xs: readonly Tensor[]) => {
    const mask = mapN(xs, dt, "", "pow", (r, i) => (i === 0 && r >= 0 ? 0 : NaN), null);
    return [g.mul(mask), g.mul(mask)];
  };
  const re = mapN([wr, wi], dt, "PowBackward2", "pow", (r) => (r > 0 ? 0 : r < 0 ? Infinity : NaN), grad);
  const im = mapN([wr, wi], dt, "PowBackward2", "pow", (r, i) => (r > 0 ? (i < 0 ? 0 : -0) : NaN), grad);
  return [re, im];
}

/** Sizes given one by one or as a list (view(2, 3), view([2, 3])). */
function sizesOf(args: readonly unknown[]): number[] {
  return (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
}

export class ComplexTensor {
  /** The real [..., 2] tensor this complex tensor is (torch.view_as_real's result). */
  readonly _pair: Tensor;

  constructor(pair: Tensor) {
    this._pair = pair;
    if (!refusalsReady) installComplexRefusals();
  }

  // ---- metadata ---------------------------------------------------------------------------------------------------
  get dtype(): ComplexDType {
    return complexOf(this._pair.dtype);
  }
  get shape(): Size {
    return sizeOf(this._pair.shape.slice(0, -1));
  }
  size(dim?: number | { dim?: number }): number | Size {
    const d = typeof dim === "object" && dim !== null ? dim.dim : dim;
    return d === undefined ? this.shape : this.shape[normalizeDim(d, this.dim())];
  }
  stride(dim?: number): number | readonly number[] {
    const s = this._pair._strides.slice(0, -1).map((v) => v / 2);
    return dim === undefined ? s : s[normalizeDim(dim, this.dim())];
  }
  dim(): number {
    return this._pair.dim() - 1;
  }
  get ndim(): number {
    return this.dim();
  }
  numel(): number {
    return this._pair.numel() / 2;
  }
  nelement(): number {
    return this.numel();
  }
  get device(): Tensor["device"] {
    return this._pair.device;
  }
  is_complex(): boolean {
    return true;
  }
  is_floating_point(): boolean {
    return false;
  }
  is_contiguous(): boolean {
    return this._pair.is_contiguous();
  }
  get is_leaf(): boolean {
    return this._pair.is_leaf;
  }
  get grad_fn(): Node | null {
    return this._pair.grad_fn;
  }
  get requires_grad(): boolean {
    return this._pair.requires_grad;
  }
  set requires_grad(flag: boolean) {
    this._pair.requires_grad = flag;
  }
  requires_grad_(flag: boolean | { requires_grad?: boolean } = true): this {
    this._pair.requires_grad_(flag);
    return this;
  }
  /** dL/dRe + i dL/dIm for a real loss L (torch's convention). */
  get grad(): ComplexTensor | null {
    const g = this._pair.grad;
    return g ? new ComplexTensor(g) : null;
  }
  retain_grad(): void {
    this._pair.retain_grad();
  }
  /**
   * backward() on a one-element complex tensor: torch 1.13 seeds it with 1 + 0j (no error), which differentiates its
   * real part; a complex `gradient` g differentiates Re(conj(g) z) summed. Several elements need a gradient.
   */
  backward(gradient?: ComplexTensor | null | { retain_graph?: boolean; create_graph?: boolean }, opts: { retain_graph?: boolean; create_graph?: boolean } = {}): void {
    if (isOptions(gradient)) [gradient, opts] = [null, gradient as typeof opts];
    let seed: Tensor;
    if (gradient instanceof ComplexTensor) seed = gradient._pair.detach();
    else if (gradient == null) {
      if (this.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
      seed = join.stack([creation.ones(this.shape, { dtype: this._pair.dtype }), creation.zeros(this.shape, { dtype: this._pair.dtype })], -1);
    } else throw new TypeError_("backward(): the gradient of a complex tensor must be a complex tensor of its shape");
    this._pair.backward(seed, opts);
  }

  // ---- parts and copies -------------------------------------------------------------------------------------------
  /** A view: writing into it changes this tensor. */
  get real(): Tensor {
    return this._pair.select(-1, 0);
  }
  get imag(): Tensor {
    return this._pair.select(-1, 1);
  }
  detach(): ComplexTensor {
    return new ComplexTensor(this._pair.detach());
  }
  clone(): ComplexTensor {
    return new ComplexTensor(named(this._pair.clone(), "CloneBackward0"));
  }
  contiguous(): ComplexTensor {
    return this.is_contiguous() ? this : new ComplexTensor(this._pair.contiguous());
  }
  /** to(complex dtype) converts the parts; to(real dtype) keeps the real part (torch's warning). */
  to(...args: unknown[]): ComplexTensor | Tensor {
    let dt: unknown;
    for (const a of args) {
      if (isDType(a)) dt = a;
      else if (a instanceof Tensor) dt = a.dtype;
      else if (a instanceof ComplexTensor) dt = a.dtype;
      else if (isOptions(a)) {
        if ((a as { dtype?: unknown }).dtype) dt = (a as { dtype: unknown }).dtype;
        if ((a as { device?: unknown }).device != null) this._pair.to({ device: (a as { device: never }).device }); // the CPU only: the engine's error
      } else if (a != null && typeof a !== "boolean") this._pair.to(a as never); // a device: the CPU only (the engine's error otherwise)
    }
    if (dt === undefined) return this;
    if (dt instanceof ComplexDType) {
      if (dt !== complex64 && dt !== complex128) dt.refuse();
      return dt === this.dtype ? this : new ComplexTensor(named(this._pair.to(dt.realDtype), "ToCopyBackward0"));
    }
    warnOnce("UserWarning: Casting complex values to real discards the imaginary part");
    return this.real.to(dt as DType);
  }
  type_as(other: Tensor | ComplexTensor): ComplexTensor | Tensor {
    return this.to(other.dtype);
  }
  cfloat(): ComplexTensor {
    return this.to(complex64) as ComplexTensor;
  }
  cdouble(): ComplexTensor {
    return this.to(complex128) as ComplexTensor;
  }

  // ---- views ------------------------------------------------------------------------------------------------------
  /** dim of this tensor as a non-negative dim of the pair (its last dim is the parts). */
  private d(dim: number, extra = 0): number {
    const n = this.dim() + extra;
    const k = normalizeDim(dim, n);
    return k < 0 ? k + Math.max(n, 1) : k;
  }
  view(...shape: (number | readonly number[])[]): ComplexTensor {
    if (shape.length === 1 && (isDType(shape[0]) || isOptions(shape[0]))) refuseOnComplex("view(dtype)");
    return new ComplexTensor(this._pair.view([...sizesOf(shape), 2]));
  }
  reshape(...shape: (number | readonly number[])[]): ComplexTensor {
    return new ComplexTensor(this._pair.reshape([...sizesOf(shape), 2]));
  }
  view_as(other: Tensor | ComplexTensor): ComplexTensor {
    return this.view([...other.shape]);
  }
  reshape_as(other: Tensor | ComplexTensor): ComplexTensor {
    return this.reshape([...other.shape]);
  }
  flatten(start_dim: number | { start_dim?: number; end_dim?: number } = 0, end_dim = -1): ComplexTensor {
    if (typeof start_dim === "object") [start_dim, end_dim] = [start_dim.start_dim ?? 0, start_dim.end_dim ?? -1];
    if (this.dim() === 0) return this.reshape([1]);
    return new ComplexTensor(this._pair.flatten(this.d(start_dim), this.d(end_dim)));
  }
  unsqueeze(dim: number): ComplexTensor {
    return new ComplexTensor(this._pair.unsqueeze(this.d(dim, 1)));
  }
  squeeze(dim?: number): ComplexTensor {
    if (dim === undefined) return this.reshape(this.shape.filter((s) => s !== 1));
    if (this.dim() === 0) return this;
    return new ComplexTensor(this._pair.squeeze(this.d(dim)));
  }
  transpose(dim0: number, dim1: number): ComplexTensor {
    return new ComplexTensor(this._pair.transpose(this.d(dim0), this.d(dim1)));
  }
  swapaxes(dim0: number, dim1: number): ComplexTensor {
    return this.transpose(dim0, dim1);
  }
  permute(...dims: (number | readonly number[])[]): ComplexTensor {
    const ds = sizesOf(dims).map((k) => this.d(k));
    return new ComplexTensor(this._pair.permute([...ds, this.dim()]));
  }
  t(): ComplexTensor {
    if (this.dim() > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${this.dim()}D`);
    return this.dim() < 2 ? this : this.transpose(0, 1);
  }
  select(dim: number, index: number): ComplexTensor {
    return new ComplexTensor(this._pair.select(this.d(dim), index));
  }
  /** Indexing over leading dims (numbers, slices, lists, masks, None); `...` is not supported here. */
  get(...specs: IndexSpec[]): ComplexTensor {
    if (specs.some((s) => typeof s === "string" && s.trim() === "...")) refuseOnComplex("indexing a complex tensor with ...");
    const real = specs.filter((s) => s !== null && !(typeof s === "string" && s.trim() === "None")).length;
    if (real > this.dim()) throw new RuntimeError(`too many indices for tensor of dimension ${this.dim()}`);
    return new ComplexTensor(this._pair.get(...specs));
  }
  index(...specs: IndexSpec[]): ComplexTensor {
    return this.get(...specs);
  }
  chunk(chunks: number, dim = 0): ComplexTensor[] {
    return this._pair.chunk(chunks, this.d(dim)).map((p) => new ComplexTensor(p));
  }
  unbind(dim = 0): ComplexTensor[] {
    return this._pair.unbind(this.d(dim)).map((p) => new ComplexTensor(p));
  }
  expand(...sizes: (number | readonly number[])[]): ComplexTensor {
    return new ComplexTensor(this._pair.expand([...sizesOf(sizes), 2]));
  }
  expand_as(other: Tensor | ComplexTensor): ComplexTensor {
    return this.expand([...other.shape]);
  }
  /** Rolls the complex elements (flattened first when no dims are given, as torch's); torch.fft.fftshift of a spectrum. */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): ComplexTensor {
    if (dims === undefined || dims === null) {
      const flat = this._pair.reshape([-1, 2]).roll(typeof shifts === "number" ? shifts : shifts[0], 0);
      return new ComplexTensor(named(flat.reshape(this._pair.shape), "RollBackward0"));
    }
    const ds = typeof dims === "number" ? this.d(dims) : dims.map((k) => this.d(k));
    return new ComplexTensor(named(this._pair.roll(shifts as number[], ds as number[]), "RollBackward0"));
  }
  flip(...dims: (number | readonly number[])[]): ComplexTensor {
    return new ComplexTensor(named(this._pair.flip(sizesOf(dims).map((k) => this.d(k))), "FlipBackward0"));
  }
  /** Elements where mask is true set to value (a number, a real or a complex tensor of one element). */
  masked_fill(mask: Tensor, value: number | Tensor | ComplexTensor): ComplexTensor {
    const [vr, vi] = partsOf(value, "masked_fill");
    return fromParts(this.real.masked_fill(mask, vr), this.imag.masked_fill(mask, vi ?? 0), "MaskedFillBackward0");
  }
  /** `z[specs] = value` in place (specs over the complex dims, as Tensor.index_put_'s; `...` is not supported here). */
  index_put_(specs: readonly IndexSpec[], value: number | Tensor | ComplexTensor, opts?: { accumulate?: boolean }): this {
    if (specs.some((s) => typeof s === "string" && s.trim() === "...")) refuseOnComplex("index_put_ on a complex tensor with ...");
    const [vr, vi] = partsOf(value, "index_put_");
    const re = asTensor(vr).to(this._pair.dtype);
    const pair = join.stack([re, vi === null ? creation.zeros_like(re) : asTensor(vi).to(this._pair.dtype)], -1);
    this._pair.index_put_(specs, pair, opts ?? {});
    return this;
  }
  /** Every element set to value (a number: imaginary part 0, or a complex one-element tensor), in place. */
  fill_(value: number | Tensor | ComplexTensor): this {
    const [vr, vi] = partsOf(value, "fill_");
    this.real.fill_(vr);
    this.imag.fill_(vi ?? 0);
    return this;
  }
  zero_(): this {
    this._pair.zero_();
    return this;
  }

  // ---- arithmetic -------------------------------------------------------------------------------------------------
  add(other: ComplexTensor | Tensor | number, opts?: { alpha?: number }): ComplexTensor {
    return binary("add", this, other, opts);
  }
  sub(other: ComplexTensor | Tensor | number, opts?: { alpha?: number }): ComplexTensor {
    return binary("sub", this, other, opts);
  }
  subtract(other: ComplexTensor | Tensor | number, opts?: { alpha?: number }): ComplexTensor {
    return binary("sub", this, other, opts);
  }
  mul(other: ComplexTensor | Tensor | number): ComplexTensor {
    return binary("mul", this, other);
  }
  multiply(other: ComplexTensor | Tensor | number): ComplexTensor {
    return binary("mul", this, other);
  }
  div(other: ComplexTensor | Tensor | number, opts?: { rounding_mode?: null }): ComplexTensor {
    return binary("div", this, other, opts);
  }
  divide(other: ComplexTensor | Tensor | number, opts?: { rounding_mode?: null }): ComplexTensor {
    return binary("div", this, other, opts);
  }
  true_divide(other: ComplexTensor | Tensor | number): ComplexTensor {
    return binary("div", this, other);
  }
  rsub(other: ComplexTensor | Tensor | number): ComplexTensor {
    return binary("sub", other, this);
  }
  matmul(other: ComplexTensor | Tensor): ComplexTensor {
    return binary("matmul", this, other);
  }
  neg(): ComplexTensor {
    return fromParts(this.real.neg(), this.imag.neg(), "NegBackward0");
  }
  negative(): ComplexTensor {
    return this.neg();
  }
  /** The conjugate (a new tensor here; torch's is a lazy view with is_conj() true). */
  conj(): ComplexTensor {
    return fromParts(this.real, this.imag.neg(), "ConjBackward0");
  }
  conj_physical(): ComplexTensor {
    return fromParts(this.real, this.imag.neg(), "ConjPhysicalBackward0");
  }
  resolve_conj(): ComplexTensor {
    return this;
  }
  resolve_neg(): ComplexTensor {
    return this;
  }
  is_conj(): boolean {
    return false;
  }
  /** e^re (cos im + i sin im). */
  exp(): ComplexTensor {
    const e = this.real.exp();
    const im = this.imag;
    return fromParts(e.mul(im.cos()), e.mul(im.sin()), "ExpBackward0");
  }
  /** log|z| + i arg z: torch's principal branch (arg in [-π, π], a zero imaginary part's sign choosing ±π); log 0 = -inf. */
  log(): ComplexTensor {
    return fromParts(hypot(this.real, this.imag).log(), atan2(this.imag, this.real), "LogBackward0");
  }
  log2(): ComplexTensor {
    return this.logIn(Math.LN2, "Log2Backward0");
  }
  log10(): ComplexTensor {
    return this.logIn(Math.LN10, "Log10Backward0");
  }
  private logIn(lnBase: number, name: string): ComplexTensor {
    const l = this.log();
    return fromParts(l.real.div(lnBase), l.imag.div(lnBase), name);
  }
  /**
   * The principal square root (the real part >= 0; on the negative real axis the imaginary part's sign, zero included,
   * picks ±i sqrt|re|), computed without cancellation: t = sqrt((|z| + |re|) / 2) is the larger part's size and the
   * other is |im| / 2t. Denominators of 0 (z = 0, and the branch where() leaves unused) are replaced by 1.
   */
  sqrt(): ComplexTensor {
    const re = this.real, im = this.imag;
    const a = hypot(re, im);
    const half = (t: Tensor) => t.div(2).sqrt();
    const tPos = half(a.add(re)), tNeg = half(a.sub(re)); // re >= 0 / re < 0
    const safe = (t: Tensor) => t.masked_fill(t.eq(0), 1).mul(2);
    const nonneg = re.ge(0);
    return fromParts(
      where(nonneg, tPos, im.abs().div(safe(tNeg))),
      where(nonneg, im.div(safe(tPos)), copysign(tNeg, im)),
      "SqrtBackward0",
    );
  }
  /** 1 / z = conj(z) / |z|^2 (NaN at 0, as torch's). */
  reciprocal(): ComplexTensor {
    const den = this.real.square().add(this.imag.square());
    return fromParts(this.real.div(den), this.imag.neg().div(den), "ReciprocalBackward0");
  }
  /**
   * z ** exponent. A number: 0, 1, 2, 3, -1, -2, 0.5 and -0.5 by products, reciprocals and sqrt (as torch 1.13's
   * kernel special-cases them, so z ** 2 and z ** 3 are exact), others as exp(e log z); a tensor exponent (real or
   * complex) as exp(w log z), which is NaN at z = 0 as torch's.
   */
  pow(exponent: number | Tensor | ComplexTensor): ComplexTensor {
    if (typeof exponent !== "number") {
      if (!(exponent instanceof Tensor) && !(exponent instanceof ComplexTensor)) {
        throw new TypeError_(`pow(): argument 'exponent' must be Tensor or Number, not ${exponent === null ? "NoneType" : typeof exponent}`);
      }
      const general = binary("mul", exponent, this.log()).exp();
      if (!(exponent instanceof ComplexTensor)) return new ComplexTensor(named(general._pair, "PowBackward1"));
      // exp(w log 0) is NaN; torch's kernel gives zeroBasePow's values there
      const zero = this.real.eq(0).logical_and(this.imag.eq(0));
      // values only: where() gives the unused branch a zero gradient, which zeroBasePow's NaN mask would turn to NaN
      const [zr, zi] = zeroBasePow(exponent.detach());
      return fromParts(where(zero, zr, general.real), where(zero, zi, general.imag), "PowBackward1");
    }
    const z = this as ComplexTensor;
    const mul = (a: ComplexTensor, b: ComplexTensor) => binary("mul", a, b);
    const byCase: Record<number, () => ComplexTensor> = {
      // 1 everywhere (NaN included), still on the graph with a zero gradient
      0: () => fromParts(z.real.mul(0).nan_to_num(0).add(1), z.imag.mul(0).nan_to_num(0), "PowBackward0"),
      1: () => fromParts(z.real, z.imag, "PowBackward0"),
      2: () => mul(z, z),
      3: () => mul(mul(z, z), z),
      [-1]: () => z.reciprocal(),
      [-2]: () => mul(z, z).reciprocal(),
      0.5: () => z.sqrt(),
      [-0.5]: () => z.sqrt().reciprocal(),
    };
    const r = (byCase[exponent] ?? (() => binary("mul", z.log(), exponent).exp()))();
    return new ComplexTensor(named(r._pair, "PowBackward0"));
  }
  /** |z| (a real tensor); gradient 0 at z = 0, as torch's. */
  abs(): Tensor {
    const s = this.real.square().add(this.imag.square());
    const zero = s.eq(0);
    const safe = s.masked_fill(zero, 1);
    return named(safe.sqrt().masked_fill(zero, 0), "AbsBackward0");
  }
  absolute(): Tensor {
    return this.abs();
  }
  /** z ** exponent in complex128 (a real exponent tensor in float64), as torch's float_power. */
  float_power(exponent: number | Tensor | ComplexTensor): ComplexTensor {
    const e = exponent instanceof ComplexTensor ? exponent.to(complex128) : exponent instanceof Tensor ? exponent.double() : exponent;
    return (this.to(complex128) as ComplexTensor).pow(e as number | Tensor | ComplexTensor);
  }
  /** z * z. */
  square(): ComplexTensor {
    const r = binary("mul", this, this);
    return new ComplexTensor(named(r._pair, "PowBackward0"));
  }
  /** atan2(im, re) (a real tensor). */
  angle(): Tensor {
    return named(atan2(this.imag, this.real), "AngleBackward0");
  }
  sum(dim?: number | readonly number[] | { dim?: number | readonly number[]; keepdim?: boolean } | null, keepdim?: boolean): ComplexTensor {
    return this.reduce("sum", dim, keepdim);
  }
  mean(dim?: number | readonly number[] | { dim?: number | readonly number[]; keepdim?: boolean } | null, keepdim?: boolean): ComplexTensor {
    return this.reduce("mean", dim, keepdim);
  }
  private reduce(op: "sum" | "mean", dim: unknown, keepdim?: boolean): ComplexTensor {
    if (isOptions(dim)) [dim, keepdim] = [(dim as { dim?: unknown }).dim, (dim as { keepdim?: boolean }).keepdim ?? keepdim];
    if (isOptions(keepdim)) keepdim = (keepdim as { keepdim?: boolean }).keepdim;
    const all = dim === undefined || dim === null;
    const dims = all ? this.shape.map((_, k) => k) : (typeof dim === "number" ? [dim] : (dim as number[])).map((k) => this.d(k));
    const name = op === "sum" ? "SumBackward" : "MeanBackward";
    if (dims.length === 0) return this; // a 0-d tensor (or dim=[]): torch returns its value
    return new ComplexTensor(named(this._pair[op](dims, keepdim ?? false), `${name}${all ? 0 : 1}`));
  }

  // ---- conversions that have no JS value --------------------------------------------------------------------------
  item(): never {
    return refuseOnComplex("item() (JavaScript has no complex number; read z.real.item() and z.imag.item())");
  }
  tolist(): never {
    return refuseOnComplex("tolist() (JavaScript has no complex number; read z.real.tolist() and z.imag.tolist())");
  }

  // ---- printing ---------------------------------------------------------------------------------------------------
  toString(): string {
    const fn = this._pair.grad_fn;
    return formatComplexTensor(this.real.detach(), this.imag.detach(), this.dtype.torchName, fn ? fn._name : null, this.requires_grad);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
Object.defineProperty(ComplexTensor.prototype, COMPLEX_BRAND, { value: true });

// ---- torch functions --------------------------------------------------------------------------------------------

function checkFloatPair(fn: string, a: Tensor, b: Tensor): void {
  const ok = (t: Tensor) => t.dtype === float32 || t.dtype === float64;
  if (!ok(a) || !ok(b)) {
    const n = (t: Tensor) => ({ float32: "Float", float64: "Double", int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" })[t.dtype.name];
    throw new RuntimeError(`Expected both inputs to be Half, Float or Double tensors but got ${n(a)} and ${n(b)}`);
  }
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`Expected object of scalar type ${a.dtype === float32 ? "Float" : "Double"} but got scalar type ${b.dtype === float32 ? "Float" : "Double"} for second argument`);
  }
  void fn;
}

/** torch.complex(real, imag): both float32 or both float64. */
export function complex(real: Tensor, imag: Tensor): ComplexTensor {
  checkFloatPair("complex", real, imag);
  return fromParts(real, imag, "ComplexBackward0");
}

/** torch.polar(abs, angle) = abs (cos angle + i sin angle). */
export function polar(abs: Tensor, angle: Tensor): ComplexTensor {
  checkFloatPair("polar", abs, angle);
  return fromParts(abs.mul(angle.cos()), abs.mul(angle.sin()), "PolarBackward0");
}

/** torch.view_as_complex(x): a view of x's storage, with torch's checks. */
export function view_as_complex(x: Tensor): ComplexTensor {
  if (!(x instanceof Tensor)) throw new TypeError_(`view_as_complex(): argument 'input' (position 1) must be Tensor, not ${isComplexTensor(x) ? "complex tensor" : typeof x}`);
  if (x.dtype !== float32 && x.dtype !== float64) {
    const n = ({ int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" } as Record<string, string>)[x.dtype.name];
    throw new RuntimeError(`view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: ${n}`);
  }
  if (x.dim() === 0) throw new RuntimeError("Input tensor must have one or more dimensions");
  if (x.shape[x.dim() - 1] !== 2) throw new RuntimeError("Tensor must have a last dimension of size 2");
  if (x._strides[x.dim() - 1] !== 1) throw new RuntimeError("Tensor must have a last dimension with stride 1");
  for (let k = 0; k < x.dim() - 1; k++) if (x._strides[k] % 2 !== 0) throw new RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension");
  if (x._offset % 2 !== 0) throw new RuntimeError("Tensor must have a storage_offset divisible by 2");
  return new ComplexTensor(x.requires_grad ? makeView(x, x.shape, x._strides, x._offset, "ViewAsComplexBackward0", (g) => [g]) : x);
}

/** torch.view_as_real(z): the [..., 2] real view of z's storage. */
export function view_as_real(z: ComplexTensor): Tensor {
  if (!((z as unknown) instanceof ComplexTensor)) {
    if ((z as unknown) instanceof Tensor) throw new RuntimeError("view_as_real is only supported for complex tensors");
    throw new TypeError_(`view_as_real(): argument 'input' (position 1) must be Tensor, not ${typeof z}`);
  }
  const p = z._pair;
  return makeView(p, p.shape, p._strides, p._offset, "ViewAsRealBackward0", (g) => [g]);
}

/** torch.cat / stack of complex tensors (any real ones among them become complex). */
function join2(kind: "cat" | "stack", tensors: readonly unknown[], dim: unknown): ComplexTensor {
  let d = typeof dim === "number" ? dim : isOptions(dim) ? ((dim as { dim?: number }).dim ?? 0) : 0;
  const cs = tensors.map((t) => (t instanceof ComplexTensor ? t : t instanceof Tensor ? (toComplex(t, complexOf(t.dtype)) as ComplexTensor) : refuseOnComplex(`torch.${kind} of ${typeof t}`)));
  const nd = cs[0].dim() + (kind === "stack" ? 1 : 0);
  d = normalizeDim(d, nd);
  if (d < 0) d += Math.max(nd, 1);
  const out = join[kind](cs.map((c) => c._pair), d);
  return new ComplexTensor(out);
}

/** x.to(complex dtype): the parts (x, 0) in the dtype's real dtype. */
function toComplex(x: unknown, dt: ComplexDType): ComplexTensor {
  if (dt !== complex64 && dt !== complex128) dt.refuse();
  const t = (x as Tensor).to(dt.realDtype);
  return new ComplexTensor(named(join.stack([t, creation.zeros_like(t)], -1), "ToCopyBackward0"));
}

type FactoryOptions = { dtype?: unknown; requires_grad?: boolean; device?: unknown; generator?: unknown };
type Factory = (...args: unknown[]) => Tensor;
const FACTORY_SCALE: Record<string, number> = { randn: Math.SQRT1_2 };

/**
 * torch.zeros / ones / empty / rand / randn with a complex dtype: the [..., 2] pair drawn or filled by the real
 * factory (ones: 1 + 0j; randn's parts have variance 1/2 each, as torch's, which draws them as this pair from the same
 * stream). Other factories with a complex dtype (full, arange, tensor, ...) raise ComplexDType's error.
 */
export function complexFactory(name: string, real: Factory): Factory {
  const wrapped = (...args: unknown[]): unknown => {
    const last = args[args.length - 1];
    const opts = isOptions(last) ? (last as FactoryOptions) : null;
    if (!opts || !(opts.dtype instanceof ComplexDType)) return real(...args);
    const dt = opts.dtype;
    if (dt !== complex64 && dt !== complex128) dt.refuse();
    const sizes = args.slice(0, -1);
    const shape = sizes.length === 1 && Array.isArray(sizes[0]) ? [...(sizes[0] as number[]), 2] : [...(sizes as number[]), 2];
    const { requires_grad, ...rest } = opts;
    let pair = name === "ones"
      ? join.stack([real(shape.slice(0, -1), { ...rest, dtype: dt.realDtype }), creation.zeros(shape.slice(0, -1), { dtype: dt.realDtype })], -1)
      : real(shape, { ...rest, dtype: dt.realDtype });
    const scale = FACTORY_SCALE[name];
    if (scale !== undefined) pair = pair.mul(scale);
    return new ComplexTensor(pair.requires_grad_(Boolean(requires_grad)));
  };
  Object.defineProperty(wrapped, "name", { value: name });
  return wrapped as unknown as Factory;
}

/** torch.zeros(2, 3, { dtype: torch.complex64 }): the typed forms of complexFactory's factories (index.ts). */
type ComplexFactoryOptions = { dtype: ComplexDType; requires_grad?: boolean; device?: unknown; generator?: unknown };
type ComplexFactoryFn = {
  (...args: [...sizes: number[], options: ComplexFactoryOptions]): ComplexTensor;
  (sizes: readonly number[], options: ComplexFactoryOptions): ComplexTensor;
};
export type ComplexFactories = {
  zeros: ComplexFactoryFn;
  ones: ComplexFactoryFn;
  empty: ComplexFactoryFn;
  rand: ComplexFactoryFn;
  randn: ComplexFactoryFn;
};

/** torch.<name>(z, ...) for a complex first argument: the method of the same name, or a clear error. */
const TORCH_ON_COMPLEX = {
  real: (z: ComplexTensor) => z.real,
  imag: (z: ComplexTensor) => z.imag,
  view_as_real: (z: ComplexTensor) => view_as_real(z),
  is_complex: () => true,
  is_floating_point: () => false,
  numel: (z: ComplexTensor) => z.numel(),
  zeros_like: (z: ComplexTensor) => new ComplexTensor(creation.zeros_like(z._pair)),
  ones_like: (z: ComplexTensor) => new ComplexTensor(join.stack([creation.ones_like(z.real), creation.zeros_like(z.real)], -1)),
  randn_like: (z: ComplexTensor) => new ComplexTensor(creation.randn_like(z._pair).mul(Math.SQRT1_2)),
  rand_like: (z: ComplexTensor) => new ComplexTensor(creation.rand_like(z._pair)),
} satisfies Record<string, (z: ComplexTensor, ...rest: unknown[]) => unknown>;
const METHODS_FROM_TORCH = [
  "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "rsub", "matmul", "neg", "negative", "conj", "conj_physical",
  "resolve_conj", "resolve_neg", "is_conj", "exp", "log", "log2", "log10", "sqrt", "reciprocal", "pow", "float_power", "abs", "absolute", "angle", "sum", "mean", "reshape", "flatten", "unsqueeze", "squeeze",
  "transpose", "swapaxes", "permute", "t", "select", "clone", "detach", "chunk", "unbind", "roll", "flip", "masked_fill", "square",
] as const;
const JOINS = ["cat", "concat", "concatenate", "stack"] as const;
/** The real operand first, the complex one second (torch.mul(x, z), torch.pow(2, z)): the real op hands it to binary() above. */
type BinaryWithComplexOther = "add" | "sub" | "mul" | "div" | "pow" | "float_power";

type Join = (tensors: readonly (ComplexTensor | Tensor)[], dim?: number | { dim?: number }) => ComplexTensor;
/**
 * The types of torch.<fn> on complex tensors, as torchCall below computes them: TORCH_ON_COMPLEX's functions, the
 * methods of METHODS_FROM_TORCH with the complex input first (torch.exp(z) is z.exp()), the joins of a list holding a
 * complex tensor, and add / sub / mul / div of a real tensor by a complex one. index.ts adds them to torch's real
 * signatures (those of them torch has), so torch.abs(z), torch.real(torch.fft.fft(x)) type-check as they run.
 */
export type ComplexTorchFunctions = {
  [K in keyof typeof TORCH_ON_COMPLEX]: (input: ComplexTensor) => ReturnType<(typeof TORCH_ON_COMPLEX)[K]>;
} & {
  [K in (typeof METHODS_FROM_TORCH)[number]]: ComplexTensor[K] extends (...args: infer P) => infer R ? (input: ComplexTensor, ...args: P) => R : never;
} & {
  [K in (typeof JOINS)[number]]: Join;
} & {
  [K in BinaryWithComplexOther]: (input: Tensor | number, other: ComplexTensor) => ComplexTensor;
};

function torchCall(name: string, args: readonly unknown[]): { value: unknown } {
  const first = args[0];
  if ((JOINS as readonly string[]).includes(name) && Array.isArray(first)) {
    return { value: join2(name === "stack" ? "stack" : "cat", first, args[1]) };
  }
  const z = first as ComplexTensor;
  const own = (TORCH_ON_COMPLEX as Record<string, ((z: ComplexTensor) => unknown) | undefined>)[name];
  if (own) return { value: own(z) };
  if ((METHODS_FROM_TORCH as readonly string[]).includes(name)) {
    const m = (z as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    return { value: m.apply(z, args.slice(1)) };
  }
  return refuseOnComplex(`torch.${name}`);
}

/**
 * torch.einsum with a complex operand (torch 1.13 then wants every operand complex, of one precision): the product
 * expanded over the operands' real and imaginary parts, each term a real einsum, i^k for k imaginary parts chosen.
 */
function complexEinsum(equation: string, operands: readonly unknown[]): ComplexTensor {
  const typeName = (op: unknown): string => {
    if (op instanceof ComplexTensor) return `Complex${cppTypeName(op._pair.dtype)}`;
    if (op instanceof Tensor) return cppTypeName(op.dtype);
    throw new TypeError_("einsum(): operands must be Tensors");
  };
  const first = typeName(operands[0]);
  for (const op of operands) {
    const found = typeName(op);
    if (found !== first) throw new RuntimeError(`expected scalar type ${first} but found ${found}`);
  }
  const zs = operands as readonly ComplexTensor[];
  let re: Tensor | null = null, im: Tensor | null = null;
  const add = (acc: Tensor | null, t: Tensor, sign: number): Tensor => (acc === null ? (sign > 0 ? t : t.neg()) : sign > 0 ? acc.add(t) : acc.sub(t));
  for (let mask = 0; mask < 1 << zs.length; mask++) {
    const term = realEinsum(equation, zs.map((z, k) => (mask & (1 << k) ? z.imag : z.real)));
    let k = 0;
    for (let m = mask; m; m >>= 1) k += m & 1;
    if (k % 2 === 0) re = add(re, term, k % 4 === 0 ? 1 : -1);
    else im = add(im, term, k % 4 === 1 ? 1 : -1);
  }
  return fromParts(re!, im, "ViewBackward0"); // the node torch 1.13's bmm-planned contractions end in
}

complexHooks.binary = binary;
complexHooks.toComplex = toComplex;
complexHooks.torchCall = torchCall;
complexHooks.einsum = complexEinsum;

/**
 * Every method and getter of Tensor.prototype this class does not define raises the complex error. Installed when the
 * first complex tensor is made (the Tensor class has all its methods by then), not when the engine loads: its ~560
 * properties cost every grading isolate ~4 MB of heap (isolate heap after loading the grader's engine bundle, 8.7 vs
 * 12.6 MB), which took a sandbox test's 40 MB message past its 64 MB limit under load.
 */
let refusalsInstalled = 0;
let refusalsReady = false;
export function installComplexRefusals(): void {
  refusalsReady = true;
  const names = new Set<string>();
  for (let p: object | null = Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  }
  if (names.size === refusalsInstalled) return;
  refusalsInstalled = names.size;
  const proto = ComplexTensor.prototype as unknown as Record<string, unknown>;
  for (const n of names) {
    if (n === "constructor" || n.startsWith("_") || n in proto) continue;
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, n) ?? { get: undefined, value: undefined };
    if (typeof d.get === "function" || typeof d.value !== "function") {
      Object.defineProperty(proto, n, { get: () => refuseOnComplex(`Tensor.${n}`), configurable: true, enumerable: false });
    } else {
      Object.defineProperty(proto, n, {
        value: function refused(): never { return refuseOnComplex(`Tensor.${n}()`); }, writable: true, configurable: true, enumerable: false,
      });
    }
  }
}

export { COMPLEX_MAKERS, COMPLEX_SUPPORTED, complex64, complex128 };
