/**
 * A probe of small modern architectures written in pure PyTorch, as a learner copies them into a notebook:
 *  - johnma2006/mamba-minimal (model.py): ModelArgs' padding of the vocabulary and dt_rank 'auto', RMSNorm, MambaBlock
 *    (in_proj, the depthwise causal Conv1d cut to l, split by split_size=[...], softplus'd delta, the selective scan
 *    with torch.einsum and a loop over time, D's skip), ResidualBlock, Mamba with the lm_head tied to the embedding;
 *    logits, gradients, four AdamW steps of next-token cross-entropy, then generate() sampling and greedy;
 *  - Blealtan/efficient-kan (src/efficient_kan/kan.py): KANLinear (the grid buffer, kaiming_uniform_ with a scaled a,
 *    b_splines by the Cox-de Boor recursion on a bool mask, curve2coeff by a batched, underdetermined
 *    torch.linalg.lstsq, scaled_spline_weight, update_grid with sort / linspace(dtype=int64) / copy_ into the buffer,
 *    regularization_loss), KAN of two layers trained four AdamW steps with a grid update on the third;
 *  - lucidrains/minGRU-pytorch's core: minGRU and minLSTM with heinsen_associative_scan_log (cumsum and logcumsumexp in log
 *    space), g / log_g by torch.where, the one-step path with torch.lerp, resuming from prev_hidden through F.pad.
 * Values come from torch 1.13 running the same code (scripts/fixtures/modern_small_fixtures.py ->
 * tests/fixtures/torch/tutorials/modern_small.json), plus the learner's typical mistakes' errors.
 *
 * mamba-minimal's demo.ipynb generate() runs on token ids (no tokenizer).
 * Python forms written otherwise: einops' rearrange / repeat / reduce -> permute / transpose / unsqueeze / repeat /
 * abs (in the fixture too), `@dataclass ModelArgs` -> a class, `@property scaled_spline_weight` -> a getter,
 * `@torch.no_grad()` -> torch.no_grad(() => ...), `a, b = t.split(...)` -> const destructuring (a reassigned name gets a new one), slices
 * `t[:, :-1]` -> t.index(":", ":-1"), `v[:, -1, None]` -> v.index(":", -1, "None"), `probs[mask] = 0` -> index_put_, `x.shape` tuple compares -> arrays, `sum(generator)` -> reduce,
 * dict comprehensions over state_dict() -> Object.fromEntries.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("modern_small.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
/** [Python class name, first line of the message] of what fn throws (torch's fixture keeps the first line). */
function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message.split("\n")[0]];
  }
  return null;
}

// ============================================ mamba-minimal ============================================
class ModelArgs {
  d_inner: number;
  dt_rank: number;
  constructor(
    public d_model: number,
    public n_layer: number,
    public vocab_size: number,
    public d_state = 16,
    public expand = 2,
    dt_rank: number | "auto" = "auto",
    public d_conv = 4,
    public pad_vocab_size_multiple = 8,
    public conv_bias = true,
    public bias = false,
  ) {
    this.d_inner = Math.trunc(this.expand * this.d_model);
    this.dt_rank = dt_rank === "auto" ? Math.ceil(this.d_model / 16) : dt_rank;
    if (this.vocab_size % this.pad_vocab_size_multiple !== 0)
      this.vocab_size += this.pad_vocab_size_multiple - (this.vocab_size % this.pad_vocab_size_multiple);
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
  in_proj: nn.Linear;
  conv1d: nn.Conv1d;
  x_proj: nn.Linear;
  dt_proj: nn.Linear;
  A_log: nn.Parameter;
  D: nn.Parameter;
  out_proj: nn.Linear;
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
    let x_and_res = this.in_proj(x);
    x_and_res = x_and_res.permute(0, 2, 1);
    const [x0, res] = x_and_res.split({ split_size: [this.args.d_inner, this.args.d_inner], dim: 1 });
    let xs = this.conv1d(x0).index(":", ":", `:${l}`);
    xs = F.silu(xs);
    let y = this.ssm(xs);
    y = y.mul(F.silu(res));
    return this.out_proj(y.permute(0, 2, 1));
  }
  ssm(x: Tensor): Tensor {
    const [, n] = this.A_log.shape;
    const A = torch.exp(this.A_log.float()).neg();
    const D = this.D.float();
    let x_dbl = x.permute(0, 2, 1);
    x_dbl = this.x_proj(x_dbl);
    const [dt, B, C] = x_dbl.split({ split_size: [this.args.dt_rank, n, n], dim: -1 });
    const delta = F.softplus(this.dt_proj(dt));
    return this.selective_scan(x, delta, A, B, C, D);
  }
  selective_scan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor | null): Tensor {
    const [b, d_in, l] = u.shape;
    const n = A.shape[1];
    const deltaA = torch.exp(torch.einsum("bld,dn->bdln", delta, A));
    const deltaB_u = torch.einsum("bld,bln,bdl->bdln", delta, B, u);
    let x = torch.zeros([b, d_in, n]);
    const ys: Tensor[] = [];
    for (let i = 0; i < l; i++) {
      x = deltaA.index(":", ":", i).mul(x).add(deltaB_u.index(":", ":", i));
      const y = torch.einsum("bdn,bn->bd", x, C.index(":", i, ":"));
      ys.push(y);
    }
    let y = torch.stack(ys, { dim: 2 });
    if (D !== null) y = y.add(u.mul(D.unsqueeze(-1)));
    return y;
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
  embedding: nn.Embedding;
  layers: nn.ModuleList;
  norm_f: RMSNorm;
  lm_head: nn.Linear;
  constructor(public args: ModelArgs) {
    super();
    this.embedding = new nn.Embedding(args.vocab_size, args.d_model);
    this.layers = new nn.ModuleList(Array.from({ length: args.n_layer }, () => new ResidualBlock(args)));
    this.norm_f = new RMSNorm(args.d_model);
    this.lm_head = new nn.Linear(args.d_model, args.vocab_size, { bias: false });
    this.lm_head.weight = this.embedding.weight;
  }
  forward(input_ids: Tensor): Tensor {
    let x = this.embedding(input_ids);
    for (const layer of this.layers) x = layer(x) as Tensor;
    x = this.norm_f(x);
    return this.lm_head(x);
  }
}

describe("mamba-minimal", () => {
  const r = ref.mamba;
  it("Mamba (2 layers, tied lm_head): parameters, repr, logits, gradients, four AdamW steps", () => {
    const args = new ModelArgs(8, 2, 13, 4, 2, "auto", 3);
    expect([args.vocab_size, args.d_inner, args.dt_rank]).toEqual(r.args);
    torch.manual_seed(0);
    const model = new Mamba(args);
    expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    expect([...model.named_parameters()].map(([n]) => n)).toEqual(r.names);
    expect(String(model)).toBe(r.repr);
    const mix = (model.layers.get(0) as ResidualBlock).mixer;
    expectT(mix.A_log, r.A_log, 1e-6);
    torch.manual_seed(1);
    const ids = torch.randint(0, 13, [2, 6]);
    const lossOf = (logits: Tensor) =>
      F.cross_entropy(logits.index(":", ":-1").reshape(-1, args.vocab_size), ids.index(":", "1:").reshape(-1));
    let logits = model(ids);
    expectT(logits, r.logits, 1e-5);
    lossOf(logits).backward();
    expectT(mix.A_log.grad!, r.grads.A_log, 1e-5);
    expectT(mix.D.grad!, r.grads.D, 1e-5);
    expectT(mix.conv1d.weight.grad!, r.grads.conv_w, 1e-5);
    expectT(model.embedding.weight.grad!, r.grads.emb, 1e-5);
    expectT(mix.dt_proj.bias!.grad!, r.grads.dt_bias, 1e-5);
    const opt = new optim.AdamW(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      opt.zero_grad();
      logits = model(ids);
      const loss = lossOf(logits);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-4);
    expectT((model.layers.get(1) as ResidualBlock).mixer.A_log, r.after, 1e-4);

    // from_pretrained's round trip on the model's own state_dict: the tied weight under both names, a fresh model
    // loading it, and keys with the hub's 'backbone.' prefix left on
    const sd = model.state_dict();
    expect(Object.keys(sd)).toEqual(r.sd_keys);
    expect(Object.values(sd).map((v) => v.shape)).toEqual(r.sd_shapes);
    torch.manual_seed(3);
    const model2 = new Mamba(args);
    expect(String(model2.load_state_dict(sd))).toBe(r.load);
    expect(model2.lm_head.weight === model2.embedding.weight).toBe(r.tied_after_load);
    expectT(model2(ids), r.logits_loaded, 1e-5);
    const prefixed = Object.fromEntries(Object.entries(sd).map(([k, v]) => [`backbone.${k}`, v]));
    expect(raised(() => model2.load_state_dict(prefixed))).toEqual(r.load_prefixed);

    // demo.ipynb's generate on token ids: top-k by a boolean mask assignment, sum(axis=1, keepdims=True), multinomial
    function generate(model: Mamba, input_ids: Tensor, n_tokens_to_gen = 4, sample = true, top_k: number | null = 5): Tensor {
      model.eval();
      for (let token_n = 0; token_n < n_tokens_to_gen; token_n++) {
        const next_token_logits = torch.no_grad(() => model(input_ids).index(":", -1));
        let probs = F.softmax(next_token_logits, { dim: -1 });
        if (top_k !== null) {
          const [values] = torch.topk(probs, { k: top_k });
          probs.index_put_([probs.lt(values.index(":", -1, "None"))], 0);
          probs = probs.div(probs.sum({ axis: 1, keepdims: true } as never));
        }
        const next_indices = sample ? torch.multinomial(probs, { num_samples: 1 }) : torch.argmax(probs, { dim: -1 }).index(":", "None");
        input_ids = torch.cat([input_ids, next_indices], { dim: 1 });
      }
      return input_ids;
    }
    torch.manual_seed(7);
    expect(generate(model, ids.index(":", ":3")).tolist()).toEqual(r.gen_sample);
    expect(generate(model, ids.index(":", ":3"), 4, false, null).tolist()).toEqual(r.gen_greedy);
    expect(model.training).toBe(r.training_after_gen);
  });

  it("a MambaBlock on its own, softplus with beta / threshold", () => {
    const args = new ModelArgs(8, 2, 13, 4, 2, "auto", 3);
    torch.manual_seed(2);
    const blk = new MambaBlock(args);
    const xb = torch.randn(1, 4, 8);
    expectT(blk(xb), r.block_out, 1e-5);
    expectT(F.softplus(torch.tensor([-30.0, -1.0, 0.0, 1.0, 19.0, 25.0]), { beta: 2, threshold: 10 }), r.softplus, 1e-6);
  });

  it("the learner's mistakes: split sizes, conv1d before the transpose, einsum operands / sizes, an int Parameter", () => {
    const m = ref.mamba_mistakes;
    const args = new ModelArgs(8, 2, 13, 4, 2, "auto", 3);
    const blk = new MambaBlock(args);
    expect(thrown(() => torch.randn(1, 16, 5).split({ split_size: [8, 7], dim: 1 }))).toEqual(m.split_sum);
    expect(thrown(() => blk.conv1d(torch.randn(1, 4, 16)))).toEqual(m.conv_no_transpose);
    expect(thrown(() => torch.einsum("bld,dn->bdln", torch.randn(1, 4, 16)))).toEqual(m.einsum_ops);
    expect(thrown(() => torch.einsum("bld,dn->bdln", torch.randn(1, 4, 16), torch.randn(8, 4)))).toEqual(m.einsum_dim);
    expect(thrown(() => torch.einsum("bld,dn->bdlm", torch.randn(1, 4, 16), torch.randn(16, 4)))).toEqual(m.einsum_out);
    expect(thrown(() => new nn.Parameter(torch.arange(1, 5).repeat(3, 1)))).toEqual(m.param_int);
    expect(thrown(() => torch.zeros(2, 16, 4).mul(torch.ones(16)))).toEqual(m.zeros_tuple_D);
  });
});

// ============================================ efficient-kan ============================================
type KANOpts = {
  grid_size?: number; spline_order?: number; scale_noise?: number; scale_base?: number; scale_spline?: number;
  enable_standalone_scale_spline?: boolean; base_activation?: new () => nn.Module; grid_eps?: number; grid_range?: number[];
};

class KANLinear extends nn.Module {
  declare grid: Tensor;
  grid_size: number;
  spline_order: number;
  base_weight: nn.Parameter;
  spline_weight: nn.Parameter;
  spline_scaler!: nn.Parameter;
  scale_noise: number;
  scale_base: number;
  scale_spline: number;
  enable_standalone_scale_spline: boolean;
  base_activation: nn.Module;
  grid_eps: number;
  constructor(public in_features: number, public out_features: number, o: KANOpts = {}) {
    super();
    const { grid_size = 5, spline_order = 3, scale_noise = 0.1, scale_base = 1.0, scale_spline = 1.0,
      enable_standalone_scale_spline = true, base_activation = nn.SiLU, grid_eps = 0.02, grid_range = [-1, 1] } = o;
    this.grid_size = grid_size;
    this.spline_order = spline_order;
    const h = (grid_range[1] - grid_range[0]) / grid_size;
    const grid = torch.arange(-spline_order, grid_size + spline_order + 1).mul(h).add(grid_range[0])
      .expand(in_features, -1).contiguous();
    this.register_buffer("grid", grid);
    this.base_weight = new nn.Parameter(new torch.Tensor(out_features, in_features));
    this.spline_weight = new nn.Parameter(new torch.Tensor(out_features, in_features, grid_size + spline_order));
    if (enable_standalone_scale_spline) this.spline_scaler = new nn.Parameter(new torch.Tensor(out_features, in_features));
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
      const noise = torch.rand(this.grid_size + 1, this.in_features, this.out_features).sub(1 / 2)
        .mul(this.scale_noise).div(this.grid_size);
      this.spline_weight.data.copy_(
        this.curve2coeff(this.grid.T.index(`${this.spline_order}:${-this.spline_order}`), noise)
          .mul(!this.enable_standalone_scale_spline ? this.scale_spline : 1.0),
      );
      if (this.enable_standalone_scale_spline)
        nn.init.kaiming_uniform_(this.spline_scaler, { a: Math.sqrt(5) * this.scale_spline });
    });
  }
  b_splines(x: Tensor): Tensor {
    expect(x.dim() === 2 && x.size(1) === this.in_features).toBe(true);
    const grid = this.grid;
    x = x.unsqueeze(-1);
    let bases = x.ge(grid.index(":", ":-1")).bitwise_and(x.lt(grid.index(":", "1:"))).to(x.dtype);
    for (let k = 1; k <= this.spline_order; k++) {
      bases = x.sub(grid.index(":", `:${-(k + 1)}`)).div(grid.index(":", `${k}:-1`).sub(grid.index(":", `:${-(k + 1)}`)))
        .mul(bases.index(":", ":", ":-1"))
        .add(grid.index(":", `${k + 1}:`).sub(x).div(grid.index(":", `${k + 1}:`).sub(grid.index(":", `1:${-k}`)))
          .mul(bases.index(":", ":", "1:")));
    }
    expect(bases.size()).toEqual([x.size(0), this.in_features, this.grid_size + this.spline_order]);
    return bases.contiguous();
  }
  curve2coeff(x: Tensor, y: Tensor): Tensor {
    const A = this.b_splines(x).transpose(0, 1);
    const B = y.transpose(0, 1);
    const solution = torch.linalg.lstsq(A, B).solution;
    return solution.permute(2, 0, 1).contiguous();
  }
  get scaled_spline_weight(): Tensor {
    return this.spline_weight.mul(this.enable_standalone_scale_spline ? this.spline_scaler.unsqueeze(-1) : 1.0);
  }
  forward(x: Tensor): Tensor {
    const original_shape = x.shape;
    x = x.reshape(-1, this.in_features);
    const base_output = F.linear(this.base_activation(x) as Tensor, this.base_weight);
    const spline_output = F.linear(
      this.b_splines(x).view(x.size(0), -1),
      this.scaled_spline_weight.view(this.out_features, -1),
    );
    return base_output.add(spline_output).reshape(...original_shape.slice(0, -1), this.out_features);
  }
  update_grid(x: Tensor, margin = 0.01): void {
    torch.no_grad(() => {
      const batch = x.size(0);
      const splines = this.b_splines(x).permute(1, 0, 2);
      const orig_coeff = this.scaled_spline_weight.permute(1, 2, 0);
      const unreduced_spline_output = torch.bmm(splines, orig_coeff).permute(1, 0, 2);
      const x_sorted = torch.sort(x, { dim: 0 })[0];
      const grid_adaptive = x_sorted.index(torch.linspace(0, batch - 1, this.grid_size + 1, { dtype: torch.int64 }));
      const uniform_step = x_sorted.index(-1).sub(x_sorted.index(0)).add(2 * margin).div(this.grid_size);
      const grid_uniform = torch.arange(this.grid_size + 1, { dtype: torch.float32 }).unsqueeze(1)
        .mul(uniform_step).add(x_sorted.index(0)).sub(margin);
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
  constructor(layers_hidden: number[], o: KANOpts = {}) {
    super();
    this.layers = new nn.ModuleList();
    for (let i = 0; i + 1 < layers_hidden.length; i++) this.layers.append(new KANLinear(layers_hidden[i], layers_hidden[i + 1], o));
  }
  forward(x: Tensor, update_grid = false): Tensor {
    for (const layer of this.layers as Iterable<KANLinear>) {
      if (update_grid) layer.update_grid(x);
      x = layer(x) as Tensor;
    }
    return x;
  }
  regularization_loss(a = 1.0, e = 1.0): Tensor {
    return [...(this.layers as Iterable<KANLinear>)].map((l) => l.regularization_loss(a, e)).reduce((s, t) => s.add(t));
  }
}

describe("efficient-kan", () => {
  const r = ref.kan;
  it("KANLinear: the grid buffer, initialisation through lstsq, b_splines, forward, regularization_loss, repr", () => {
    torch.manual_seed(0);
    const lin = new KANLinear(3, 2, { grid_size: 4 });
    expectT(lin.grid, r.grid, 1e-6);
    expectT(lin.base_weight, r.base_weight, 1e-6);
    expectT(lin.spline_weight, r.spline_weight, 1e-5);
    expectT(lin.spline_scaler, r.spline_scaler, 1e-6);
    expect(String(lin)).toBe(r.repr);
    const x = torch.rand(5, 3).mul(2).sub(1);
    expectT(lin.b_splines(x), r.bases, 1e-6);
    expectT(lin(x), r.out, 1e-5);
    expectNums([lin.regularization_loss().item()], [r.reg], 1e-5);
  });

  it("KAN([2, 4, 1]): four AdamW steps with the MSE plus regularization, update_grid on the third", () => {
    torch.manual_seed(3);
    const kan = new KAN([2, 4, 1], { grid_size: 5 });
    expect(String(kan)).toBe(r.kan_repr);
    const X = torch.rand(16, 2).mul(2).sub(1);
    const Y = torch.sin(X.index(":", ":1").mul(Math.PI)).add(X.index(":", "1:").pow(2));
    const opt = new optim.AdamW(kan.parameters(), { lr: 1e-2, weight_decay: 1e-4 });
    const losses: number[] = [];
    const l0 = kan.layers.get(0) as KANLinear, l1 = kan.layers.get(1) as KANLinear;
    for (let step = 0; step < 4; step++) {
      opt.zero_grad();
      const pred = kan(X, step === 2) as Tensor;
      const loss = F.mse_loss(pred, Y).add(kan.regularization_loss().mul(1e-4));
      loss.backward();
      if (step === 0) {
        expectT(l0.base_weight.grad!, r.grads0.base, 1e-5);
        expectT(l0.spline_weight.grad!, r.grads0.spline, 1e-5);
        expectT(l1.spline_scaler.grad!, r.grads0.scaler, 1e-5);
      }
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-4);
    expectT(l0.grid, r.grid_after, 1e-5);
    expectT(l1.spline_weight, r.spline_after, 1e-3);
  });

  it("torch.linalg.lstsq under- and overdetermined (solution, residuals, rank, singular_values), linspace to int64", () => {
    const A = torch.tensor([[[1.0, 2.0, 0.5, 0.0], [0.0, 1.0, 1.0, 2.0]], [[1.0, 0.0, 0.0, 1.0], [2.0, 1.0, 0.0, 0.5]]]);
    const B = torch.tensor([[[1.0], [2.0]], [[0.5], [-1.0]]]);
    const s = torch.linalg.lstsq(A, B);
    [s.solution, s.residuals, s.rank, s.singular_values].forEach((t, i) => expectT(t, r.lstsq_under[i], 1e-5));
    const A2 = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]]);
    const B2 = torch.tensor([[1.0], [2.0], [2.0], [4.0]]);
    const s2 = torch.linalg.lstsq(A2, B2);
    [s2.solution, s2.residuals, s2.rank, s2.singular_values].forEach((t, i) => expectT(t, r.lstsq_over[i], 1e-5));
    expect(torch.linspace(0, 15, 6, { dtype: torch.int64 }).tolist()).toEqual(r.linspace_int);
    expect(torch.linspace(0, 9, 4, { dtype: torch.int64 }).tolist()).toEqual(r.linspace_int2);
    expect(torch.linspace(-3, 4, 5, { dtype: torch.int32 }).tolist()).toEqual(r.linspace_int3);
    expectT(torch.arange(-3, 8).mul(0.4).add(-1), r.arange_h, 1e-6);
  });

  it("the learner's mistakes: lstsq shapes / dtypes, no unsqueeze, view of .T, copy_ of the wrong shape, bool minus", () => {
    const m = ref.kan_mistakes;
    const lin = new KANLinear(3, 2, { grid_size: 4 });
    expect(thrown(() => torch.linalg.lstsq(torch.randn(3, 5, 4), torch.randn(3, 6, 2)))).toEqual(m.lstsq_rows);
    expect(thrown(() => torch.linalg.lstsq(torch.ones(3, 2, { dtype: torch.long }), torch.ones(3, 1, { dtype: torch.long })))).toEqual(m.lstsq_int);
    expect(thrown(() => torch.linalg.lstsq(torch.randn(3), torch.randn(3)))).toEqual(m.lstsq_1d);
    expect(thrown(() => torch.rand(5, 3).ge(lin.grid.index(":", ":-1")))).toEqual(m.no_unsqueeze);
    expect(thrown(() => lin.grid.T.view(-1))).toEqual(m.view_T);
    expect(thrown(() => lin.grid.copy_(torch.zeros(12, 3)))).toEqual(m.copy_shape);
    expect(thrown(() => torch.ones(2, { dtype: torch.bool }).sub(torch.ones(2, { dtype: torch.bool })))).toEqual(m.bool_sub);
    expect(thrown(() => F.linear(torch.randn(5, 24), lin.scaled_spline_weight.view(2, -1)))).toEqual(m.linear_shape);
  });
});

// ============================================ minGRU ============================================
const exists = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

function heinsen_associative_scan_log(log_coeffs: Tensor, log_values: Tensor): Tensor {
  const a_star = log_coeffs.cumsum({ dim: 1 });
  const log_h0_plus_b_star = log_values.sub(a_star).logcumsumexp({ dim: 1 });
  const log_h = a_star.add(log_h0_plus_b_star);
  return log_h.exp();
}
const g = (x: Tensor) => torch.where(x.ge(0), x.add(0.5), x.sigmoid());
const log_g = (x: Tensor) => torch.where(x.ge(0), F.relu(x).add(0.5).log(), F.softplus(x.neg()).neg());

class minGRU extends nn.Module {
  to_hidden_and_gate: nn.Linear;
  to_out: nn.Module;
  constructor(dim: number, expansion_factor = 1.0) {
    super();
    const dim_inner = Math.trunc(dim * expansion_factor);
    this.to_hidden_and_gate = new nn.Linear(dim, dim_inner * 2, { bias: false });
    this.to_out = expansion_factor !== 1.0 ? new nn.Linear(dim_inner, dim, { bias: false }) : new nn.Identity();
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
    out = this.to_out(out) as Tensor;
    if (!return_next_prev_hidden) return out;
    return [out, next_prev_hidden];
  }
}

class minLSTM extends nn.Module {
  to_hidden_and_f_i_gate: nn.Linear;
  to_out: nn.Module;
  constructor(dim: number, expansion_factor = 1.0) {
    super();
    const dim_inner = Math.trunc(dim * expansion_factor);
    this.to_hidden_and_f_i_gate = new nn.Linear(dim, dim_inner * 3, { bias: false });
    this.to_out = expansion_factor !== 1.0 ? new nn.Linear(dim_inner, dim, { bias: false }) : new nn.Identity();
  }
  forward(x: Tensor, prev_hidden: Tensor | null = null, return_next_prev_hidden = false): Tensor | [Tensor, Tensor] {
    const seq_len = x.shape[1];
    let [hidden, f_gate, i_gate] = this.to_hidden_and_f_i_gate(x).chunk(3, { dim: -1 });
    let out: Tensor;
    if (seq_len === 1) {
      hidden = g(hidden);
      f_gate = f_gate.sigmoid();
      i_gate = i_gate.sigmoid();
      const f_gate_prime = f_gate.div(f_gate.add(i_gate));
      const i_gate_prime = i_gate.div(f_gate.add(i_gate));
      out = exists(prev_hidden) ? prev_hidden.mul(f_gate_prime).add(hidden.mul(i_gate_prime)) : hidden.mul(i_gate_prime);
    } else {
      const diff = F.softplus(f_gate.neg()).sub(F.softplus(i_gate.neg()));
      let log_f = F.softplus(diff).neg();
      const log_i = F.softplus(diff.neg()).neg();
      let log_values = log_i.add(log_g(hidden));
      if (exists(prev_hidden)) {
        log_values = torch.cat([prev_hidden.log(), log_values], { dim: 1 });
        log_f = F.pad(log_f, [0, 0, 1, 0]);
      }
      out = heinsen_associative_scan_log(log_f, log_values);
      out = out.index(":", `${-seq_len}:`);
    }
    const next_prev_hidden = out.index(":", "-1:");
    out = this.to_out(out) as Tensor;
    if (!return_next_prev_hidden) return out;
    return [out, next_prev_hidden];
  }
}

describe("minGRU (lucidrains/minGRU-pytorch's core)", () => {
  it("minLSTM: the parallel scan, resuming from prev_hidden, one step with prev_hidden, AdamW steps", () => {
    const r = ref.mingru;
    torch.manual_seed(4);
    const ml = new minLSTM(4, 2.0);
    expect(String(ml)).toBe(r.lstm_repr);
    const xl = torch.randn(2, 6, 4);
    const [o, h] = ml(xl, null, true) as [Tensor, Tensor];
    expectT(o, r.lstm_out, 1e-5);
    expectT(ml(xl.index(":", "3:"), (ml(xl.index(":", ":3"), null, true) as [Tensor, Tensor])[1]) as Tensor, r.lstm_resume, 1e-5);
    expectT(ml(xl.index(":", ":1"), h) as Tensor, r.lstm_step, 1e-5);
    const opt = new optim.AdamW(ml.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      opt.zero_grad();
      const loss = (ml(xl) as Tensor).pow(2).mean();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.lstm_losses, 1e-5);
  });

  const r = ref.mingru;
  it("the parallel log-space scan, the sequential path with lerp, resuming from prev_hidden, AdamW steps", () => {
    torch.manual_seed(0);
    const mg = new minGRU(4, 1.5);
    expect(String(mg)).toBe(r.repr);
    const xg = torch.randn(2, 5, 4);
    const [o, h] = mg(xg, null, true) as [Tensor, Tensor];
    expectT(o, r.out, 1e-5);
    expectT(h, r.h, 1e-5);
    let hs: Tensor | null = null;
    const outs: Tensor[] = [];
    for (let t = 0; t < 5; t++) {
      const [ot, hn] = mg(xg.index(":", `${t}:${t + 1}`), hs, true) as [Tensor, Tensor];
      outs.push(ot);
      hs = hn;
    }
    expectT(torch.cat(outs, { dim: 1 }), r.seq, 1e-5);
    const o2 = mg(xg.index(":", "2:"), (mg(xg.index(":", ":2"), null, true) as [Tensor, Tensor])[1]) as Tensor;
    expectT(o2, r.resume, 1e-5);
    const opt = new optim.AdamW(mg.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    const target = torch.randn(2, 5, 4);
    for (let step = 0; step < 3; step++) {
      opt.zero_grad();
      const loss = F.mse_loss(mg(xg) as Tensor, target);
      loss.backward();
      if (step === 0) expectT(mg.to_hidden_and_gate.weight.grad!, r.grad0, 1e-5);
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
  });

  it("logcumsumexp with -inf and large spreads, its gradient; lerp with a tensor weight", () => {
    const inf = Number.POSITIVE_INFINITY;
    expectT(torch.tensor([[-1.0, 0.5, -inf, 2.0], [30.0, -30.0, 1.0, -inf]]).logcumsumexp({ dim: 1 }), r.lcse, 1e-5);
    expect(torch.tensor([-inf, -inf, 0.0]).logcumsumexp({ dim: 0 }).tolist()).toEqual(r.lcse_inf.data.map((v: number | string) => (v === "-inf" ? -inf : v)));
    const z = torch.tensor([[-1.0, 0.5, -3.0, 2.0], [3.0, -2.0, 1.0, 0.0]], { requires_grad: true });
    z.logcumsumexp({ dim: 1 }).mul(torch.arange(1.0, 5.0)).sum().backward();
    expectT(z.grad!, r.lcse_grad, 1e-5);
    expectT(torch.lerp(torch.zeros(2, 3), torch.ones(2, 3).mul(4), torch.tensor([0.0, 0.25, 1.5])), r.lerp, 1e-6);
  });

  it("the learner's mistakes: logcumsumexp without dim / of ints, lerp of None / mismatched shapes and dtypes, F.pad, chunk(0)", () => {
    const m = ref.mingru_mistakes;
    expect((thrown(() => (torch.randn(3) as any).logcumsumexp()))).toEqual(m.lcse_nodim); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(thrown(() => torch.arange(3).logcumsumexp(0))).toEqual(m.lcse_int);
    expect((thrown(() => torch.lerp(null as never, torch.ones(2), 0.5)))).toEqual(m.lerp_none);
    expect(thrown(() => torch.lerp(torch.zeros(2, 3), torch.ones(2, 4), 0.5))).toEqual(m.lerp_shape);
    expect(thrown(() => torch.lerp(torch.zeros(3), torch.ones(3, { dtype: torch.float64 }), 0.5))).toEqual(m.lerp_dtype);
    expect(thrown(() => F.pad(torch.randn(2, 5, 4), [0, 0, 1]))).toEqual(m.pad_odd);
    expect(thrown(() => torch.randn(2, 6).chunk(0, { dim: -1 }))).toEqual(m.chunk_zero);
  });
});
