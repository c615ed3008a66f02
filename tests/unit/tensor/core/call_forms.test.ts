/**
 * Every documented signature called both ways, positionally and with a trailing options object
 * (PyTorch's keyword arguments), must give the same result. Calls that draw random numbers run
 * from the same seed on both sides, so they are compared too.
 *
 * The options-object bugs this guards against (issue 12): `F.one_hot(y, { num_classes: 5 })`
 * once returned a tensor whose shape held the options object, and `nn.init.normal_(t, { mean,
 * std })` / `uniform_(t, { a, b })` filled NaN.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, Tensor } from "../../../../lib/tensor/index";

type Result = Tensor | Tensor[] | nn.Module | { param_groups: readonly object[] };

interface Form {
  name: string;
  positional: () => Result;
  options: () => Result;
  /** Also checked against this known value (so both forms cannot be wrong the same way). */
  expected?: number[];
}

const x = () => torch.tensor([[-2, -0.5, 0], [0.5, 1, 3]]);
const probs = () => torch.tensor([[0.2, 0.9], [0.6, 0.1]]);
const labels = () => torch.tensor([[1, 0], [1, 1]]);
const classes = () => torch.tensor([0, 2], { dtype: torch.long });
const w2 = () => torch.tensor([0.5, 2]);
const w3 = () => torch.tensor([0.5, 2, 1]);
const empty = (...shape: number[]) => torch.zeros(shape);
const params = () => [new nn.Parameter(torch.ones(2))];

const forms: Form[] = [
  // The bugs of issue 12.
  { name: "F.one_hot", positional: () => F.one_hot(classes(), 5), options: () => F.one_hot(classes(), { num_classes: 5 }) },
  { name: "nn.init.uniform_", positional: () => nn.init.uniform_(empty(3, 4), -2, 3), options: () => nn.init.uniform_(empty(3, 4), { a: -2, b: 3 }) },
  { name: "nn.init.normal_", positional: () => nn.init.normal_(empty(3, 4), 1, 0.1), options: () => nn.init.normal_(empty(3, 4), { mean: 1, std: 0.1 }) },
  { name: "nn.init.normal_ (mixed)", positional: () => nn.init.normal_(empty(3, 4), 1, 0.1), options: () => nn.init.normal_(empty(3, 4), 1, { std: 0.1 }) },
  { name: "nn.init.constant_", positional: () => nn.init.constant_(empty(2), 0.5), options: () => nn.init.constant_(empty(2), { val: 0.5 }), expected: [0.5, 0.5] },
  { name: "nn.init.xavier_uniform_", positional: () => nn.init.xavier_uniform_(empty(3, 4), 2), options: () => nn.init.xavier_uniform_(empty(3, 4), { gain: 2 }) },
  { name: "nn.init.xavier_normal_", positional: () => nn.init.xavier_normal_(empty(3, 4), 2), options: () => nn.init.xavier_normal_(empty(3, 4), { gain: 2 }) },
  {
    name: "nn.init.kaiming_uniform_",
    positional: () => nn.init.kaiming_uniform_(empty(3, 4), 0, "fan_out", "relu"),
    options: () => nn.init.kaiming_uniform_(empty(3, 4), 0, { mode: "fan_out", nonlinearity: "relu" }),
  },
  {
    name: "nn.init.kaiming_normal_",
    positional: () => nn.init.kaiming_normal_(empty(3, 4), 0.1, "fan_in", "leaky_relu"),
    options: () => nn.init.kaiming_normal_(empty(3, 4), { a: 0.1, mode: "fan_in", nonlinearity: "leaky_relu" }),
  },
  { name: "Tensor.uniform_", positional: () => empty(5).uniform_(-1, 4), options: () => empty(5).uniform_({ from: -1, to: 4 }) },
  { name: "Tensor.normal_", positional: () => empty(5).normal_(2, 0.5), options: () => empty(5).normal_({ mean: 2, std: 0.5 }) },
  { name: "Tensor.bernoulli_", positional: () => empty(8).bernoulli_(0.3), options: () => empty(8).bernoulli_({ p: 0.3 }) },

  // nn.functional
  { name: "F.relu", positional: () => F.relu(x(), false), options: () => F.relu(x(), { inplace: false }) },
  { name: "F.relu6", positional: () => F.relu6(x(), false), options: () => F.relu6(x(), { inplace: false }) },
  { name: "F.leaky_relu", positional: () => F.leaky_relu(x(), 0.2), options: () => F.leaky_relu(x(), { negative_slope: 0.2 }) },
  { name: "F.elu", positional: () => F.elu(x(), 0.5), options: () => F.elu(x(), { alpha: 0.5 }) },
  { name: "F.selu", positional: () => F.selu(x(), false), options: () => F.selu(x(), { inplace: false }) },
  { name: "F.silu", positional: () => F.silu(x(), false), options: () => F.silu(x(), { inplace: false }) },
  { name: "F.gelu", positional: () => F.gelu(x(), "tanh"), options: () => F.gelu(x(), { approximate: "tanh" }) },
  { name: "F.softplus", positional: () => F.softplus(x(), 2, 1), options: () => F.softplus(x(), { beta: 2, threshold: 1 }) },
  { name: "F.hardtanh", positional: () => F.hardtanh(x(), -0.5, 0.5), options: () => F.hardtanh(x(), { min_val: -0.5, max_val: 0.5 }) },
  { name: "F.softmax", positional: () => F.softmax(x(), 0), options: () => F.softmax(x(), { dim: 0 }) },
  { name: "F.log_softmax", positional: () => F.log_softmax(x(), 0, 3, torch.float64), options: () => F.log_softmax(x(), { dim: 0, dtype: torch.float64 }) },
  { name: "F.dropout", positional: () => F.dropout(x(), 0.3, true), options: () => F.dropout(x(), { p: 0.3, training: true }) },
  {
    name: "F.batch_norm",
    positional: () => F.batch_norm(x(), torch.zeros(3), torch.ones(3), w3(), w3(), true, 0.2, 1e-3),
    options: () => F.batch_norm(x(), torch.zeros(3), torch.ones(3), { weight: w3(), bias: w3(), training: true, momentum: 0.2, eps: 1e-3 }),
  },
  { name: "F.mse_loss", positional: () => F.mse_loss(x(), x().mul(2), null, null, "sum"), options: () => F.mse_loss(x(), x().mul(2), { reduction: "sum" }) },
  { name: "F.l1_loss", positional: () => F.l1_loss(x(), x().mul(2), null, null, "none"), options: () => F.l1_loss(x(), x().mul(2), { reduction: "none" }) },
  {
    name: "F.binary_cross_entropy",
    positional: () => F.binary_cross_entropy(probs(), labels(), w2(), null, null, "sum"),
    options: () => F.binary_cross_entropy(probs(), labels(), { weight: w2(), reduction: "sum" }),
  },
  {
    name: "F.binary_cross_entropy_with_logits",
    positional: () => F.binary_cross_entropy_with_logits(probs(), labels(), w2(), null, null, "sum", w2()),
    options: () => F.binary_cross_entropy_with_logits(probs(), labels(), { weight: w2(), reduction: "sum", pos_weight: w2() }),
  },
  {
    name: "F.cross_entropy",
    positional: () => F.cross_entropy(x(), classes(), w3(), null, 2, null, "mean", 0.1),
    options: () => F.cross_entropy(x(), classes(), { weight: w3(), ignore_index: 2, label_smoothing: 0.1 }),
  },
  {
    name: "F.nll_loss",
    positional: () => F.nll_loss(x(), classes(), w3(), null, -100, null, "sum"),
    options: () => F.nll_loss(x(), classes(), w3(), { reduction: "sum" }),
  },

  // Tensor methods and their torch.* forms
  { name: "Tensor.flatten", positional: () => x().unsqueeze(0).flatten(1, 2), options: () => x().unsqueeze(0).flatten({ start_dim: 1, end_dim: 2 }) },
  { name: "torch.flatten", positional: () => torch.flatten(x(), 1), options: () => torch.flatten(x(), { start_dim: 1 }) },
  { name: "Tensor.squeeze", positional: () => x().unsqueeze(1).squeeze(1), options: () => x().unsqueeze(1).squeeze({ dim: 1 }) },
  { name: "torch.chunk", positional: () => torch.chunk(x(), 3, 1), options: () => torch.chunk(x(), 3, { dim: 1 }) },
  { name: "torch.split", positional: () => torch.split(x(), [1, 2], 1), options: () => torch.split(x(), [1, 2], { dim: 1 }) },
  { name: "torch.unbind", positional: () => torch.unbind(x(), 1), options: () => torch.unbind(x(), { dim: 1 }) },
  { name: "torch.any", positional: () => torch.any(x().gt(0.7), 1, true), options: () => torch.any(x().gt(0.7), { dim: 1, keepdim: true }) },
  { name: "torch.all", positional: () => torch.all(x().gt(-1), 0), options: () => torch.all(x().gt(-1), { dim: 0 }) },
  { name: "torch.amax", positional: () => torch.amax(x(), 1, true), options: () => torch.amax(x(), { dim: 1, keepdim: true }) },
  { name: "torch.amin", positional: () => torch.amin(x(), [0, 1]), options: () => torch.amin(x(), { dim: [0, 1] }) },
  { name: "torch.norm", positional: () => torch.norm(x(), 1, 1), options: () => torch.norm(x(), { p: 1, dim: 1 }), expected: [2.5, 4.5] },
  { name: "torch.cumsum", positional: () => torch.cumsum(x(), 1), options: () => torch.cumsum(x(), { dim: 1 }) },
  { name: "torch.eye", positional: () => torch.eye(2, 3, { dtype: torch.float64 }), options: () => torch.eye(2, { m: 3, dtype: torch.float64 }) },
  { name: "F.linear", positional: () => F.linear(x(), torch.ones(2, 3), torch.ones(2)), options: () => F.linear(x(), torch.ones(2, 3), { bias: torch.ones(2) }) },
  { name: "Tensor.leaky_relu", positional: () => x().leaky_relu(0.3), options: () => x().leaky_relu({ negative_slope: 0.3 }) },
  { name: "Tensor.elu", positional: () => x().elu(2), options: () => x().elu({ alpha: 2 }) },
  { name: "Tensor.softplus", positional: () => x().softplus(2, 1), options: () => x().softplus({ beta: 2, threshold: 1 }) },
  { name: "Tensor.hardtanh", positional: () => x().hardtanh(0, 1), options: () => x().hardtanh({ min_val: 0, max_val: 1 }) },

  // Modules: the settings they keep (extra_repr) and their parameters must agree.
  { name: "nn.Linear", positional: () => new nn.Linear(3, 2, false), options: () => new nn.Linear(3, 2, { bias: false }) },
  { name: "nn.Flatten", positional: () => new nn.Flatten(0, 1), options: () => new nn.Flatten({ start_dim: 0, end_dim: 1 }) },
  { name: "nn.ReLU", positional: () => new nn.ReLU(true), options: () => new nn.ReLU({ inplace: true }) },
  { name: "nn.ReLU6", positional: () => new nn.ReLU6(true), options: () => new nn.ReLU6({ inplace: true }) },
  { name: "nn.SELU", positional: () => new nn.SELU(true), options: () => new nn.SELU({ inplace: true }) },
  { name: "nn.SiLU", positional: () => new nn.SiLU(true), options: () => new nn.SiLU({ inplace: true }) },
  { name: "nn.LeakyReLU", positional: () => new nn.LeakyReLU(0.2, true), options: () => new nn.LeakyReLU({ negative_slope: 0.2, inplace: true }) },
  { name: "nn.PReLU", positional: () => new nn.PReLU(3, 0.1), options: () => new nn.PReLU({ num_parameters: 3, init: 0.1 }) },
  { name: "nn.ELU", positional: () => new nn.ELU(0.5), options: () => new nn.ELU({ alpha: 0.5 }) },
  { name: "nn.GELU", positional: () => new nn.GELU("tanh"), options: () => new nn.GELU({ approximate: "tanh" }) },
  { name: "nn.Softplus", positional: () => new nn.Softplus(2, 5), options: () => new nn.Softplus({ beta: 2, threshold: 5 }) },
  { name: "nn.Hardtanh", positional: () => new nn.Hardtanh(-2, 2), options: () => new nn.Hardtanh({ min_val: -2, max_val: 2 }) },
  { name: "nn.Softmax", positional: () => new nn.Softmax(0), options: () => new nn.Softmax({ dim: 0 }) },
  { name: "nn.LogSoftmax", positional: () => new nn.LogSoftmax(1), options: () => new nn.LogSoftmax({ dim: 1 }) },
  { name: "nn.Dropout", positional: () => new nn.Dropout(0.25, true), options: () => new nn.Dropout({ p: 0.25, inplace: true }) },
  {
    name: "nn.BatchNorm1d",
    positional: () => new nn.BatchNorm1d(3, 1e-3, null, false),
    options: () => new nn.BatchNorm1d(3, { eps: 1e-3, momentum: null, affine: false }),
  },
  { name: "nn.MSELoss", positional: () => new nn.MSELoss(null, null, "sum"), options: () => new nn.MSELoss({ reduction: "sum" }) },
  { name: "nn.L1Loss", positional: () => new nn.L1Loss(null, null, "none"), options: () => new nn.L1Loss({ reduction: "none" }) },
  { name: "nn.BCELoss", positional: () => new nn.BCELoss(w2(), null, null, "sum"), options: () => new nn.BCELoss({ weight: w2(), reduction: "sum" }) },
  {
    name: "nn.BCEWithLogitsLoss",
    positional: () => new nn.BCEWithLogitsLoss(null, null, null, "mean", w2()),
    options: () => new nn.BCEWithLogitsLoss({ pos_weight: w2() }),
  },
  {
    name: "nn.CrossEntropyLoss",
    positional: () => new nn.CrossEntropyLoss(w3(), null, 1, null, "sum", 0.2),
    options: () => new nn.CrossEntropyLoss({ weight: w3(), ignore_index: 1, reduction: "sum", label_smoothing: 0.2 }),
  },
  { name: "nn.NLLLoss", positional: () => new nn.NLLLoss(null, null, 0), options: () => new nn.NLLLoss({ ignore_index: 0 }) },

  // Optimizers and schedulers: the settings of their groups.
  { name: "optim.SGD", positional: () => new optim.SGD(params(), 0.1, 0.9, 0, 0.01, true), options: () => new optim.SGD(params(), { lr: 0.1, momentum: 0.9, weight_decay: 0.01, nesterov: true }) },
  { name: "optim.Adam", positional: () => new optim.Adam(params(), 0.01, [0.8, 0.9], 1e-6, 0.1, true), options: () => new optim.Adam(params(), 0.01, { betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.1, amsgrad: true }) },
  { name: "optim.AdamW", positional: () => new optim.AdamW(params(), 0.01, [0.8, 0.9]), options: () => new optim.AdamW(params(), { lr: 0.01, betas: [0.8, 0.9] }) },
  { name: "optim.RMSprop", positional: () => new optim.RMSprop(params(), 0.01, 0.9, 1e-6, 0, 0.5, true), options: () => new optim.RMSprop(params(), { lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true }) },
  // API breadth a4
  { name: "optim.Adagrad", positional: () => new optim.Adagrad(params(), 0.05, 0.1, 0.01, 0.2, 1e-6), options: () => new optim.Adagrad(params(), 0.05, { lr_decay: 0.1, weight_decay: 0.01, initial_accumulator_value: 0.2, eps: 1e-6 }) },
  { name: "optim.Adadelta", positional: () => new optim.Adadelta(params(), 0.5, 0.8, 1e-5, 0.1), options: () => new optim.Adadelta(params(), { lr: 0.5, rho: 0.8, eps: 1e-5, weight_decay: 0.1 }) },
  { name: "optim.Adamax", positional: () => new optim.Adamax(params(), 0.01, [0.8, 0.9], 1e-6, 0.1), options: () => new optim.Adamax(params(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.1 }) },
  { name: "optim.NAdam", positional: () => new optim.NAdam(params(), 0.01, [0.8, 0.9], 1e-6, 0.1, 0.01), options: () => new optim.NAdam(params(), 0.01, { betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.1, momentum_decay: 0.01 }) },
  { name: "optim.RAdam", positional: () => new optim.RAdam(params(), 0.01, [0.8, 0.9], 1e-6, 0.1), options: () => new optim.RAdam(params(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.1 }) },
  { name: "optim.Rprop", positional: () => new optim.Rprop(params(), 0.05, [0.3, 1.5], [0.01, 1]), options: () => new optim.Rprop(params(), { lr: 0.05, etas: [0.3, 1.5], step_sizes: [0.01, 1] }) },
  { name: "optim.ASGD", positional: () => new optim.ASGD(params(), 0.05, 0.01, 0.5, 2, 0.1), options: () => new optim.ASGD(params(), { lr: 0.05, lambd: 0.01, alpha: 0.5, t0: 2, weight_decay: 0.1 }) },
  { name: "optim.LBFGS", positional: () => new optim.LBFGS(params(), 0.5, 5, null, 1e-5, 1e-8, 10, "strong_wolfe"), options: () => new optim.LBFGS(params(), { lr: 0.5, max_iter: 5, tolerance_grad: 1e-5, tolerance_change: 1e-8, history_size: 10, line_search_fn: "strong_wolfe" }) },
  { name: "nn.init.dirac_", positional: () => nn.init.dirac_(empty(4, 2, 3), 2), options: () => nn.init.dirac_(empty(4, 2, 3), { groups: 2 }) },
  { name: "nn.init.trunc_normal_", positional: () => nn.init.trunc_normal_(empty(3, 4), 1, 0.5, 0, 1.5), options: () => nn.init.trunc_normal_(empty(3, 4), 1, { std: 0.5, a: 0, b: 1.5 }) },
  { name: "nn.init.orthogonal_", positional: () => nn.init.orthogonal_(empty(3, 4), 2), options: () => nn.init.orthogonal_(empty(3, 4), { gain: 2 }) },
  { name: "nn.init.sparse_", positional: () => nn.init.sparse_(empty(6, 4), 0.5, 0.1), options: () => nn.init.sparse_(empty(6, 4), { sparsity: 0.5, std: 0.1 }) },
  { name: "nn.utils.weight_norm", positional: () => nn.utils.weight_norm(new nn.Linear(3, 2), "weight", 1), options: () => nn.utils.weight_norm(new nn.Linear(3, 2), { name: "weight", dim: 1 }) },
  { name: "nn.utils.remove_weight_norm", positional: () => nn.utils.remove_weight_norm(nn.utils.weight_norm(new nn.Linear(3, 2)), "weight"), options: () => nn.utils.remove_weight_norm(nn.utils.weight_norm(new nn.Linear(3, 2)), { name: "weight" }) },
  { name: "nn.utils.spectral_norm", positional: () => nn.utils.spectral_norm(new nn.Linear(3, 2), "weight", 2, 1e-10, 1), options: () => nn.utils.spectral_norm(new nn.Linear(3, 2), { n_power_iterations: 2, eps: 1e-10, dim: 1 }) },
  { name: "nn.utils.remove_spectral_norm", positional: () => nn.utils.remove_spectral_norm(nn.utils.spectral_norm(new nn.Linear(3, 2)), "weight"), options: () => nn.utils.remove_spectral_norm(nn.utils.spectral_norm(new nn.Linear(3, 2)), { name: "weight" }) },
  // nn.utils fusion and skip_init
  { name: "nn.utils.fuse_conv_bn_eval", positional: () => nn.utils.fuse_conv_bn_eval(new nn.ConvTranspose2d(2, 3, 2).eval(), new nn.BatchNorm2d(3).eval(), true), options: () => nn.utils.fuse_conv_bn_eval(new nn.ConvTranspose2d(2, 3, 2).eval(), new nn.BatchNorm2d(3).eval(), { transpose: true }) },
  { name: "nn.utils.fuse_conv_bn_weights", positional: () => nn.utils.fuse_conv_bn_weights(torch.ones(2, 3, 1), null, torch.zeros(3), torch.ones(3), 1e-5, null, null, true), options: () => nn.utils.fuse_conv_bn_weights(torch.ones(2, 3, 1), null, torch.zeros(3), torch.ones(3), 1e-5, null, null, { transpose: true }) },
  { name: "nn.utils.skip_init", positional: () => nn.utils.skip_init(nn.Linear, 3, 2, false), options: () => nn.utils.skip_init(nn.Linear, 3, 2, { bias: false }) },
  // end API breadth a4
  {
    name: "lr_scheduler.StepLR",
    positional: () => stepped((o) => new optim.lr_scheduler.StepLR(o, 2, 0.5)),
    options: () => stepped((o) => new optim.lr_scheduler.StepLR(o, 2, { gamma: 0.5 })),
    expected: [1, 1, 0.5, 0.5, 0.25],
  },
  {
    name: "lr_scheduler.StepLR (all options)",
    positional: () => stepped((o) => new optim.lr_scheduler.StepLR(o, 2, 0.5)),
    options: () => stepped((o) => new optim.lr_scheduler.StepLR(o, { step_size: 2, gamma: 0.5 })),
  },
  {
    name: "lr_scheduler.ExponentialLR",
    positional: () => stepped((o) => new optim.lr_scheduler.ExponentialLR(o, 0.5)),
    options: () => stepped((o) => new optim.lr_scheduler.ExponentialLR(o, { gamma: 0.5 })),
    expected: [1, 0.5, 0.25, 0.125, 0.0625],
  },

  // utils.data
  {
    name: "utils.data.make_moons",
    positional: () => toy(utils.data.make_moons(30, { noise: 0.1 })),
    options: () => toy(utils.data.make_moons({ n_samples: 30, noise: 0.1 })),
  },
  {
    name: "utils.data.make_blobs",
    positional: () => toy(utils.data.make_blobs(20, { centers: 3, cluster_std: 0.5 })),
    options: () => toy(utils.data.make_blobs({ n_samples: 20, centers: 3, cluster_std: 0.5 })),
  },
  { name: "utils.data.DataLoader", positional: () => batches(new utils.data.DataLoader(pairs(), 2, true)), options: () => batches(new utils.data.DataLoader(pairs(), { batch_size: 2, shuffle: true })) },
  {
    name: "utils.data.DataLoader (mixed)",
    positional: () => batches(new utils.data.DataLoader(pairs(), { batch_size: 2, drop_last: true })),
    options: () => batches(new utils.data.DataLoader(pairs(), 2, { drop_last: true, num_workers: 0 })),
  },
];

const toy = ({ X, y }: { X: Tensor; y: Tensor }): Tensor[] => [X, y];
const pairs = () => new utils.data.TensorDataset(torch.arange(5), torch.arange(5).mul(10));
/** Every batch of one epoch, flattened into a list of tensors. */
const batches = (loader: Iterable<Tensor[]>): Tensor[] => [...loader].flat();

/** The lr trajectory of a scheduler over five epochs, as a tensor (so it compares like the rest). */
function stepped(make: (o: optim.SGD) => { step(): void; get_last_lr(): number[] }): Tensor {
  const opt = new optim.SGD(params(), { lr: 1 });
  const s = make(opt);
  const lrs = [s.get_last_lr()[0]];
  for (let i = 0; i < 4; i++) {
    opt.step();
    s.step();
    lrs.push(s.get_last_lr()[0]);
  }
  return torch.tensor(lrs, { dtype: torch.float64 });
}

/** A comparable picture of a result: values and shape, a module's repr and state, a group's settings. */
function describeResult(r: Result): unknown {
  if (r instanceof Tensor) return { shape: [...r.shape], dtype: String(r.dtype), values: r.tolist() };
  if (Array.isArray(r)) return r.map(describeResult);
  if (r instanceof nn.Module) {
    return { repr: String(r), state: Object.entries(r.state_dict()).map(([k, v]) => [k, describeResult(v)]) };
  }
  // An optimizer: its groups' settings, without the parameters themselves, nor foreach, whose
  // default is None in torch 1.13 (null here), so a misread option's null still shows below.
  return r.param_groups.map((g) => Object.fromEntries(Object.entries(g).filter(([k, v]) => k !== "params" && !(k === "foreach" && v === null))));
}

function run(f: () => Result): unknown {
  torch.manual_seed(7);
  return describeResult(f());
}

describe("every documented signature, positionally and with an options object", () => {
  it.each(forms.map((f) => [f.name, f] as const))("%s", (_, form) => {
    const positional = run(form.positional);
    const options = run(form.options);
    expect(options).toEqual(positional);
    const values = JSON.stringify(positional);
    expect(values).not.toMatch(/null|NaN|\[object Object\]/);
    if (form.expected) expect((positional as { values: number[] }).values).toEqual(form.expected);
  });

  it("F.one_hot with options has the class dimension, not the options object, in its shape", () => {
    const y = F.one_hot(torch.tensor([0, 3, 1], { dtype: torch.long }), { num_classes: 5 });
    expect(y.shape).toEqual([3, 5]);
    expect(y.tolist()).toEqual([[1, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0]]);
  });

  it("nn.init.normal_ and uniform_ with options fill finite values of the asked distribution", () => {
    torch.manual_seed(0);
    const n = nn.init.normal_(torch.empty(20000), { mean: 3, std: 0.5 });
    const u = nn.init.uniform_(torch.empty(20000), { a: -2, b: -1 });
    expect(n.isfinite().all().item()).toBe(true);
    expect(n.mean().item()).toBeCloseTo(3, 1);
    expect(n.std().item()).toBeCloseTo(0.5, 1);
    expect(u.min().item()).toBeGreaterThanOrEqual(-2);
    expect(u.max().item()).toBeLessThan(-1);
  });

  it("a value given twice or an unknown keyword is a TypeError naming it", () => {
    expect(() => F.one_hot(classes(), 3, { num_classes: 3 } as never)).toThrow(/multiple values for argument 'num_classes'/);
    expect(() => nn.init.normal_(empty(2), { sd: 1 } as never)).toThrow(/unexpected keyword argument 'sd'/);
    expect(() => new optim.lr_scheduler.StepLR(new optim.SGD(params(), { lr: 1 }), { gamma: 0.5 })).toThrow(/missing 1 required positional argument: 'step_size'/);
    // Shared module constructors still name the class the learner called.
    expect(() => new nn.L1Loss({ reduce: true, weight: null } as never)).toThrow(/^L1Loss\(\) got an unexpected keyword argument 'weight'/);
    expect(() => new nn.SiLU(true, false as never)).toThrow(/^SiLU\(\) takes at most 1 positional arguments/);
  });
});
