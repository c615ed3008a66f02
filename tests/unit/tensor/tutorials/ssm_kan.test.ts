/**
 * A cold probe of recent architectures as their popular from-scratch repositories write them, translated as a learner
 * would: johnma2006/mamba-minimal's model.py (Mamba with tied embedding / lm_head, ResidualBlock, MambaBlock: in_proj
 * split in two, the depthwise causal Conv1d (groups=d_inner, padding=d_conv-1, then [:, :, :l]), F.silu, x_proj split
 * into delta / B / C, dt_proj with F.softplus, A = -exp(A_log), the selective scan's einsums and its sequential loop,
 * RMSNorm by rsqrt) trained three AdamW steps; state-spaces/s4's standalone models/s4/s4d.py (S4DKernel: C a real
 * parameter read through view_as_complex, log-parametrised A, the Vandermonde product by torch.exp of complex
 * products, the 'hn, hnl -> hl' einsum's real part; S4D's rfft / irfft(n=2L) convolution, D skip, GELU, Conv1d + GLU;
 * example.py's setup_optimizer grouping parameters by their `_optim` attribute, with CosineAnnealingLR, and its S4Model
 * with prenorm, LayerNorm and DropoutNd trained three epochs);
 * Blealtan/efficient-kan's KANLinear / KAN (the grid buffer, Cox-de Boor B-spline bases by comparisons and
 * broadcasting, curve2coeff by torch.linalg.lstsq (under-determined at init: the minimum-norm solution), scale_base /
 * scale_spline with kaiming_uniform_, update_grid, regularization_loss) trained four AdamW steps with ExponentialLR;
 * and the minGRU / minLSTM of "Were RNNs All We Needed?" (Feng et al. 2024, its appendix code: the log-space parallel
 * scan with torch.logcumsumexp, F.softplus, log_g / g) against their sequential forms, then three Adam steps, and
 * lucidrains/minGRU-pytorch's minGRU (chunked hidden / gate, the scan from a prev_hidden, torch.lerp stepwise).
 * Values from torch 1.13 running the same code (scripts/fixtures/ssm_kan_fixtures.py ->
 * tests/fixtures/torch/tutorials/ssm_kan.json), at toy sizes (d_model 4, d_state 4, N 8, L 8, KAN [2, 3, 1]).
 *
 * Python forms written otherwise: einops' rearrange(x, 'b l d_in -> b d_in l') -> permute, repeat(..., 'n -> d n')
 * -> .repeat(d, 1), einops.einsum(a, b, 'b l d_in, d_in n -> b l d_in n') -> torch.einsum with one letter per axis
 * (what einops passes on); `-torch.exp(log_A_real) + 1j * A_imag` -> torch.complex(-exp(log_A_real), A_imag)
 * (JavaScript has no complex literal); setattr(param, "_optim", ...) / hasattr -> a property and `in`;
 * sorted(frozenset(...)) of the hyperparameter dicts -> distinct JSON keys; `@torch.no_grad()` -> torch.no_grad(fn);
 * `x[:, i]` -> index(":", i), `v[:, -1, None]` -> index(":", -1, "None"); Python's sum() over the layers' losses -> reduce with add.
 * Engine gaps this probe found, fixed with tests in core/ssm_kan_gaps.test.ts: torch.logcumsumexp shifted each line by
 * its maximum (prefixes far below it came out -inf, their gradients NaN: minGRU's scan over a long sequence), and
 * torch.einsum's invalid-subscript error counted the index without the equation's spaces.
 * Known difference kept visible: torch.randn in float64 differs from torch's in the last bit of one value (the
 * Box-Muller sin / cos of V8 and glibc), so that draw is compared within 1e-15.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("ssm_kan.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data).reshape(j.shape);
const weighted = (y: Tensor, lo: number, hi: number) => y.mul(torch.linspace(lo, hi, y.numel()).view(y.shape)).sum();

// ---------------------------------------------------------------- mamba-minimal

/** ModelArgs, the dataclass: its defaults and __post_init__. */
class ModelArgs {
  d_state: number; expand: number; dt_rank: number; d_conv: number; pad_vocab_size_multiple: number; conv_bias: boolean; bias: boolean;
  d_inner: number;
  constructor(
    public d_model: number, public n_layer: number, public vocab_size: number,
    { d_state = 16, expand = 2, dt_rank = "auto" as number | "auto", d_conv = 4, pad_vocab_size_multiple = 8, conv_bias = true, bias = false } = {},
  ) {
    [this.d_state, this.expand, this.d_conv, this.pad_vocab_size_multiple, this.conv_bias, this.bias] = [d_state, expand, d_conv, pad_vocab_size_multiple, conv_bias, bias];
    this.d_inner = Math.trunc(this.expand * this.d_model);
    this.dt_rank = dt_rank === "auto" ? Math.ceil(this.d_model / 16) : dt_rank;
    if (this.vocab_size % this.pad_vocab_size_multiple !== 0) {
      this.vocab_size += this.pad_vocab_size_multiple - (this.vocab_size % this.pad_vocab_size_multiple);
    }
  }
}

class RMSNorm extends nn.Module {
  weight: nn.Parameter;
  constructor(d_model: number, public eps = 1e-5) {
    super();
    this.weight = new nn.Parameter(torch.ones(d_model));
  }
  forward(x: Tensor): Tensor {
    return x.mul(torch.rsqrt(x.pow(2).mean(-1, { keepdim: true }).add(this.eps))).mul(this.weight);
  }
}

class MambaBlock extends nn.Module {
  in_proj: nn.Linear; conv1d: nn.Conv1d; x_proj: nn.Linear; dt_proj: nn.Linear; out_proj: nn.Linear;
  A_log: nn.Parameter; D: nn.Parameter;
  constructor(public args: ModelArgs) {
    super();
    this.in_proj = new nn.Linear(args.d_model, args.d_inner * 2, { bias: args.bias });
    this.conv1d = new nn.Conv1d({
      in_channels: args.d_inner, out_channels: args.d_inner, bias: args.conv_bias,
      kernel_size: args.d_conv, groups: args.d_inner, padding: args.d_conv - 1,
    });
    this.x_proj = new nn.Linear(args.d_inner, args.dt_rank + args.d_state * 2, { bias: false });
    this.dt_proj = new nn.Linear(args.dt_rank, args.d_inner, { bias: true });
    const A = torch.arange(1, args.d_state + 1).repeat(args.d_inner, 1);
    this.A_log = new nn.Parameter(torch.log(A));
    this.D = new nn.Parameter(torch.ones(args.d_inner));
    this.out_proj = new nn.Linear(args.d_inner, args.d_model, { bias: args.bias });
  }
  forward(x: Tensor): Tensor {
    const [, l] = x.shape;
    const x_and_res = this.in_proj(x);
    let [xx, res] = x_and_res.split({ split_size: [this.args.d_inner, this.args.d_inner], dim: -1 }); // eslint-disable-line prefer-const
    xx = xx.permute(0, 2, 1);
    xx = this.conv1d(xx).index(":", ":", `:${l}`);
    xx = xx.permute(0, 2, 1);
    xx = F.silu(xx);
    let y = this.ssm(xx);
    y = y.mul(F.silu(res));
    return this.out_proj(y);
  }
  ssm(x: Tensor): Tensor {
    const [, n] = this.A_log.shape;
    const A = torch.exp(this.A_log.float()).neg();
    const D = this.D.float();
    const x_dbl = this.x_proj(x);
    let [delta, B, C] = x_dbl.split({ split_size: [this.args.dt_rank, n, n], dim: -1 }); // eslint-disable-line prefer-const
    delta = F.softplus(this.dt_proj(delta));
    return this.selective_scan(x, delta, A, B, C, D);
  }
  selective_scan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor): Tensor {
    const [b, l, d_in] = u.shape;
    const n = A.shape[1];
    const deltaA = torch.exp(torch.einsum("b l d, d n -> b l d n", delta, A));
    const deltaB_u = torch.einsum("b l d, b l n, b l d -> b l d n", delta, B, u);
    let x = torch.zeros([b, d_in, n]);
    const ys: Tensor[] = [];
    for (let i = 0; i < l; i++) {
      x = deltaA.index(":", i).mul(x).add(deltaB_u.index(":", i));
      ys.push(torch.einsum("b d n, b n -> b d", x, C.index(":", i, ":")));
    }
    const y = torch.stack(ys, { dim: 1 });
    return y.add(u.mul(D));
  }
}

class ResidualBlock extends nn.Module {
  mixer: MambaBlock;
  norm: RMSNorm;
  constructor(public args: ModelArgs) {
    super();
    this.mixer = new MambaBlock(args);
    this.norm = new RMSNorm(args.d_model);
  }
  forward(x: Tensor): Tensor {
    return this.mixer(this.norm(x)).add(x);
  }
}

class Mamba extends nn.Module {
  embedding: nn.Embedding; layers: nn.ModuleList; norm_f: RMSNorm; lm_head: nn.Linear;
  constructor(public args: ModelArgs) {
    super();
    this.embedding = new nn.Embedding(args.vocab_size, args.d_model);
    this.layers = new nn.ModuleList(Array.from({ length: args.n_layer }, () => new ResidualBlock(args)));
    this.norm_f = new RMSNorm(args.d_model);
    this.lm_head = new nn.Linear(args.d_model, args.vocab_size, { bias: false });
    this.lm_head.weight = this.embedding.weight; // Tie output projection to embedding weights.
  }
  forward(input_ids: Tensor): Tensor {
    let x = this.embedding(input_ids);
    for (const layer of this.layers) x = layer(x);
    x = this.norm_f(x);
    return this.lm_head(x);
  }
}

/** mamba-minimal demo.ipynb's generate, given token ids in place of the tokenizer's. */
function generate(model: Mamba, input_ids: Tensor, n_tokens_to_generate = 4, sample = true, top_k: number | null = 5): Tensor {
  model.eval();
  for (let token_n = 0; token_n < n_tokens_to_generate; token_n++) {
    const next_token_logits = torch.no_grad(() => {
      const indices_to_input = input_ids;
      return model(indices_to_input).index(":", -1);
    });
    let probs = F.softmax(next_token_logits, { dim: -1 });
    if (top_k !== null) {
      const [values] = torch.topk(probs, { k: top_k });
      probs.index_put_([probs.lt(values.index(":", -1, "None"))], 0);
      probs = probs.div(probs.sum({ axis: 1, keepdims: true }));
    }
    const next_indices = sample ? torch.multinomial(probs, { num_samples: 1 }) : torch.argmax(probs, { dim: -1 }).index(":", "None");
    input_ids = torch.cat([input_ids, next_indices], { dim: 1 });
  }
  return input_ids;
}

// ---------------------------------------------------------------- S4D

class S4DKernel extends nn.Module {
  C: nn.Parameter;
  declare log_dt: Tensor; declare log_A_real: Tensor; declare A_imag: Tensor;
  constructor(d_model: number, { N = 64, dt_min = 0.001, dt_max = 0.1, lr = null as number | null } = {}) {
    super();
    const H = d_model;
    const log_dt = torch.rand(H).mul(Math.log(dt_max) - Math.log(dt_min)).add(Math.log(dt_min));
    const C = torch.randn(H, Math.floor(N / 2), { dtype: torch.cfloat });
    this.C = new nn.Parameter(torch.view_as_real(C));
    this.register("log_dt", log_dt, lr);
    const log_A_real = torch.log(torch.ones(H, Math.floor(N / 2)).mul(0.5));
    const A_imag = torch.arange(Math.floor(N / 2)).repeat(H, 1).mul(Math.PI);
    this.register("log_A_real", log_A_real, lr);
    this.register("A_imag", A_imag, lr);
  }
  forward(L: number): Tensor {
    const dt = torch.exp(this.log_dt);
    let C = torch.view_as_complex(this.C);
    const A = torch.complex(torch.exp(this.log_A_real).neg(), this.A_imag);
    const dtA = A.mul(dt.unsqueeze(-1));
    const K = dtA.unsqueeze(-1).mul(torch.arange(L));
    C = C.mul(torch.exp(dtA).sub(1)).div(A);
    return torch.einsum("hn, hnl -> hl", C, torch.exp(K)).real.mul(2);
  }
  register(name: "log_dt" | "log_A_real" | "A_imag", tensor: Tensor, lr: number | null = null): void {
    if (lr === 0.0) {
      this.register_buffer(name, tensor);
    } else {
      this.register_parameter(name, new nn.Parameter(tensor));
      const optim_: Record<string, number> = { weight_decay: 0.0 };
      if (lr !== null) optim_.lr = lr;
      Object.assign(this[name], { _optim: optim_ });
    }
  }
}

class DropoutNd extends nn.Module {
  binomial: InstanceType<typeof torch.distributions.Binomial>;
  constructor(public p = 0.5, public tie = true, public transposed = true) {
    super();
    if (p < 0 || p >= 1) throw new Error(`dropout probability has to be in [0, 1), but got ${p}`);
    this.binomial = new torch.distributions.Binomial({ probs: 1 - this.p });
  }
  forward(X: Tensor): Tensor {
    if (this.training) {
      if (!this.transposed) X = X.transpose(-1, -2);
      const mask_shape = this.tie ? [...X.shape.slice(0, 2), ...Array<number>(X.ndim - 2).fill(1)] : X.shape;
      const mask = torch.rand(...mask_shape).lt(1 - this.p);
      X = X.mul(mask).mul(1.0 / (1 - this.p));
      if (!this.transposed) X = X.transpose(-1, -2);
      return X;
    }
    return X;
  }
}

class S4D extends nn.Module {
  h: number; n: number; D: nn.Parameter; kernel: S4DKernel; activation: nn.GELU; dropout: nn.Module; output_linear: nn.Sequential;
  constructor(d_model: number, { d_state = 64, dropout = 0.0, transposed = true, ...kernel_args }: { d_state?: number; dropout?: number; transposed?: boolean; lr?: number } = {}, public transposed_ = transposed) {
    super();
    this.h = d_model;
    this.n = d_state;
    this.D = new nn.Parameter(torch.randn(this.h));
    this.kernel = new S4DKernel(this.h, { N: this.n, ...kernel_args });
    this.activation = new nn.GELU();
    const dropout_fn = DropoutNd;
    this.dropout = dropout > 0.0 ? new dropout_fn(dropout) : new nn.Identity();
    this.output_linear = new nn.Sequential(new nn.Conv1d(this.h, 2 * this.h, { kernel_size: 1 }), new nn.GLU({ dim: -2 }));
  }
  forward(u: Tensor): [Tensor, null] {
    if (!this.transposed_) u = u.transpose(-1, -2);
    const L = u.size(-1);
    const k = this.kernel(L);
    const k_f = torch.fft.rfft(k, { n: 2 * L });
    const u_f = torch.fft.rfft(u, { n: 2 * L });
    let y = torch.fft.irfft(u_f.mul(k_f), { n: 2 * L }).index("...", `:${L}`);
    y = y.add(u.mul(this.D.unsqueeze(-1)));
    y = this.dropout(this.activation(y));
    y = this.output_linear(y);
    if (!this.transposed_) y = y.transpose(-1, -2);
    return [y, null];
  }
}

/** example.py's S4Model (dropout_fn = DropoutNd), its learning rate for the SSM parameters given. */
class S4Model extends nn.Module {
  prenorm: boolean; encoder: nn.Linear; s4_layers: nn.ModuleList; norms: nn.ModuleList; dropouts: nn.ModuleList; decoder: nn.Linear;
  constructor(d_input: number, { d_output = 10, d_model = 256, n_layers = 4, dropout = 0.2, prenorm = false, lr = 0.001 } = {}) {
    super();
    this.prenorm = prenorm;
    this.encoder = new nn.Linear(d_input, d_model);
    this.s4_layers = new nn.ModuleList();
    this.norms = new nn.ModuleList();
    this.dropouts = new nn.ModuleList();
    for (let i = 0; i < n_layers; i++) {
      this.s4_layers.append(new S4D(d_model, { dropout, transposed: true, lr: Math.min(0.001, lr) }));
      this.norms.append(new nn.LayerNorm(d_model));
      this.dropouts.append(new DropoutNd(dropout));
    }
    this.decoder = new nn.Linear(d_model, d_output);
  }
  forward(x: Tensor): Tensor {
    x = this.encoder(x);
    x = x.transpose(-1, -2);
    const layers = [...this.s4_layers] as S4D[], norms = [...this.norms] as nn.LayerNorm[], dropouts = [...this.dropouts] as DropoutNd[];
    layers.forEach((layer, i) => {
      const [norm, dropout] = [norms[i], dropouts[i]];
      let z = x;
      if (this.prenorm) z = norm(z.transpose(-1, -2)).transpose(-1, -2);
      [z] = layer(z);
      z = dropout(z);
      x = z.add(x);
      if (!this.prenorm) x = norm(x.transpose(-1, -2)).transpose(-1, -2);
    });
    x = x.transpose(-1, -2);
    x = x.mean({ dim: 1 });
    return this.decoder(x);
  }
}

type WithOptim = Tensor & { _optim?: Record<string, number> };

/** example.py's setup_optimizer: parameters with an `_optim` attribute get their own group per distinct setting. */
function setup_optimizer(model: nn.Module, lr: number, weight_decay: number, epochs: number) {
  const all_parameters = model.parameters() as WithOptim[];
  const params = all_parameters.filter((p) => !("_optim" in p));
  const optimizer = new optim.AdamW(params, { lr, weight_decay });
  const key = (hp: Record<string, number>) => JSON.stringify(Object.entries(hp).sort());
  const hps = [...new Set(all_parameters.filter((p) => "_optim" in p).map((p) => key(p._optim!)))].sort().map((s) => Object.fromEntries(JSON.parse(s) as [string, number][]));
  for (const hp of hps) {
    const ps = all_parameters.filter((p) => p._optim !== undefined && key(p._optim) === key(hp));
    optimizer.add_param_group({ params: ps, ...hp });
  }
  const scheduler = new optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs);
  return [optimizer, scheduler] as const;
}

// ---------------------------------------------------------------- efficient-kan

type KANOptions = {
  grid_size?: number; spline_order?: number; scale_noise?: number; scale_base?: number; scale_spline?: number;
  enable_standalone_scale_spline?: boolean; base_activation?: new () => nn.Module; grid_eps?: number; grid_range?: [number, number];
};

class KANLinear extends nn.Module {
  grid_size: number; spline_order: number; scale_noise: number; scale_base: number; scale_spline: number;
  enable_standalone_scale_spline: boolean; base_activation: nn.Module; grid_eps: number;
  declare grid: Tensor;
  base_weight: nn.Parameter; spline_weight: nn.Parameter; spline_scaler?: nn.Parameter;
  constructor(public in_features: number, public out_features: number, {
    grid_size = 5, spline_order = 3, scale_noise = 0.1, scale_base = 1.0, scale_spline = 1.0,
    enable_standalone_scale_spline = true, base_activation = nn.SiLU as new () => nn.Module, grid_eps = 0.02, grid_range = [-1, 1] as [number, number],
  }: KANOptions = {}) {
    super();
    this.grid_size = grid_size;
    this.spline_order = spline_order;
    const h = (grid_range[1] - grid_range[0]) / grid_size;
    const grid = torch.arange(-spline_order, grid_size + spline_order + 1).mul(h).add(grid_range[0]).expand(in_features, -1).contiguous();
    this.register_buffer("grid", grid);
    this.base_weight = new nn.Parameter(torch.Tensor(out_features, in_features));
    this.spline_weight = new nn.Parameter(torch.Tensor(out_features, in_features, grid_size + spline_order));
    if (enable_standalone_scale_spline) this.spline_scaler = new nn.Parameter(torch.Tensor(out_features, in_features));
    this.scale_noise = scale_noise;
    this.scale_base = scale_base;
    this.scale_spline = scale_spline;
    this.enable_standalone_scale_spline = enable_standalone_scale_spline;
    this.base_activation = new base_activation();
    this.grid_eps = grid_eps;
    this.reset_parameters();
  }
  reset_parameters(): void {
    nn.init.kaiming_uniform_(this.base_weight, { a: Math.sqrt(5) * this.scale_base });
    torch.no_grad(() => {
      const noise = torch.rand(this.grid_size + 1, this.in_features, this.out_features).sub(1 / 2).mul(this.scale_noise).div(this.grid_size);
      this.spline_weight.data.copy_(
        this.curve2coeff(this.grid.T.index(`${this.spline_order}:${-this.spline_order}`), noise).mul(!this.enable_standalone_scale_spline ? this.scale_spline : 1.0),
      );
      if (this.enable_standalone_scale_spline) nn.init.kaiming_uniform_(this.spline_scaler!, { a: Math.sqrt(5) * this.scale_spline });
    });
  }
  b_splines(x: Tensor): Tensor {
    expect(x.dim() === 2 && x.size(1) === this.in_features).toBe(true);
    const grid = this.grid;
    x = x.unsqueeze(-1);
    let bases = x.ge(grid.index(":", ":-1")).bitwise_and(x.lt(grid.index(":", "1:"))).to(x.dtype);
    for (let k = 1; k < this.spline_order + 1; k++) {
      bases = x.sub(grid.index(":", `:${-(k + 1)}`))
        .div(grid.index(":", `${k}:-1`).sub(grid.index(":", `:${-(k + 1)}`)))
        .mul(bases.index(":", ":", ":-1"))
        .add(grid.index(":", `${k + 1}:`).sub(x)
          .div(grid.index(":", `${k + 1}:`).sub(grid.index(":", `1:${-k}`)))
          .mul(bases.index(":", ":", "1:")));
    }
    expect([...bases.size()]).toEqual([x.size(0), this.in_features, this.grid_size + this.spline_order]);
    return bases.contiguous();
  }
  curve2coeff(x: Tensor, y: Tensor): Tensor {
    const A = this.b_splines(x).transpose(0, 1);
    const B = y.transpose(0, 1);
    const solution = torch.linalg.lstsq(A, B).solution;
    const result = solution.permute(2, 0, 1);
    expect([...result.size()]).toEqual([this.out_features, this.in_features, this.grid_size + this.spline_order]);
    return result.contiguous();
  }
  get scaled_spline_weight(): Tensor {
    return this.spline_weight.mul(this.enable_standalone_scale_spline ? this.spline_scaler!.unsqueeze(-1) : 1.0);
  }
  forward(x: Tensor): Tensor {
    const original_shape = x.shape;
    x = x.reshape(-1, this.in_features);
    const base_output = F.linear(this.base_activation(x), this.base_weight);
    const spline_output = F.linear(this.b_splines(x).view(x.size(0), -1), this.scaled_spline_weight.view(this.out_features, -1));
    const output = base_output.add(spline_output);
    return output.reshape(...original_shape.slice(0, -1), this.out_features);
  }
  update_grid(x: Tensor, margin = 0.01): void {
    torch.no_grad(() => {
      const batch = x.size(0);
      let splines = this.b_splines(x);
      splines = splines.permute(1, 0, 2);
      let orig_coeff = this.scaled_spline_weight;
      orig_coeff = orig_coeff.permute(1, 2, 0);
      let unreduced_spline_output = torch.bmm(splines, orig_coeff);
      unreduced_spline_output = unreduced_spline_output.permute(1, 0, 2);
      const x_sorted = torch.sort(x, { dim: 0 })[0];
      const grid_adaptive = x_sorted.index(torch.linspace(0, batch - 1, this.grid_size + 1, { dtype: torch.int64 }));
      const uniform_step = x_sorted.index(-1).sub(x_sorted.index(0)).add(2 * margin).div(this.grid_size);
      const grid_uniform = torch.arange(this.grid_size + 1, { dtype: torch.float32 }).unsqueeze(1).mul(uniform_step).add(x_sorted.index(0)).sub(margin);
      let grid = grid_uniform.mul(this.grid_eps).add(grid_adaptive.mul(1 - this.grid_eps));
      grid = torch.concatenate([
        grid.index(":1").sub(uniform_step.mul(torch.arange(this.spline_order, 0, -1).unsqueeze(1))),
        grid,
        grid.index("-1:").add(uniform_step.mul(torch.arange(1, this.spline_order + 1).unsqueeze(1))),
      ], { dim: 0 });
      this.grid.copy_(grid.T);
      this.spline_weight.data.copy_(this.curve2coeff(x, unreduced_spline_output));
    });
  }
  regularization_loss(regularize_activation = 1.0, regularize_entropy = 1.0): Tensor {
    const l1_fake = this.spline_weight.abs().mean(-1);
    const regularization_loss_activation = l1_fake.sum();
    const p = l1_fake.div(regularization_loss_activation);
    const regularization_loss_entropy = torch.sum(p.mul(p.log())).neg();
    return regularization_loss_activation.mul(regularize_activation).add(regularization_loss_entropy.mul(regularize_entropy));
  }
}

class KAN extends nn.Module {
  layers: nn.ModuleList;
  constructor(layers_hidden: number[], opts: KANOptions = {}) {
    super();
    this.layers = new nn.ModuleList();
    for (let i = 0; i + 1 < layers_hidden.length; i++) this.layers.append(new KANLinear(layers_hidden[i], layers_hidden[i + 1], opts));
  }
  forward(x: Tensor, update_grid = false): Tensor {
    for (const layer of this.layers as Iterable<KANLinear>) {
      if (update_grid) layer.update_grid(x);
      x = layer(x);
    }
    return x;
  }
  regularization_loss(regularize_activation = 1.0, regularize_entropy = 1.0): Tensor {
    return [...(this.layers as Iterable<KANLinear>)].map((l) => l.regularization_loss(regularize_activation, regularize_entropy)).reduce((a, b) => a.add(b));
  }
}

// ---------------------------------------------------------------- minGRU / minLSTM

function parallel_scan_log(log_coeffs: Tensor, log_values: Tensor): Tensor {
  const a_star = F.pad(torch.cumsum(log_coeffs, { dim: 1 }), [0, 0, 1, 0]);
  const log_h0_plus_b_star = torch.logcumsumexp(log_values.sub(a_star), { dim: 1 });
  const log_h = a_star.add(log_h0_plus_b_star);
  return torch.exp(log_h).index(":", "1:");
}
const g = (x: Tensor) => torch.where(x.ge(0), x.add(0.5), torch.sigmoid(x));
const log_g = (x: Tensor) => torch.where(x.ge(0), F.relu(x).add(0.5).log(), F.softplus(x.neg()).neg());

class MinGRU extends nn.Module {
  linear_z: nn.Linear; linear_h: nn.Linear;
  constructor(input_size: number, hidden_size: number) {
    super();
    this.linear_z = new nn.Linear(input_size, hidden_size);
    this.linear_h = new nn.Linear(input_size, hidden_size);
  }
  forward(x: Tensor, h_0: Tensor): Tensor {
    const k = this.linear_z(x);
    const log_z = F.softplus(k.neg()).neg();
    const log_coeffs = F.softplus(k).neg();
    const log_h_0 = log_g(h_0);
    const log_tilde_h = log_g(this.linear_h(x));
    return parallel_scan_log(log_coeffs, torch.cat([log_h_0, log_z.add(log_tilde_h)], { dim: 1 }));
  }
  sequential(x_t: Tensor, h_prev: Tensor): Tensor {
    const z = torch.sigmoid(this.linear_z(x_t));
    const h_tilde = g(this.linear_h(x_t));
    return z.rsub(1).mul(h_prev).add(z.mul(h_tilde));
  }
}

class MinLSTM extends nn.Module {
  linear_f: nn.Linear; linear_i: nn.Linear; linear_h: nn.Linear;
  constructor(input_size: number, hidden_size: number) {
    super();
    this.linear_f = new nn.Linear(input_size, hidden_size);
    this.linear_i = new nn.Linear(input_size, hidden_size);
    this.linear_h = new nn.Linear(input_size, hidden_size);
  }
  forward(x: Tensor, h_0: Tensor): Tensor {
    const diff = F.softplus(this.linear_f(x).neg()).sub(F.softplus(this.linear_i(x).neg()));
    const log_f = F.softplus(diff).neg();
    const log_i = F.softplus(diff.neg()).neg();
    const log_h_0 = log_g(h_0);
    const log_tilde_h = log_g(this.linear_h(x));
    return parallel_scan_log(log_f, torch.cat([log_h_0, log_i.add(log_tilde_h)], { dim: 1 }));
  }
  sequential(x_t: Tensor, h_prev: Tensor): Tensor {
    const f_t = torch.sigmoid(this.linear_f(x_t));
    const i_t = torch.sigmoid(this.linear_i(x_t));
    const tilde_h_t = g(this.linear_h(x_t));
    const f_prime_t = f_t.div(f_t.add(i_t));
    const i_prime_t = i_t.div(f_t.add(i_t));
    return f_prime_t.mul(h_prev).add(i_prime_t.mul(tilde_h_t));
  }
}

/** lucidrains/minGRU-pytorch's minGRU: hidden and gate from one projection, torch.lerp in the one-step path. */
const exists = <V>(v: V | null | undefined): v is V => v !== null && v !== undefined;
const default_ = <V>(v: V | null | undefined, d: V): V => (exists(v) ? v : d);

function heinsen_associative_scan_log(log_coeffs: Tensor, log_values: Tensor): Tensor {
  const a_star = log_coeffs.cumsum({ dim: 1 });
  const log_h0_plus_b_star = log_values.sub(a_star).logcumsumexp({ dim: 1 });
  const log_h = a_star.add(log_h0_plus_b_star);
  return log_h.exp();
}

class minGRU extends nn.Module {
  to_hidden_and_gate: nn.Linear;
  to_out: nn.Module;
  constructor(dim: number, expansion_factor = 1.0, proj_out: boolean | null = null) {
    super();
    const dim_inner = Math.trunc(dim * expansion_factor);
    proj_out = default_(proj_out, expansion_factor !== 1.0);
    this.to_hidden_and_gate = new nn.Linear(dim, dim_inner * 2, { bias: false });
    this.to_out = proj_out ? new nn.Linear(dim_inner, dim, { bias: false }) : new nn.Identity();
  }
  forward(x: Tensor, prev_hidden: Tensor | null = null, return_next_prev_hidden = false): Tensor | [Tensor, Tensor] {
    const seq_len = x.shape[1];
    let [hidden, gate] = this.to_hidden_and_gate(x).chunk(2, { dim: -1 });
    let out: Tensor;
    if (seq_len === 1) {
      hidden = g(hidden);
      gate = gate.sigmoid();
      out = exists(prev_hidden) ? torch.lerp(prev_hidden, hidden, gate) : hidden.mul(gate);
    } else {
      let log_coeffs = F.softplus(gate).neg();
      const log_z = F.softplus(gate.neg()).neg();
      const log_tilde_h = log_g(hidden);
      let log_values = log_z.add(log_tilde_h);
      if (exists(prev_hidden)) {
        log_values = torch.cat([prev_hidden.log(), log_values], { dim: 1 });
        log_coeffs = F.pad(log_coeffs, [0, 0, 1, 0]);
      }
      out = heinsen_associative_scan_log(log_coeffs, log_values);
      out = out.index(":", `${-seq_len}:`);
    }
    const next_prev_hidden = out.index(":", "-1:");
    out = this.to_out(out);
    if (!return_next_prev_hidden) return out;
    return [out, next_prev_hidden];
  }
}

describe("recent architectures from scratch: Mamba, S4D, KAN, minGRU / minLSTM", () => {
  it("mamba-minimal: MambaBlock's output and gradients, the tied model's logits, three AdamW steps equal torch's", () => {
    const e = ref.mamba;
    torch.manual_seed(0);
    const args = new ModelArgs(4, 2, 13, { d_state: 4, d_conv: 3 });
    expect([args.vocab_size, args.dt_rank, args.d_inner]).toEqual([e.vocab_size, e.dt_rank, e.d_inner]);
    const model = new Mamba(args);
    const ids = torch.randint(0, 13, [2, 6]);
    expectT(ids, e.ids, 0);
    expectT(model(ids), e.logits, 1e-5);
    const block = (model.layers.get(0) as ResidualBlock).mixer;
    expectT(block.A_log, e.A_log, 1e-7);
    const h = torch.randn(2, 5, 4);
    expectT(h, e.h, 0);
    const bo = block(h);
    expectT(bo, e.block_out, 1e-5);
    weighted(bo, -1, 1).backward();
    expectT(block.A_log.grad!, e.A_log_grad, 1e-5);
    expectT(block.conv1d.weight.grad!, e.conv_w_grad, 1e-5);
    expectT(block.x_proj.weight.grad!, e.x_proj_grad, 1e-5);
    expectT(block.dt_proj.bias!.grad!, e.dt_bias_grad, 1e-5);
    expectT(block.D.grad!, e.D_grad, 1e-5);
    // the tied lm_head.weight is the embedding's, listed once
    expect(model.named_parameters().map(([n]) => n)).toEqual(e.names);
    expect(model.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(e.n_params);
    expect(model.lm_head.weight).toBe(model.embedding.weight);

    model.zero_grad();
    const opt = new optim.AdamW(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const logits = model(ids.index(":", ":-1"));
      const loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), ids.index(":", "1:").reshape(-1));
      opt.zero_grad();
      loss.backward();
      losses.push(loss.item());
      if (step === 2) {
        expectT(model.embedding.weight.grad!, e.emb_grad, 1e-5);
        expectT((model.layers.get(1) as ResidualBlock).mixer.A_log.grad!, e.A_log_grad_train, 1e-5);
        expectT((model.layers.get(1) as ResidualBlock).norm.weight.grad!, e.norm_grad, 1e-5);
      }
      opt.step();
    }
    expectNums(losses, e.losses, 1e-5);
    expectT(model.embedding.weight, e.emb_after, 1e-5);
    expectT((model.layers.get(0) as ResidualBlock).mixer.A_log, e.A_log_after, 1e-5);
    // from_pretrained's key renaming over a state_dict (the tied weight is saved under both names, as torch does)
    const sd = model.state_dict();
    expect(Object.keys(sd)).toEqual(e.state_keys);
    const renamed = Object.fromEntries(Object.entries(sd).map(([k, v]) => ["backbone." + k, v]));
    const new_state_dict = Object.fromEntries(Object.entries(renamed).map(([k, v]) => [k.replace("backbone.", ""), v]));
    expect(String(model.load_state_dict(new_state_dict))).toBe(e.load);
    // a learner's slips: einops' axis names handed to torch.einsum, the mask written as `probs < values[:, -1]`
    expect(raised(() => torch.einsum("b l d_in, d_in n -> b l d_in n", torch.ones(1, 2, 3), torch.ones(3, 4)))).toEqual(e.einsum_names_error);
    expect(raised(() => torch.ones(2, 16).lt(torch.ones(2, 5).index(":", -1)))).toEqual(e.mask_error);
    // demo.ipynb's generate: top-k filtering by a boolean mask, probs.sum(axis=1, keepdims=True), multinomial
    torch.manual_seed(6);
    expectT(generate(model, ids.index(":", ":3")), e.sampled, 0);
    expectT(generate(model, ids.index(":", ":3"), 4, false), e.greedy, 0);
  });

  it("S4DKernel: view_as_complex parameters, the Vandermonde kernel and its gradients equal torch's", () => {
    const e = ref.s4d;
    torch.manual_seed(1);
    const kern = new S4DKernel(3, { N: 8 });
    expectT(kern.C, e.C, 0);
    expectT(kern.log_dt, e.log_dt, 1e-7);
    expect(kern.named_parameters().map(([n]) => n)).toEqual(e.kernel_names);
    const K = kern(8);
    expectT(K, e.K, 1e-5);
    weighted(K, 0.5, 1.5).backward();
    expectT(kern.C.grad!, e.C_grad, 1e-5);
    expectT(kern.log_dt.grad!, e.log_dt_grad, 1e-5);
    expectT(kern.log_A_real.grad!, e.log_A_real_grad, 1e-5);
    expectT(kern.A_imag.grad!, e.A_imag_grad, 1e-5);
    expect([
      raised(() => torch.view_as_complex(kern.C.detach().transpose(1, 2).contiguous().transpose(1, 2))),
      raised(() => torch.view_as_complex(torch.ones(3, 4, 3))),
      raised(() => torch.view_as_complex(torch.ones(4, 2).t())),
    ]).toEqual(e.vac_errors);
    expect(String(torch.view_as_complex(torch.ones(3, 2, { dtype: torch.float64 })).dtype)).toBe(e.vac_f64);
    torch.no_grad(() => {
      const A = torch.complex(torch.exp(kern.log_A_real).neg(), kern.A_imag);
      const dtA = A.mul(torch.exp(kern.log_dt).unsqueeze(-1));
      expectT(torch.view_as_real(A), e.A, 1e-6);
      expectT(torch.view_as_real(torch.exp(dtA.unsqueeze(-1).mul(torch.arange(8))) as ComplexTensor), e.vandermonde, 1e-6);
    });
  });

  it("S4D: the FFT convolution's output, setup_optimizer's `_optim` groups and three AdamW + cosine steps equal torch's", () => {
    const e = ref.s4d;
    torch.manual_seed(2);
    const layer = new S4D(3, { d_state: 8, lr: 1e-3 });
    const u = torch.randn(2, 3, 8);
    expectT(u, e.u, 0);
    const [y, state] = layer(u);
    expectT(y, e.y, 1e-5);
    expect(state === null).toBe(e.state_is_none);
    const [optimizer, scheduler] = setup_optimizer(layer, 1e-2, 0.01, 4);
    expect(optimizer.param_groups.map((gr) => ({ n: gr.params.length, lr: gr.lr, weight_decay: gr.weight_decay }))).toEqual(e.groups);
    const target = torch.randn(2, 3, 8);
    expectT(target, e.target, 0);
    const losses: number[] = [], lrs: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      optimizer.zero_grad();
      const [yv] = layer(u);
      const loss = F.mse_loss(yv, target);
      loss.backward();
      optimizer.step();
      scheduler.step();
      losses.push(loss.item());
      lrs.push(optimizer.param_groups.map((gr) => gr.lr));
    }
    expectNums(losses, e.losses, 1e-5);
    lrs.forEach((l, i) => expectNums(l, e.lrs[i], 1e-12));
    expectT(layer.kernel.C, e.C_after, 1e-5);
    expectT(layer.kernel.log_dt, e.log_dt_after, 1e-5);
    expectT(layer.D, e.D_after, 1e-5);
    // DropoutNd: one mask per (batch, channel), tied along the sequence, from torch.rand
    torch.manual_seed(7);
    const drop_layer = new S4D(3, { d_state: 8, dropout: 0.25 });
    expectT(drop_layer(u)[0], e.dropout_train, 1e-5);
    drop_layer.eval();
    expectT(drop_layer(u)[0], e.dropout_eval, 1e-5);
  });

  it("example.py's S4Model (prenorm, DropoutNd, d_state 64) trains three epochs with setup_optimizer as torch's", () => {
    const e = ref.s4d.model;
    torch.manual_seed(9);
    const s4m = new S4Model(1, { d_output: 3, d_model: 4, n_layers: 2, dropout: 0.1, prenorm: true, lr: 0.01 });
    const xs4 = torch.randn(4, 8, 1);
    expectT(xs4, e.x, 0);
    const ys4 = torch.tensor([0, 2, 1, 2], { dtype: torch.int64 });
    const [optimizer, scheduler] = setup_optimizer(s4m, 0.01, 0.01, 3);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      s4m.train();
      optimizer.zero_grad();
      const outputs = s4m(xs4);
      const loss = new nn.CrossEntropyLoss()(outputs, ys4);
      loss.backward();
      optimizer.step();
      scheduler.step();
      losses.push(loss.item());
    }
    expectNums(losses, e.losses, 1e-5);
    s4m.eval();
    expectT(torch.no_grad(() => s4m(xs4)), e.eval_out, 1e-5);
    const groups = optimizer.param_groups.map((gr) => ({ n: gr.params.length, lr: gr.lr, weight_decay: gr.weight_decay }));
    expect(groups.map(({ n, weight_decay }) => ({ n, weight_decay }))).toEqual(e.groups.map(({ n, weight_decay }: { n: number; weight_decay: number }) => ({ n, weight_decay })));
    expectNums(groups.map((gr) => gr.lr), e.groups.map((gr: { lr: number }) => gr.lr), 1e-12);
  });

  it("efficient-kan: the grid, lstsq-initialised spline weights, B-spline bases, update_grid and four AdamW steps equal torch's", () => {
    const e = ref.kan;
    torch.manual_seed(3);
    const kan = new KAN([2, 3, 1]);
    const l0 = kan.layers.get(0) as KANLinear;
    expectT(l0.grid, e.grid, 1e-7);
    expectT(l0.base_weight, e.base_weight, 1e-7);
    expectT(l0.spline_weight, e.spline_weight, 1e-6);
    expectT(l0.spline_scaler!, e.spline_scaler, 1e-7);
    expectT((kan.layers.get(1) as KANLinear).spline_weight, e.spline_weight_1, 1e-6);
    const xk = torch.rand(16, 2).mul(2).sub(1);
    expectT(xk, e.x, 0);
    expectT(l0.b_splines(xk), e.bases, 1e-6);
    expectT(kan(xk), e.y, 1e-5);
    expectNums([kan.regularization_loss().item()], [e.reg], 1e-5);
    expect(kan.named_parameters().map(([n]) => n)).toEqual(e.names);
    expect(kan.named_buffers().map(([n]) => n)).toEqual(e.buffers);

    const yk = torch.sin(xk.index(":", ":1").mul(Math.PI)).mul(xk.index(":", "1:"));
    const opt = new optim.AdamW(kan.parameters(), { lr: 1e-2, weight_decay: 1e-4 });
    const sched = new optim.lr_scheduler.ExponentialLR(opt, { gamma: 0.8 });
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      opt.zero_grad();
      const pred = kan(xk, step === 2);
      const loss = F.mse_loss(pred, yk).add(kan.regularization_loss().mul(1e-3));
      loss.backward();
      if (step === 0) {
        expectT(l0.spline_weight.grad!, e.grad_spline, 1e-5);
        expectT(l0.spline_scaler!.grad!, e.grad_scaler, 1e-5);
        expectT((kan.layers.get(1) as KANLinear).base_weight.grad!, e.grad_base, 1e-5);
      }
      opt.step();
      sched.step();
      losses.push(loss.item());
    }
    expectNums(losses, e.losses, 1e-5);
    expectT(l0.grid, e.grid_after, 1e-5);
    expectT((kan.layers.get(1) as KANLinear).grid, e.grid1_after, 1e-5);
    expectT(l0.spline_weight, e.spline_after, 1e-4);
    expectT(torch.no_grad(() => kan(xk)), e.pred_after, 1e-4);
  });

  it("torch.linalg.lstsq: an under-determined batch gets the minimum-norm solution, an over-determined one the least-squares one", () => {
    const e = ref.lstsq;
    expectT(torch.linalg.lstsq(T(e.Au), T(e.Bu)).solution, e.under, 1e-5);
    expectT(torch.linalg.lstsq(T(e.Ao), T(e.Bo)).solution, e.over, 1e-5);
    expect([
      raised(() => torch.linalg.lstsq(torch.ones(2, 3, 5, { dtype: torch.float64 }), torch.ones(2, 3, 2))),
      raised(() => torch.linalg.lstsq(torch.ones(2, 3, 5), torch.ones(2, 4, 2))),
      raised(() => torch.linalg.lstsq(torch.ones(3, 5), torch.ones(2, 3, 2))),
    ]).toEqual(ref.lstsq_errors);
  });

  it("minGRU / minLSTM: the log-space parallel scan equals the sequential form and torch's, with its gradients", () => {
    const e = ref.minrnn;
    torch.manual_seed(5);
    const gru = new MinGRU(3, 4);
    const lstm = new MinLSTM(3, 4);
    const xg = torch.randn(2, 7, 3);
    const h0 = torch.rand(2, 1, 4);
    expectT(xg, e.x, 0);
    expectT(h0, e.h0, 0);
    for (const [name, m] of [["gru", gru], ["lstm", lstm]] as const) {
      const hp = m(xg, h0);
      const hs: Tensor[] = [];
      let hprev = g(h0.index(":", 0));
      for (let t = 0; t < xg.size(1); t++) {
        hprev = m.sequential(xg.index(":", t), hprev);
        hs.push(hprev);
      }
      const hseq = torch.stack(hs, { dim: 1 });
      expectT(hp, e[name].parallel, 1e-5);
      expectT(hseq, e[name].sequential, 1e-5);
      weighted(hp, -1, 1).backward();
      expect(m.named_parameters().map(([n]) => n)).toEqual(e[name].names);
      m.parameters().forEach((p, i) => expectT(p.grad!, e[name].grads[i], 1e-5));
    }
    const lc = torch.randn(2, 5, 3, { dtype: torch.float64 });
    expectT(lc, e.logcumsumexp.x, 1e-15); // float64 randn: one value differs from torch's in its last bit (V8's sin / cos vs glibc's)
    expectT(torch.logcumsumexp(lc, { dim: 1 }), e.logcumsumexp.dim1, 1e-12);
    expectT(torch.logcumsumexp(torch.tensor([1000, 1000, -1000, -Infinity, 3]), { dim: 0 }), e.logcumsumexp.big, 1e-6);

    const opt = new optim.Adam(gru.parameters(), { lr: 1e-2 });
    const tgt = torch.rand(2, 7, 4);
    expectT(tgt, e.tgt, 0);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      opt.zero_grad();
      const loss = F.mse_loss(gru(xg, h0), tgt);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, e.gru_losses, 1e-5);
    expectT(gru.linear_z.weight, e.gru_z_after, 1e-5);
  });

  it("lucidrains' minGRU: the parallel scan from a prev_hidden equals the one-step torch.lerp path and torch's", () => {
    const e = ref.minrnn.lucidrains;
    torch.manual_seed(8);
    const lg = new minGRU(4, 1.5);
    const xl = torch.randn(2, 6, 4);
    const prev = torch.rand(2, 1, 6).add(0.1);
    expectT(xl, e.x, 0);
    expectT(prev, e.prev, 0);
    const [par, nxt] = lg(xl, prev, true) as [Tensor, Tensor];
    const seq_outs: Tensor[] = [];
    let hid = prev;
    for (let t = 0; t < xl.shape[1]; t++) {
      const [o, h] = lg(xl.index(":", `${t}:${t + 1}`), hid, true) as [Tensor, Tensor];
      seq_outs.push(o);
      hid = h;
    }
    const no_prev = lg(xl) as Tensor;
    weighted(par, -1, 1).backward();
    expectT(par, e.parallel, 1e-5);
    expectT(nxt, e.next, 1e-5);
    expectT(torch.cat(seq_outs, { dim: 1 }), e.sequential, 1e-5);
    expectT(hid, e.last_hidden, 1e-5);
    expectT(no_prev, e.no_prev, 1e-5);
    expect(lg.named_parameters().map(([n]) => n)).toEqual(e.names);
    lg.parameters().forEach((p, i) => expectT(p.grad!, e.grads[i], 1e-5));
  });
});
