/**
 * Elementwise math, in-place forms, creation and dtype helpers against PyTorch 1.13: every case of scripts/fixtures/elementwise_creation_fixtures.py
 * (tests/fixtures/torch/core/elementwise_creation.json) mirrored by name. Outputs are compared, and for
 * differentiable cases the gradients of sum(out * W) (W = linspace(0.5, 1.5)) w.r.t. float inputs.
 */
import { torch } from "../../../../lib/tensor/index";
import { describeOpCases, type OpCases, type StoredCase, type StoredTensor } from "../op_cases";
import { loadFixture } from "./fixtures";

const fx = loadFixture<{ inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase> }>("elementwise_creation.json");
const T = (v: number[]) => torch.tensor(v);
const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });

/** name -> [input names, fn]. Mirrors CASES in elementwise_creation_fixtures.py. */
const cases: OpCases = {
  acos: [["U"], (x) => torch.acos(x)],
  asin: [["U"], (x) => x.asin()],
  atan: [["X"], (x) => torch.atan(x)],
  atan2: [["X", "Y"], (x, y) => torch.atan2(x, y)],
  atan2_broadcast: [["X", "R"], (x, r) => x.atan2(r)],
  cosh: [["X"], (x) => torch.cosh(x)],
  sinh: [["X"], (x) => x.sinh()],
  tan: [["U"], (x) => torch.tan(x)],
  deg2rad: [["BIG"], (x) => torch.deg2rad(x)],
  rad2deg: [["X"], (x) => x.rad2deg()],
  deg2rad_long: [["LONG"], (x) => torch.deg2rad(x)],
  exp2: [["X"], (x) => torch.exp2(x)],
  exp2_long: [["LONG"], (x) => x.exp2()],
  frac: [["BIG"], (x) => torch.frac(x)],
  hypot: [["X", "Y"], (x, y) => torch.hypot(x, y)],
  lgamma: [["POS"], (x) => torch.lgamma(x)],
  lgamma_special: [["SPECIAL"], (x) => x.lgamma()],
  digamma: [["SPECIAL"], (x) => torch.digamma(x)],
  erfinv: [["U"], (x) => torch.erfinv(x)],
  erfinv_edges: [[], () => torch.erfinv(T([-1, 1, 0, 0.999, -0.9999, 1e-6, 2]))],
  log10: [["POS"], (x) => torch.log10(x)],
  logaddexp: [["X", "BIG"], (x, y) => torch.logaddexp(x, y)],
  logaddexp_inf: [[], () => torch.logaddexp(T([-Infinity, Infinity, 1]), T([-Infinity, Infinity, -Infinity]))],
  logit: [["P"], (x) => torch.logit(x)],
  logit_eps: [["W"], (x) => x.logit({ eps: 0.2 })],
  xlogy: [["X", "POS"], (x, y) => torch.xlogy(x, y)],
  xlogy_zeros: [[], () => torch.xlogy(T([0, 0, 2, 0]), T([0, NaN, 3, -1]))],
  xlogy_scalar: [["POS"], (y) => torch.xlogy(2, y)],
  signbit: [["EDGE"], (x) => torch.signbit(x)],
  sinc: [["EDGE"], (x) => torch.sinc(x)],
  heaviside: [["EDGE"], (x) => torch.heaviside(x, T([0.5]))],
  lerp_scalar: [["X", "Y"], (x, y) => torch.lerp(x, y, 0.3)],
  lerp_scalar_high: [["X", "Y"], (x, y) => x.lerp(y, { weight: 0.8 })],
  lerp_tensor: [["X", "Y", "W"], (x, y, w) => torch.lerp(x, y, w)],
  addcmul: [["X", "Y", "R"], (x, y, r) => torch.addcmul(x, y, r, { value: 0.5 })],
  addcdiv: [["X", "Y", "POS"], (x, y, p) => x.addcdiv(y, p, -2)],
  clamp_min: [["X"], (x) => torch.clamp_min(x, 0.1)],
  clamp_max: [["X"], (x) => torch.clamp_max(x, -0.2)],
  absolute: [["X"], (x) => torch.absolute(x)],
  round_decimals: [["HALF"], (x) => torch.round(x, { decimals: 2 })],
  round_decimals_neg: [["HALF"], (x) => x.round({ decimals: -1 })],
  round_decimals_f64: [[], () => torch.round(T([1.005, 2.675, 0.125, -3.14159]).double(), { decimals: 3 })],
  log_: [["POS"], (x) => x.mul(1).log_()],
  sigmoid_tanh_: [["X"], (x) => x.mul(1).sigmoid_().mul(3).tanh_()],
  abs_sign_floor_: [["BIG"], (x) => torch.cat([x.clone().abs_(), x.clone().sign_(), x.clone().floor_(), x.clone().ceil_(), x.clone().trunc_()])],
  round_decimals_: [["HALF"], (x) => x.clone().round_({ decimals: 1 })],
  clip_: [["X"], (x) => x.mul(1).clip_(-0.5, 0.3)],
  nan_to_num_: [[], () => T([NaN, Infinity, -Infinity, 1]).nan_to_num_({ posinf: 9 })],
  triu_tril_: [["X"], (x) => torch.cat([x.mul(1).triu_(1), x.mul(2).tril_(-1)])],
  cumsum_: [["X"], (x) => x.mul(1).cumsum_(1)],
  logical_not_: [["EDGE"], (x) => x.clone().logical_not_()],
  compare_: [["X", "Y"], (x, y) => torch.cat([x.clone().eq_(x), x.clone().ne_(y), x.clone().lt_(y), x.clone().le_(0.1), x.clone().gt_(y), x.clone().ge_(y)])],
  squeeze_: [["X"], (x) => x.mul(2).reshape(3, 1, 4).squeeze_(1)],
  unsqueeze_t_: [["X"], (x) => x.mul(2).t_().unsqueeze_(0)],
  transpose_: [["X"], (x) => x.mul(3).reshape(3, 2, 2).transpose_(0, 2)],
  index_fill: [["X"], (x) => x.index_fill(1, L([0, 2]), -1.5)],
  index_fill_: [["X"], (x) => x.mul(1).index_fill_(0, L([1]), 2)],
  index_copy: [["X", "Y"], (x, y) => x.index_copy(0, L([2, 0]), y.index("0:2"))],
  index_copy_dim1_: [["X", "Y"], (x, y) => x.mul(1).index_copy_(1, L([3, 1]), y.index(":", "0:2"))],
  masked_scatter: [["X", "Y"], (x, y) => x.masked_scatter(x.gt(0), y)],
  masked_scatter_broadcast_: [["X", "R"], (x, r) => x.mul(1).masked_scatter_(torch.tensor([true, false, true, false]), r.repeat(3))],
  put: [["X", "R"], (x, r) => x.put(L([0, -1, 5, 7]), r)],
  put_accumulate_: [["X", "R"], (x, r) => x.mul(1).put_(L([0, 0, 11, 3]), r, { accumulate: true })],
  addmm_: [["X", "Y", "R"], (x, y, r) => x.mul(1).addmm_(y, r.reshape(4, 1).expand(4, 4), { beta: 0.5, alpha: 2 })],
  renorm: [["X"], (x) => torch.renorm(x, 2, 0, 1)],
  renorm_p1_dim1_: [["X"], (x) => x.mul(1).renorm_(1, 1, 0.8)],
  sum_to_size: [["X"], (x) => x.sum_to_size(1, 4)],
  narrow_copy: [["X"], (x) => x.narrow_copy(1, 1, 2)],
  binary_inplace: [["X", "Y"], (x, y) => torch.cat([x.clone().remainder_(0.7), x.clone().fmod_(y), x.clone().true_divide_(y), x.clone().floor_divide_(0.3), x.clone().logical_and_(y.gt(0)), x.clone().logical_or_(y), x.gt(0).logical_xor_(y.gt(0)).float(), x.clone().negative_()])],
  remainder_graph: [["X", "Y"], (x, y) => x.mul(1).remainder_(0.7).mul(y)],
  float_power: [["POS", "X"], (p, x) => torch.float_power(p, x)],
  float_power_scalar: [["X"], (x) => x.float_power(2)],
  logaddexp2: [["X", "Y"], (x, y) => torch.logaddexp2(x, y)],
  sgn_fix: [["BIG"], (x) => torch.cat([torch.sgn(x), x.fix()])],
  special_ndtr: [["X"], (x) => torch.special.ndtr(x)],
  special_expit_gammaln: [["POS"], (x) => torch.special.expit(x).add(torch.special.gammaln(x))],
};

describeOpCases("elementwise math, in-place forms and creation match PyTorch 1.13 (tests/fixtures/torch/core/elementwise_creation.json)", fx, cases, {
  out: [2e-6, 1e-6], grad: [1e-5, 1e-6],
});
