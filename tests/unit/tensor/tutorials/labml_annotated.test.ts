/**
 * A probe of labmlai/annotated_deep_learning_paper_implementations (module labml_nn), the plain-PyTorch modules a
 * course instructor reuses, translated as a learner would:
 *  - normalization: batch_norm (BatchNorm with exp_mean / exp_var buffers reassigned in forward), layer_norm
 *    (normalized_shape as an int, a list or x.shape[2:]), group_norm, instance_norm, weight_standardization
 *    (torch.var_mean) and its nn.Conv2d subclass calling F.conv2d(x, w, bias, stride, padding, dilation, groups),
 *    batch_channel_norm (EstimatedBatchNorm under no_grad, ChannelNorm);
 *  - transformers: utils.subsequent_mask, mha (PrepareForMultiHeadAttention, MultiHeadAttention by einsum with a
 *    keyword-only forward), feed_forward (gated, GELU), rope (RotaryPositionalEmbeddings and its _test_rotary,
 *    RotaryPEMultiHeadAttention), alibi (get_slopes, get_alibi_biases, AlibiMultiHeadAttention);
 *  - lora: Linear (frozen weight, trained lora_a / lora_b) and Embedding;
 *  - sampling: greedy, temperature (Categorical(logits=)), top_k (new_ones * -inf, topk, scatter_), nucleus (sort,
 *    cumsum, x[~mask] = -inf, gather);
 *  - optimizers: GenericAdaptiveOptimizer (a torch.optim.Optimizer subclass overriding step), WeightDecay, Adam,
 *    AMSGrad (torch.maximum(out=)), RAdam, AdamWarmup, Noam; the AMSGrad paper's synthetic experiment, cut to 300
 *    steps;
 *  - capsule_networks (Squash, Router, MarginLoss), lstm (LSTMCell with / without LayerNorm, LSTM), graphs/gat
 *    (GraphAttentionLayer, the experiment's GAT, 5 Adam steps), gan/wasserstein (DiscriminatorLoss, GeneratorLoss,
 *    GradientPenalty via autograd.grad(create_graph=True), 3 WGAN-GP steps), activations (Swish, FTA);
 *  - transformers/positional_encoding (encodings[:, 0::2] = ..., a non-persistent buffer), transformers/xl
 *    (shift_right, RelativeMultiHeadAttention over a longer memory), transformers/switch (SwitchFeedForward with
 *    clone_module_list = copy.deepcopy, nonzero(as_tuple=True), capacity and randperm-dropped tokens), rl/ppo
 *    (ClippedPPOLoss, ClippedValueFunctionLoss; gae.py's NumPy arrays as tensors), transformers/aft (AFTLocal),
 *    adaptive_computation/ponder_net (ParityPonderGRU with bernoulli halting, ReconstructionLoss, RegularizationLoss);
 *  - hypernetworks/hyper_lstm (HyperLSTMCell with nn.ParameterList, HyperLSTM), transformers/gmlp (GMLPBlock,
 *    SpacialGatingUnit), conv_mixer (ConvMixerLayer, PatchEmbeddings, ClassificationHead, ConvMixer: 3 Adam steps),
 *    normalization/deep_norm (DeepNorm, DeepNormTransformerLayer scaling weights in place under no_grad);
 *  - gan/stylegan (StyleGAN2 at 8x8: MappingNetwork, weight-modulated Conv2dWeightModulate with groups=batch,
 *    StyleBlock / ToRGB / GeneratorBlock / Generator, Smooth (ReplicationPad2d), Up/DownSample (bilinear),
 *    MiniBatchStdDev, DiscriminatorBlock / Discriminator, equalized-lr layers, GradientPenalty, PathLengthPenalty) and
 *    its experiment's loop for 3 steps (hinge losses, both penalties, clip_grad_norm_, three Adam optimizers);
 *  - sketch_rnn (BivariateGaussianMixture with MultivariateNormal(covariance_matrix=) and Categorical, the
 *    bidirectional-LSTM EncoderRNN with torch.normal reparametrisation, DecoderRNN, the reconstruction and KL losses,
 *    3 training steps, Sampler.sample at temperature 0.4 returning the sequence plot() would draw; einops'
 *    rearrange written with permute / reshape).
 * labml's helpers are dropped (tracker.debug, logger.inspect; its Module / TypedModuleList are nn.Module /
 * nn.ModuleList). Inputs are small seeded tensors built the same way on both sides; values are compared with torch
 * 1.13 running the same code (scripts/fixtures/labml_annotated_fixtures.py -> tests/fixtures/torch/tutorials/
 * labml_annotated.json). Gaps found were fixed in 95189ee0 (optim.Optimizer subclassable without _update_group,
 * topk's out-of-range message, nn.Parameter of an int tensor) and in ae9e93b1 (factories'
 * requires_grad refusal of an int dtype, memory_format in the *_like options' type), da3ba538 (requires_grad_()'s and
 * the attribute's words) and dd12b6bf (second derivatives through F.pad, which StyleGAN2's gradient penalty needs),
 * with core/labml_annotated_gaps.test.ts.
 *
 * Python forms written otherwise: keyword-only forward(*, query, key, value, mask=None) -> forward({ query, key,
 * value, mask }); `self.state[param]` (a defaultdict) -> state.get / state.set; `x[..., :d]` -> x.index("...", ":d");
 * `x[~mask] = v` -> x.index_put_([mask.logical_not()], v); `a, b = group['betas']` -> const [a, b] = group.betas;
 * `shape[:-1] + (1,)` -> [...shape.slice(0, -1), 1]; `x[:, None]` -> x.index(":", "None") (null is ":");
 * integer lists and int ranges given float steps -> torch.tensor(list, { dtype: torch.long }) / arange(..., { dtype:
 * torch.float32 }) (a JS number does not say int or float; for the same reason the float default weight_decay=0.
 * prints as 0 in the optimizer's repr); `torch.Size(...) == x.shape[2:]` -> comparing the arrays'
 * elements; `*_` unpacking -> [first]; asserts -> if / throw. Left out: the mask-shape assert whose Python error is
 * an IndexError of the tuple (a JS array read past its end gives undefined), and calling the keyword-only forward
 * positionally (Python's TypeError; a JS call cannot tell).
 */
import { describe, expect, it } from "vitest";
import { copy, F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("labml_annotated.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const long = { dtype: torch.long };

function assert(cond: boolean, msg = ""): void {
  if (!cond) throw new Error(`AssertionError: ${msg}`);
}

// ============================================ normalization ============================================
class BatchNorm extends nn.Module {
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  declare exp_mean: Tensor;
  declare exp_var: Tensor;
  constructor(
    public channels: number,
    { eps = 1e-5, momentum = 0.1, affine = true, track_running_stats = true } = {},
  ) {
    super();
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.track_running_stats = track_running_stats;
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
    if (this.track_running_stats) {
      this.register_buffer("exp_mean", torch.zeros(channels));
      this.register_buffer("exp_var", torch.ones(channels));
    }
  }
  eps: number;
  momentum: number;
  affine: boolean;
  track_running_stats: boolean;
  forward(x: Tensor): Tensor {
    const x_shape = x.shape;
    const batch_size = x_shape[0];
    assert(this.channels === x.shape[1]);
    x = x.view(batch_size, this.channels, -1);
    let mean: Tensor, v: Tensor;
    if (this.training || !this.track_running_stats) {
      mean = x.mean({ dim: [0, 2] });
      const mean_x2 = x.pow(2).mean({ dim: [0, 2] });
      v = mean_x2.sub(mean.pow(2));
      if (this.training && this.track_running_stats) {
        this.exp_mean = this.exp_mean.mul(1 - this.momentum).add(mean.mul(this.momentum));
        this.exp_var = this.exp_var.mul(1 - this.momentum).add(v.mul(this.momentum));
      }
    } else {
      mean = this.exp_mean;
      v = this.exp_var;
    }
    let x_norm = x.sub(mean.view(1, -1, 1)).div(torch.sqrt(v.add(this.eps)).view(1, -1, 1));
    if (this.affine) x_norm = this.scale!.view(1, -1, 1).mul(x_norm).add(this.shift!.view(1, -1, 1));
    return x_norm.view(x_shape);
  }
}

class LayerNorm extends nn.Module {
  normalized_shape: number[];
  gain?: nn.Parameter;
  bias?: nn.Parameter;
  constructor(normalized_shape: number | number[], public eps = 1e-5, public elementwise_affine = true) {
    super();
    this.normalized_shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
    if (this.elementwise_affine) {
      this.gain = new nn.Parameter(torch.ones(this.normalized_shape));
      this.bias = new nn.Parameter(torch.zeros(this.normalized_shape));
    }
  }
  forward(x: Tensor): Tensor {
    const tail = x.shape.slice(-this.normalized_shape.length);
    assert(this.normalized_shape.every((s, i) => s === tail[i]));
    const dims = this.normalized_shape.map((_, i) => -(i + 1));
    const mean = x.mean({ dim: dims, keepdim: true });
    const mean_x2 = x.pow(2).mean({ dim: dims, keepdim: true });
    const v = mean_x2.sub(mean.pow(2));
    let x_norm = x.sub(mean).div(torch.sqrt(v.add(this.eps)));
    if (this.elementwise_affine) x_norm = this.gain!.mul(x_norm).add(this.bias!);
    return x_norm;
  }
}

class GroupNorm extends nn.Module {
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  constructor(public groups: number, public channels: number, public eps = 1e-5, public affine = true) {
    super();
    assert(channels % groups === 0, "Number of channels should be evenly divisible by the number of groups");
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
  }
  forward(x: Tensor): Tensor {
    const x_shape = x.shape;
    const batch_size = x_shape[0];
    assert(this.channels === x.shape[1]);
    x = x.view(batch_size, this.groups, -1);
    const mean = x.mean({ dim: [-1], keepdim: true });
    const mean_x2 = x.pow(2).mean({ dim: [-1], keepdim: true });
    const v = mean_x2.sub(mean.pow(2));
    let x_norm = x.sub(mean).div(torch.sqrt(v.add(this.eps)));
    if (this.affine) {
      x_norm = x_norm.view(batch_size, this.channels, -1);
      x_norm = this.scale!.view(1, -1, 1).mul(x_norm).add(this.shift!.view(1, -1, 1));
    }
    return x_norm.view(x_shape);
  }
}

class InstanceNorm extends nn.Module {
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  constructor(public channels: number, public eps = 1e-5, public affine = true) {
    super();
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
  }
  forward(x: Tensor): Tensor {
    const x_shape = x.shape;
    const batch_size = x_shape[0];
    x = x.view(batch_size, this.channels, -1);
    const mean = x.mean({ dim: [-1], keepdim: true });
    const mean_x2 = x.pow(2).mean({ dim: [-1], keepdim: true });
    const v = mean_x2.sub(mean.pow(2));
    let x_norm = x.sub(mean).div(torch.sqrt(v.add(this.eps)));
    x_norm = x_norm.view(batch_size, this.channels, -1);
    if (this.affine) x_norm = this.scale!.view(1, -1, 1).mul(x_norm).add(this.shift!.view(1, -1, 1));
    return x_norm.view(x_shape);
  }
}

function weight_standardization(weight: Tensor, eps: number): Tensor {
  const [c_out, c_in, ...kernel_shape] = weight.shape;
  weight = weight.view(c_out, -1);
  const [v, mean] = torch.var_mean(weight, { dim: 1, keepdim: true });
  weight = weight.sub(mean).div(torch.sqrt(v.add(eps)));
  return weight.view(c_out, c_in, ...kernel_shape);
}

class WSConv2d extends nn.Conv2d {
  eps: number;
  constructor(in_channels: number, out_channels: number, kernel_size: number, { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, padding_mode = "zeros" as const, eps = 1e-5 } = {}) {
    super(in_channels, out_channels, kernel_size, { stride, padding, dilation, groups, bias, padding_mode });
    this.eps = eps;
  }
  forward(x: Tensor): Tensor {
    return F.conv2d(x, weight_standardization(this.weight, this.eps), this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

class EstimatedBatchNorm extends nn.Module {
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  declare exp_mean: Tensor;
  declare exp_var: Tensor;
  constructor(public channels: number, public eps = 1e-5, public momentum = 0.1, public affine = true) {
    super();
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
    this.register_buffer("exp_mean", torch.zeros(channels));
    this.register_buffer("exp_var", torch.ones(channels));
  }
  forward(x: Tensor): Tensor {
    const x_shape = x.shape;
    const batch_size = x_shape[0];
    x = x.view(batch_size, this.channels, -1);
    if (this.training) {
      torch.no_grad(() => {
        const mean = x.mean({ dim: [0, 2] });
        const mean_x2 = x.pow(2).mean({ dim: [0, 2] });
        const v = mean_x2.sub(mean.pow(2));
        this.exp_mean = this.exp_mean.mul(1 - this.momentum).add(mean.mul(this.momentum));
        this.exp_var = this.exp_var.mul(1 - this.momentum).add(v.mul(this.momentum));
      });
    }
    let x_norm = x.sub(this.exp_mean.view(1, -1, 1)).div(torch.sqrt(this.exp_var.add(this.eps)).view(1, -1, 1));
    if (this.affine) x_norm = this.scale!.view(1, -1, 1).mul(x_norm).add(this.shift!.view(1, -1, 1));
    return x_norm.view(x_shape);
  }
}

class ChannelNorm extends nn.Module {
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  constructor(public channels: number, public groups: number, public eps = 1e-5, public affine = true) {
    super();
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(groups));
      this.shift = new nn.Parameter(torch.zeros(groups));
    }
  }
  forward(x: Tensor): Tensor {
    const x_shape = x.shape;
    const batch_size = x_shape[0];
    x = x.view(batch_size, this.groups, -1);
    const mean = x.mean({ dim: [-1], keepdim: true });
    const mean_x2 = x.pow(2).mean({ dim: [-1], keepdim: true });
    const v = mean_x2.sub(mean.pow(2));
    let x_norm = x.sub(mean).div(torch.sqrt(v.add(this.eps)));
    if (this.affine) x_norm = this.scale!.view(1, -1, 1).mul(x_norm).add(this.shift!.view(1, -1, 1));
    return x_norm.view(x_shape);
  }
}

class BatchChannelNorm extends nn.Module {
  batch_norm: nn.Module;
  channel_norm: ChannelNorm;
  constructor(channels: number, groups: number, eps = 1e-5, momentum = 0.1, estimate = true) {
    super();
    this.batch_norm = estimate ? new EstimatedBatchNorm(channels, eps, momentum) : new BatchNorm(channels, { eps, momentum });
    this.channel_norm = new ChannelNorm(channels, groups, eps);
  }
  forward(x: Tensor): Tensor {
    x = this.batch_norm(x) as Tensor;
    return this.channel_norm(x);
  }
}

describe("normalization", () => {
  const r = ref.norm;
  it("BatchNorm: training (buffers reassigned), eval, gradients, state_dict, compared with nn.BatchNorm2d", () => {
    torch.manual_seed(0);
    const x = torch.randn(4, 3, 2, 2).mul(2).add(1);
    const bn = new BatchNorm(3);
    expectT(bn(x), r.bn_train, 1e-5);
    bn(x.mul(0.5));
    expectT(bn.exp_mean, r.bn_exp_mean, 1e-5);
    expectT(bn.exp_var, r.bn_exp_var, 1e-5);
    expect(Object.keys(bn.state_dict())).toEqual(r.bn_state_keys);
    expect([...bn.named_buffers()].map(([n]) => n)).toEqual(r.bn_buffers);
    bn.eval();
    expectT(bn(x), r.bn_eval, 1e-5);
    bn.train();
    bn(x).mul(torch.arange(48.0).view(4, 3, 2, 2)).sum().backward();
    expectT(bn.scale!.grad!, r.bn_scale_grad, 1e-4);
    expectT(bn.shift!.grad!, r.bn_shift_grad, 1e-5);
    expectT(new nn.BatchNorm2d(3)(x), r.bn_torch, 1e-5);
    expect(String(new BatchNorm(3))).toBe(r.bn_repr);
    // a permuted input cannot be viewed
    expect(thrown(() => new BatchNorm(3)(x.permute(0, 1, 3, 2)))).toEqual(r.view_noncontig);
  });

  it("LayerNorm over x.shape[2:], an int, a list; GroupNorm; InstanceNorm; each against torch's module", () => {
    torch.manual_seed(0);
    const x = torch.randn(4, 3, 2, 2).mul(2).add(1);
    const ln = new LayerNorm(x.shape.slice(2));
    expectT(ln(x), r.ln, 1e-5);
    expect(ln.gain!.shape).toEqual(r.ln_gain_shape);
    expectT(new LayerNorm(2)(x), r.ln_int, 1e-5);
    expectT(new LayerNorm([3, 2, 2])(x), r.ln_list, 1e-5);
    expectT(new nn.LayerNorm([2, 2])(x), r.ln_torch, 1e-5);
    torch.manual_seed(1);
    const x6 = torch.randn(2, 6, 2, 4);
    expectT(new GroupNorm(2, 6)(x6), r.gn, 1e-5);
    expectT(new nn.GroupNorm(2, 6)(x6), r.gn_torch, 1e-5);
    expectT(new InstanceNorm(6)(x6), r.in, 1e-5);
    expectT(new nn.InstanceNorm2d(6)(x6), r.in_torch, 1e-5);
  });

  it("weight standardization: the Conv2d subclass, var_mean forms, gradients, repr", () => {
    torch.manual_seed(2);
    const conv = new WSConv2d(3, 4, 3, { padding: 1 });
    const xc = torch.randn(2, 3, 5, 5);
    const yc = conv(xc);
    expectT(yc, r.ws_out, 1e-5);
    const ws = weight_standardization(conv.weight, 1e-5);
    expectT(ws, r.ws_weight, 1e-5);
    expectT(ws.view(4, -1).mean({ dim: 1 }), r.ws_stats[0], 1e-6);
    expectT(ws.view(4, -1).var({ dim: 1 }), r.ws_stats[1], 1e-5);
    yc.pow(2).mean().backward();
    expectT(conv.weight.grad!, r.ws_weight_grad, 1e-5);
    expect(String(conv)).toBe(r.ws_repr);
    const vm = torch.var_mean(xc.view(2, -1), { dim: 1, keepdim: true });
    vm.forEach((t, i) => expectT(t, r.var_mean[i], 1e-5));
    torch.var_mean(xc, { dim: [1, 2], unbiased: false }).forEach((t, i) => expectT(t, r.var_mean_unbiased_false[i], 1e-5));
    torch.var_mean(xc).forEach((t, i) => expectT(t, r.var_mean_all[i], 1e-5));
  });

  it("BatchChannelNorm: estimated batch statistics under no_grad, channel groups, the non-estimating variant", () => {
    torch.manual_seed(3);
    const bcn = new BatchChannelNorm(6, 2);
    const xb = torch.randn(3, 6, 2, 2);
    const yb = bcn(xb);
    expectT(yb, r.bcn, 1e-5);
    const ebn = bcn.batch_norm as EstimatedBatchNorm;
    expectT(ebn.exp_mean, r.bcn_exp_mean, 1e-6);
    expect(ebn.exp_mean.requires_grad).toBe(r.bcn_exp_mean_requires_grad);
    yb.sum().backward();
    expectT(bcn.channel_norm.scale!.grad!, r.bcn_channel_scale_grad, 1e-4);
    expectT(ebn.scale!.grad!, r.bcn_batch_scale_grad, 1e-4);
    expect(Object.keys(bcn.state_dict())).toEqual(r.bcn_state_keys);
    const bcn2 = new BatchChannelNorm(6, 2, 1e-5, 0.1, false);
    expectT(bcn2(xb), r.bcn_noest, 1e-5);
    expect(String(bcn2)).toBe(r.bcn_noest_repr);
  });
});

// ============================================ transformers ============================================
function subsequent_mask(seq_len: number): Tensor {
  return torch.tril(torch.ones(seq_len, seq_len)).to(torch.bool).unsqueeze(-1);
}

class PrepareForMultiHeadAttention extends nn.Module {
  linear: nn.Linear;
  constructor(d_model: number, public heads: number, public d_k: number, bias: boolean) {
    super();
    this.linear = new nn.Linear(d_model, heads * d_k, { bias });
  }
  forward(x: Tensor): Tensor {
    const head_shape = x.shape.slice(0, -1);
    x = this.linear(x);
    return x.view(...head_shape, this.heads, this.d_k);
  }
}

type MHAArgs = { query: Tensor; key: Tensor; value: Tensor; mask?: Tensor | null };

class MultiHeadAttention extends nn.Module {
  d_k: number;
  heads: number;
  query: PrepareForMultiHeadAttention;
  key: PrepareForMultiHeadAttention;
  value: PrepareForMultiHeadAttention;
  softmax: nn.Softmax;
  output: nn.Linear;
  dropout: nn.Dropout;
  scale: number;
  attn: Tensor | null;
  constructor(heads: number, d_model: number, dropout_prob = 0.1, bias = true) {
    super();
    this.d_k = Math.floor(d_model / heads);
    this.heads = heads;
    this.query = new PrepareForMultiHeadAttention(d_model, heads, this.d_k, bias);
    this.key = new PrepareForMultiHeadAttention(d_model, heads, this.d_k, bias);
    this.value = new PrepareForMultiHeadAttention(d_model, heads, this.d_k, true);
    this.softmax = new nn.Softmax({ dim: 1 });
    this.output = new nn.Linear(d_model, d_model);
    this.dropout = new nn.Dropout(dropout_prob);
    this.scale = 1 / Math.sqrt(this.d_k);
    this.attn = null;
  }
  get_scores(query: Tensor, key: Tensor): Tensor {
    return torch.einsum("ibhd,jbhd->ijbh", query, key);
  }
  prepare_mask(mask: Tensor, query_shape: readonly number[], key_shape: readonly number[]): Tensor {
    assert(mask.shape[0] === 1 || mask.shape[0] === query_shape[0]);
    assert(mask.shape[1] === key_shape[0]);
    assert(mask.shape[2] === 1 || mask.shape[2] === query_shape[1]);
    return mask.unsqueeze(-1);
  }
  forward({ query, key, value, mask = null }: MHAArgs): Tensor {
    const [seq_len, batch_size] = query.shape;
    if (mask !== null) mask = this.prepare_mask(mask, query.shape, key.shape);
    query = this.query(query);
    key = this.key(key);
    value = this.value(value);
    let scores = this.get_scores(query, key);
    scores.mul_(this.scale);
    if (mask !== null) scores = scores.masked_fill(mask.eq(0), -Infinity);
    let attn = this.softmax(scores);
    attn = this.dropout(attn);
    let x = torch.einsum("ijbh,jbhd->ibhd", attn, value);
    this.attn = attn.detach();
    x = x.reshape(seq_len, batch_size, -1);
    return this.output(x);
  }
}

class FeedForward extends nn.Module {
  layer1: nn.Linear;
  layer2: nn.Linear;
  dropout: nn.Dropout;
  activation: nn.Module;
  is_gated: boolean;
  linear_v?: nn.Linear;
  constructor(d_model: number, d_ff: number, { dropout = 0.1, activation = new nn.ReLU() as nn.Module, is_gated = false, bias1 = true, bias2 = true, bias_gate = true } = {}) {
    super();
    this.layer1 = new nn.Linear(d_model, d_ff, { bias: bias1 });
    this.layer2 = new nn.Linear(d_ff, d_model, { bias: bias2 });
    this.dropout = new nn.Dropout(dropout);
    this.activation = activation;
    this.is_gated = is_gated;
    if (is_gated) this.linear_v = new nn.Linear(d_model, d_ff, { bias: bias_gate });
  }
  forward(x: Tensor): Tensor {
    const g = this.activation(this.layer1(x)) as Tensor;
    x = this.is_gated ? g.mul(this.linear_v!(x)) : g;
    x = this.dropout(x);
    return this.layer2(x);
  }
}

class RotaryPositionalEmbeddings extends nn.Module {
  cos_cached: Tensor | null = null;
  sin_cached: Tensor | null = null;
  constructor(public d: number, public base = 10_000) {
    super();
  }
  _build_cache(x: Tensor): void {
    if (this.cos_cached !== null && x.shape[0] <= this.cos_cached.shape[0]) return;
    const seq_len = x.shape[0];
    const theta = torch.pow(this.base, torch.arange(0, this.d, 2).float().div(this.d)).reciprocal().to(x.device);
    const seq_idx = torch.arange(seq_len, { device: x.device }).float().to(x.device);
    const idx_theta = torch.einsum("n,d->nd", seq_idx, theta);
    const idx_theta2 = torch.cat([idx_theta, idx_theta], { dim: 1 });
    this.cos_cached = idx_theta2.cos().index(":", "None", "None", ":");
    this.sin_cached = idx_theta2.sin().index(":", "None", "None", ":");
  }
  _neg_half(x: Tensor): Tensor {
    const d_2 = Math.floor(this.d / 2);
    return torch.cat([x.index(":", ":", ":", `${d_2}:`).neg(), x.index(":", ":", ":", `:${d_2}`)], { dim: -1 });
  }
  forward(x: Tensor): Tensor {
    this._build_cache(x);
    const seq_len = x.shape[0];
    let x_rope = x.index("...", `:${this.d}`);
    const x_pass = x.index("...", `${this.d}:`);
    const neg_half_x = this._neg_half(x_rope);
    x_rope = x_rope.mul(this.cos_cached!.index(`:${seq_len}`)).add(neg_half_x.mul(this.sin_cached!.index(`:${seq_len}`)));
    return torch.cat([x_rope, x_pass], { dim: -1 });
  }
}

class RotaryPEMultiHeadAttention extends MultiHeadAttention {
  query_rotary_pe: RotaryPositionalEmbeddings;
  key_rotary_pe: RotaryPositionalEmbeddings;
  constructor(heads: number, d_model: number, rope_percentage = 0.5, dropout_prob = 0.0) {
    super(heads, d_model, dropout_prob);
    const d_rope = Math.trunc(this.d_k * rope_percentage);
    this.query_rotary_pe = new RotaryPositionalEmbeddings(d_rope);
    this.key_rotary_pe = new RotaryPositionalEmbeddings(d_rope);
  }
  get_scores(query: Tensor, key: Tensor): Tensor {
    return torch.einsum("ibhd,jbhd->ijbh", this.query_rotary_pe(query), this.key_rotary_pe(key));
  }
}

function get_slopes(n_heads: number): Tensor {
  const n = 2 ** Math.floor(Math.log2(n_heads));
  const m_0 = 2.0 ** (-8.0 / n);
  let m = torch.pow(m_0, torch.arange(1, 1 + n));
  if (n < n_heads) {
    const m_hat_0 = 2.0 ** (-4.0 / n);
    const m_hat = torch.pow(m_hat_0, torch.arange(1, 1 + 2 * (n_heads - n), 2));
    m = torch.cat([m, m_hat]);
  }
  return m;
}

function get_alibi_biases(n_heads: number, mask: Tensor): Tensor {
  return torch.no_grad(() => {
    const m = get_slopes(n_heads).to(mask.device);
    const distance = mask.cumsum({ dim: -1 });
    return distance.index(":", ":", "None").mul(m.index("None", "None", ":"));
  });
}

class AlibiMultiHeadAttention extends MultiHeadAttention {
  alibi_biases: Tensor | null = null;
  forward({ query, key, value, mask = null }: MHAArgs): Tensor {
    assert(mask !== null && mask !== undefined);
    assert(mask!.shape[0] === mask!.shape[1] && mask!.shape[2] === 1);
    const [seq_len, batch_size] = query.shape;
    mask = this.prepare_mask(mask!, query.shape, key.shape);
    query = this.query(query);
    key = this.key(key);
    value = this.value(value);
    let scores = this.get_scores(query, key);
    scores.mul_(this.scale);
    if (this.alibi_biases === null || this.alibi_biases.shape[1] < seq_len) {
      this.alibi_biases = get_alibi_biases(scores.shape[scores.dim() - 1], mask.index(":", ":", 0, 0));
    }
    scores.add_(this.alibi_biases.index(`:${seq_len}`, `:${seq_len}`, "None", ":"));
    scores = scores.masked_fill(mask.eq(0), -Infinity);
    let attn = this.softmax(scores);
    attn = this.dropout(attn);
    let x = torch.einsum("ijbh,jbhd->ibhd", attn, value);
    x = x.reshape(seq_len, batch_size, -1);
    return this.output(x);
  }
}

describe("transformers: mha, feed_forward, rope, alibi", () => {
  const r = ref.transformers;
  it("subsequent_mask; MultiHeadAttention with and without a mask, its gradients, repr, parameter names", () => {
    expect(subsequent_mask(4).index(":", ":", 0).tolist()).toEqual(r.subsequent_mask);
    torch.manual_seed(4);
    const mha = new MultiHeadAttention(2, 8, 0.0);
    const q = torch.randn(5, 2, 8);
    const mask = subsequent_mask(5);
    const o = mha({ query: q, key: q, value: q, mask });
    expectT(o, r.mha_out, 1e-5);
    expectT(mha.attn!, r.mha_attn, 1e-5);
    expectT(mha({ query: q, key: q, value: q }), r.mha_no_mask, 1e-5);
    o.pow(2).sum().backward();
    expectT(mha.query.linear.weight.grad!, r.mha_query_grad, 1e-4);
    expect(String(mha)).toBe(r.mha_repr);
    expect([...mha.named_parameters()].map(([n]) => n)).toEqual(r.mha_param_names);
  });

  it("FeedForward gated with GELU and without biases, and the plain one; its repr", () => {
    torch.manual_seed(4);
    new MultiHeadAttention(2, 8, 0.0);
    const q = torch.randn(5, 2, 8);
    torch.manual_seed(5);
    const ff = new FeedForward(8, 16, { dropout: 0.0, activation: new nn.GELU(), is_gated: true, bias1: false, bias2: false, bias_gate: false });
    expectT(ff(q), r.ff_gated, 1e-5);
    expect(String(ff)).toBe(r.ff_repr);
    expectT(new FeedForward(8, 16, { dropout: 0.0 })(q), r.ff_plain, 1e-5);
  });

  it("RotaryPositionalEmbeddings: _test_rotary, a partial rotation with a cache reused, RotaryPEMultiHeadAttention", () => {
    const xr = torch.tensor([[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 10]], { dtype: torch.float }).index(":", "None", "None", ":");
    const rotary_pe = new RotaryPositionalEmbeddings(4);
    expectT(rotary_pe(xr), r.rope_test, 1e-5);
    expectT(rotary_pe.cos_cached!, r.rope_cos_cached, 1e-6);
    torch.manual_seed(6);
    const xr2 = torch.randn(6, 2, 2, 8);
    const rope6 = new RotaryPositionalEmbeddings(4);
    expectT(rope6(xr2), r.rope_partial, 1e-5);
    expectT(rope6(xr2.index(":3")), r.rope_cached_short, 1e-5);
    torch.manual_seed(4);
    new MultiHeadAttention(2, 8, 0.0);
    const q = torch.randn(5, 2, 8);
    torch.manual_seed(7);
    const rmha = new RotaryPEMultiHeadAttention(2, 8, 0.5);
    const o = rmha({ query: q, key: q, value: q, mask: subsequent_mask(5) });
    expectT(o, r.rope_mha, 1e-5);
    o.sum().backward();
    expectT(rmha.key.linear.weight.grad!, r.rope_mha_key_grad, 1e-4);
  });

  it("ALiBi: get_slopes (8 and 12 heads), biases from a causal mask, AlibiMultiHeadAttention", () => {
    expectT(get_slopes(8), r.slopes8, 1e-7);
    expectT(get_slopes(12), r.slopes12, 1e-7);
    expect(String(get_slopes(12).dtype)).toBe(r.slopes12_dtype);
    const am = subsequent_mask(6).index(":", ":", 0);
    const ab = get_alibi_biases(12, am);
    expectT(ab.index(":", ":", 3), r.alibi_biases_3, 1e-6);
    expect(String(ab.dtype)).toBe(r.alibi_biases_dtype);
    expect(String(am.cumsum({ dim: -1 }).dtype)).toBe(r.mask_cumsum_dtype);
    torch.manual_seed(4);
    new MultiHeadAttention(2, 8, 0.0);
    const q = torch.randn(5, 2, 8);
    torch.manual_seed(8);
    const amha = new AlibiMultiHeadAttention(4, 8, 0.0);
    expectT(amha({ query: q, key: q, value: q, mask: subsequent_mask(5) }), r.alibi_mha, 1e-5);
    expect(amha.alibi_biases!.shape).toEqual(r.alibi_cache_shape);
  });
});

// ============================================ LoRA ============================================
class LoraLinear extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter | null;
  scaling: number;
  lora_a: nn.Parameter;
  lora_b: nn.Parameter;
  constructor(in_features: number, out_features: number, bias: boolean, r: number, alpha: number | null = null) {
    super();
    if (alpha === null) alpha = r;
    this.weight = new nn.Parameter(torch.empty([out_features, in_features]));
    this.weight.requires_grad = false;
    if (bias) {
      this.bias = new nn.Parameter(torch.empty(out_features));
      this.bias.requires_grad = false;
    } else this.bias = null;
    this.scaling = alpha / r;
    this.lora_a = new nn.Parameter(torch.empty([r, in_features]));
    this.lora_b = new nn.Parameter(torch.empty([out_features, r]));
    torch.no_grad(() => {
      nn.init.kaiming_uniform_(this.lora_a, { a: 5 ** 0.5 });
      nn.init.zeros_(this.lora_b);
    });
  }
  forward(x: Tensor): Tensor {
    const result = F.linear(x, this.weight, { bias: this.bias });
    result.add_(x.matmul(this.lora_a.T).matmul(this.lora_b.T).mul(this.scaling));
    return result;
  }
}

class LoraEmbedding extends nn.Module {
  weight: nn.Parameter;
  scaling: number;
  lora_a: nn.Parameter;
  lora_b: nn.Parameter;
  constructor(num_embeddings: number, embedding_dim: number, r: number, alpha: number | null = null) {
    super();
    if (alpha === null) alpha = r;
    this.weight = new nn.Parameter(torch.empty([num_embeddings, embedding_dim]));
    this.weight.requires_grad = false;
    this.scaling = alpha / r;
    this.lora_a = new nn.Parameter(torch.empty([r, num_embeddings]));
    this.lora_b = new nn.Parameter(torch.empty([embedding_dim, r]));
    torch.no_grad(() => {
      nn.init.normal_(this.lora_a);
      nn.init.zeros_(this.lora_b);
    });
  }
  forward(x: Tensor): Tensor {
    const result = F.embedding(x, this.weight);
    result.add_(F.embedding(x, this.lora_a.T).matmul(this.lora_b.T).mul(this.scaling));
    return result;
  }
}

describe("LoRA", () => {
  const r = ref.lora;
  it("Linear: frozen weight, 4 SGD steps on lora_a / lora_b, names, state_dict, repr; without bias", () => {
    torch.manual_seed(9);
    const lin = new LoraLinear(6, 4, true, 2, 4);
    torch.no_grad(() => {
      lin.weight.copy_(torch.randn(4, 6));
      lin.bias!.copy_(torch.randn(4));
    });
    expectT(lin.lora_a, r.lora_a, 1e-6);
    const xl = torch.randn(3, 6);
    expectT(lin(xl), r.lora_out0, 1e-5);
    expect([...lin.named_parameters()].filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(r.lora_trainable);
    expect([...lin.named_parameters()].filter(([, p]) => !p.requires_grad).map(([n]) => n)).toEqual(r.lora_frozen);
    const opt = new optim.SGD([...lin.parameters()].filter((p) => p.requires_grad), { lr: 0.1 });
    const target = torch.randn(3, 4);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const loss = F.mse_loss(lin(xl), target);
      opt.zero_grad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.lora_losses, 1e-5);
    expectT(lin.lora_b, r.lora_b, 1e-5);
    expect(lin.weight.grad === null).toBe(r.lora_weight_grad);
    const lin_nb = new LoraLinear(6, 4, false, 2);
    torch.no_grad(() => lin_nb.weight.copy_(torch.randn(4, 6)));
    expectT(lin_nb(xl), r.lora_nobias, 1e-5);
    expect(Object.keys(lin.state_dict())).toEqual(r.lora_state_keys);
    expect(String(lin)).toBe(r.lora_repr);
  });

  it("Embedding: F.embedding of lora_a.T, gradients of lora_a", () => {
    torch.manual_seed(10);
    const emb = new LoraEmbedding(7, 5, 3);
    torch.no_grad(() => {
      emb.weight.normal_();
      emb.lora_b.uniform_(-0.5, 0.5);
    });
    const ids = torch.tensor([[0, 3, 6], [2, 2, 1]], long);
    const eo = emb(ids);
    expectT(eo, r.lora_emb, 1e-5);
    eo.sum().backward();
    expectT(emb.lora_a.grad!, r.lora_emb_a_grad, 1e-5);
  });
});

// ============================================ sampling ============================================
interface Sampler {
  call(logits: Tensor): Tensor;
}
class GreedySampler implements Sampler {
  call(logits: Tensor): Tensor {
    return logits.argmax({ dim: -1 });
  }
}
class TemperatureSampler implements Sampler {
  constructor(public temperature = 1.0) {}
  call(logits: Tensor): Tensor {
    const dist = new torch.distributions.Categorical({ logits: logits.div(this.temperature) });
    return dist.sample();
  }
}
class TopKSampler implements Sampler {
  constructor(public k: number, public sampler: Sampler) {}
  call(logits: Tensor): Tensor {
    const zeros = logits.new_ones(logits.shape).mul(-Infinity);
    const [values, indices] = torch.topk(logits, this.k, { dim: -1 });
    zeros.scatter_(-1, indices, values);
    return this.sampler.call(zeros);
  }
}
class NucleusSampler implements Sampler {
  softmax = new nn.Softmax({ dim: -1 });
  constructor(public p: number, public sampler: Sampler) {}
  call(logits: Tensor): Tensor {
    const probs = this.softmax(logits);
    const [sorted_probs, indices] = torch.sort(probs, { dim: -1, descending: true });
    const cum_sum_probs = torch.cumsum(sorted_probs, { dim: -1 });
    let nucleus = cum_sum_probs.lt(this.p);
    nucleus = torch.cat([nucleus.new_ones([...nucleus.shape.slice(0, -1), 1]), nucleus.index("...", ":-1")], { dim: -1 });
    const sorted_log_probs = torch.log(sorted_probs);
    sorted_log_probs.index_put_([nucleus.logical_not()], -Infinity);
    const sampled_sorted_indexes = this.sampler.call(sorted_log_probs);
    const res = indices.gather(-1, sampled_sorted_indexes.unsqueeze(-1));
    return res.squeeze(-1);
  }
}

describe("sampling", () => {
  const r = ref.sampling;
  it("greedy, temperature (three), top-k, nucleus: the same draws as torch from the same seeds", () => {
    torch.manual_seed(11);
    const logits = torch.randn(3, 10).mul(2);
    expect(new GreedySampler().call(logits).tolist()).toEqual(r.greedy);
    for (const [t, key] of [[1.0, "temp_1"], [0.5, "temp_05"], [3.0, "temp_3"]] as const) {
      torch.manual_seed(12);
      expect([0, 1, 2, 3, 4].map(() => new TemperatureSampler(t).call(logits).tolist())).toEqual(r[key]);
    }
    const zeros = logits.new_ones(logits.shape).mul(-Infinity);
    const [values, indices] = torch.topk(logits, 3, { dim: -1 });
    zeros.scatter_(-1, indices, values);
    const masked = (zeros.tolist() as number[][]).map((row) => row.map((v) => (v === -Infinity ? null : v)));
    masked.forEach((row, i) => row.forEach((v, j) => (v === null ? expect(r.topk_masked[i][j]).toBeNull() : expect(v).toBeCloseTo(r.topk_masked[i][j], 5))));
    torch.manual_seed(13);
    expect([0, 1, 2, 3, 4, 5].map(() => new TopKSampler(3, new TemperatureSampler(1.0)).call(logits).tolist())).toEqual(r.topk);
    torch.manual_seed(14);
    expect([0, 1, 2, 3, 4, 5].map(() => new NucleusSampler(0.7, new TemperatureSampler(1.0)).call(logits).tolist())).toEqual(r.nucleus);
    expect(new NucleusSampler(0.9, new GreedySampler()).call(logits).tolist()).toEqual(r.nucleus_greedy);
  });

  it("a learner's mistakes: temperature 0 (invalid logits), k larger than the vocabulary", () => {
    torch.manual_seed(11);
    const logits = torch.randn(3, 10).mul(2);
    expect(thrown(() => new TemperatureSampler(0.0).call(logits))).toEqual(r.temp_zero);
    expect(thrown(() => new TopKSampler(11, new GreedySampler()).call(logits))).toEqual(r.topk_too_big);
  });
});

// ============================================ optimizers ============================================
type AdaptiveGroup = { params: Tensor[]; lr: number; betas: [number, number]; eps: number; weight_decay: number; amsgrad?: boolean; warmup?: number };
type ParamState = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

class GenericAdaptiveOptimizer extends optim.Optimizer<Record<string, unknown>> {
  constructor(params: Iterable<Tensor>, defaults: Record<string, unknown>, lr: number, betas: [number, number], eps: number) {
    if (!(0.0 <= lr)) throw new Error(`Invalid learning rate: ${lr}`);
    if (!(0.0 <= eps)) throw new Error(`Invalid epsilon value: ${eps}`);
    if (!(0.0 <= betas[0] && betas[0] < 1.0)) throw new Error(`Invalid beta parameter at index 0: ${betas[0]}`);
    if (!(0.0 <= betas[1] && betas[1] < 1.0)) throw new Error(`Invalid beta parameter at index 1: ${betas[1]}`);
    Object.assign(defaults, { lr, betas, eps });
    super(params, defaults);
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  init_state(state: ParamState, group: AdaptiveGroup, param: Tensor): void {}
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  step_param(state: ParamState, group: AdaptiveGroup, grad: Tensor, param: Tensor): void {}
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as unknown as AdaptiveGroup[]) {
        for (const param of group.params) {
          if (param.grad === null) continue;
          const grad = param.grad.data;
          if (grad.is_sparse) throw new Error("GenericAdaptiveOptimizer does not support sparse gradients, please consider SparseAdam instead");
          let state = this.state.get(param);
          if (!state) this.state.set(param, (state = {}));
          if (Object.keys(state).length === 0) this.init_state(state, group, param);
          this.step_param(state, group, grad, param);
        }
      }
      return loss;
    });
  }
}

class WeightDecay {
  constructor(public weight_decay = 0.0, public weight_decouple = true, public absolute = false) {
    if (!(0.0 <= weight_decay)) throw new Error(`Invalid weight_decay value: ${weight_decay}`);
  }
  defaults(): Record<string, unknown> {
    return { weight_decay: this.weight_decay };
  }
  call(param: Tensor, grad: Tensor, group: AdaptiveGroup): Tensor {
    if (this.weight_decouple) {
      if (this.absolute) param.data.mul_(1.0 - group.weight_decay);
      else param.data.mul_(1.0 - group.lr * group.weight_decay);
      return grad;
    }
    if (group.weight_decay !== 0) return grad.add(param.data, { alpha: group.weight_decay });
    return grad;
  }
}

type AdamOpts = { lr?: number; betas?: [number, number]; eps?: number; weight_decay?: WeightDecay; optimized_update?: boolean; amsgrad?: boolean; warmup?: number; d_model?: number; degenerated_to_sgd?: boolean; defaults?: Record<string, unknown> | null };

class Adam extends GenericAdaptiveOptimizer {
  weight_decay: WeightDecay;
  optimized_update: boolean;
  constructor(params: Iterable<Tensor>, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-16, weight_decay = new WeightDecay(), optimized_update = true, defaults = null }: AdamOpts = {}) {
    defaults = defaults ?? {};
    Object.assign(defaults, weight_decay.defaults());
    super(params, defaults, lr, betas, eps);
    this.weight_decay = weight_decay;
    this.optimized_update = optimized_update;
  }
  init_state(state: ParamState, group: AdaptiveGroup, param: Tensor): void {
    state.step = 0;
    state.exp_avg = torch.zeros_like(param, { memory_format: torch.preserve_format });
    state.exp_avg_sq = torch.zeros_like(param, { memory_format: torch.preserve_format });
  }
  get_mv(state: ParamState, group: AdaptiveGroup, grad: Tensor): [Tensor, Tensor] {
    const [beta1, beta2] = group.betas;
    const [m, v] = [state.exp_avg as Tensor, state.exp_avg_sq as Tensor];
    m.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    v.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    return [m, v];
  }
  get_lr(state: ParamState, group: Record<string, any>): number { // eslint-disable-line @typescript-eslint/no-explicit-any
    return group.lr;
  }
  adam_update(state: ParamState, group: AdaptiveGroup, param: Tensor, m: Tensor, v: Tensor): void {
    const [beta1, beta2] = group.betas;
    const bias_correction1 = 1 - beta1 ** state.step;
    const bias_correction2 = 1 - beta2 ** state.step;
    const lr = this.get_lr(state, group);
    if (this.optimized_update) {
      const denominator = v.sqrt().add_(group.eps);
      const step_size = (lr * Math.sqrt(bias_correction2)) / bias_correction1;
      param.data.addcdiv_(m, denominator, { value: -step_size });
    } else {
      const denominator = v.sqrt().div(Math.sqrt(bias_correction2)).add_(group.eps);
      const step_size = lr / bias_correction1;
      param.data.addcdiv_(m, denominator, { value: -step_size });
    }
  }
  step_param(state: ParamState, group: AdaptiveGroup, grad: Tensor, param: Tensor): void {
    grad = this.weight_decay.call(param, grad, group);
    const [m, v] = this.get_mv(state, group, grad);
    state.step += 1;
    this.adam_update(state, group, param, m, v);
  }
}

class AMSGrad extends Adam {
  constructor(params: Iterable<Tensor>, opts: AdamOpts = {}) {
    const defaults = opts.defaults ?? {};
    Object.assign(defaults, { amsgrad: opts.amsgrad ?? true });
    super(params, { ...opts, defaults });
  }
  init_state(state: ParamState, group: AdaptiveGroup, param: Tensor): void {
    super.init_state(state, group, param);
    if (group.amsgrad) state.max_exp_avg_sq = torch.zeros_like(param, { memory_format: torch.preserve_format });
  }
  get_mv(state: ParamState, group: AdaptiveGroup, grad: Tensor): [Tensor, Tensor] {
    const [m, v] = super.get_mv(state, group, grad);
    if (group.amsgrad) {
      const v_max = state.max_exp_avg_sq as Tensor;
      torch.maximum(v_max, v, { out: v_max });
      return [m, v_max];
    }
    return [m, v];
  }
}

class AdamWarmup extends AMSGrad {
  constructor(params: Iterable<Tensor>, opts: AdamOpts = {}) {
    const defaults = opts.defaults ?? {};
    Object.assign(defaults, { warmup: opts.warmup ?? 0 });
    super(params, { ...opts, amsgrad: opts.amsgrad ?? false, defaults });
  }
  get_lr(state: ParamState, group: AdaptiveGroup): number {
    if (group.warmup! > state.step) return 1e-8 + (state.step * group.lr) / group.warmup!;
    return group.lr;
  }
}

class Noam extends AMSGrad {
  d_model: number;
  constructor(params: Iterable<Tensor>, opts: AdamOpts = {}) {
    const defaults = opts.defaults ?? {};
    Object.assign(defaults, { warmup: opts.warmup ?? 0 });
    super(params, { ...opts, amsgrad: opts.amsgrad ?? false, defaults });
    this.d_model = opts.d_model ?? 512;
  }
  get_lr(state: ParamState, group: Record<string, any>): number { // eslint-disable-line @typescript-eslint/no-explicit-any
    const factor = Math.min(state.step ** -0.5, state.step * group.warmup ** -1.5);
    return group.lr * this.d_model ** -0.5 * factor;
  }
}

class RAdam extends AMSGrad {
  degenerated_to_sgd: boolean;
  constructor(params: Iterable<Tensor>, opts: AdamOpts = {}) {
    super(params, { eps: 1e-8, ...opts, amsgrad: opts.amsgrad ?? false });
    this.degenerated_to_sgd = opts.degenerated_to_sgd ?? true;
  }
  step_param(state: ParamState, group: AdaptiveGroup, grad: Tensor, param: Tensor): void {
    grad = this.weight_decay.call(param, grad, group);
    const [m, v] = this.get_mv(state, group, grad);
    state.step += 1;
    this.r_adam_update(state, group, param, m, v);
  }
  static calc_rectification_term(beta2: number, step: number): number | null {
    const beta2_t = beta2 ** step;
    const rho_inf = 2 / (1 - beta2) - 1;
    const rho = rho_inf - (2 * step * beta2_t) / (1 - beta2_t);
    if (rho >= 5) {
      const r2 = ((((rho - 4) / (rho_inf - 4)) * (rho - 2)) / rho) * rho_inf / (rho_inf - 2);
      return Math.sqrt(r2);
    }
    return null;
  }
  r_adam_update(state: ParamState, group: AdaptiveGroup, param: Tensor, m: Tensor, v: Tensor): void {
    const [beta1, beta2] = group.betas;
    const bias_correction1 = 1 - beta1 ** state.step;
    const bias_correction2 = 1 - beta2 ** state.step;
    const r = RAdam.calc_rectification_term(beta2, state.step);
    const lr = this.get_lr(state, group);
    if (r !== null) {
      const denominator = v.sqrt().add_(group.eps);
      const step_size = (lr * Math.sqrt(bias_correction2) * r) / bias_correction1;
      param.data.addcdiv_(m, denominator, { value: -step_size });
    } else if (this.degenerated_to_sgd) {
      param.data.add_(m, { alpha: -lr / bias_correction1 });
    }
  }
}

function trainOpt(make: (p: Iterable<Tensor>) => optim.Optimizer<object>, steps = 8) {
  torch.manual_seed(15);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));
  const xo = torch.randn(10, 3);
  const yo = torch.randn(10, 1);
  const opt = make(model.parameters());
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zero_grad();
    const loss = F.mse_loss(model(xo), yo);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const first = model.get(0) as nn.Linear;
  const st = opt.state.get(first.weight)!;
  const step = st.step instanceof torch.Tensor ? (st.step as Tensor).item() : (st.step as number);
  return { losses, w0: first.weight, b2: (model.get(2) as nn.Linear).bias!, state_keys: Object.keys(st), step, exp_avg: st.exp_avg as Tensor };
}

describe("optimizers: torch.optim.Optimizer subclasses", () => {
  const r = ref.optimizers;
  const check = (got: ReturnType<typeof trainOpt>, want: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    expectNums(got.losses, want.losses, 1e-5);
    expectT(got.w0, want.w0, 1e-5);
    expectT(got.b2, want.b2, 1e-5);
    expect(got.state_keys).toEqual(want.state_keys);
    expect(got.step).toBe(want.step);
    expectT(got.exp_avg, want.exp_avg, 1e-5);
  };
  it("Adam (optimized / not, coupled / decoupled weight decay), AMSGrad, RAdam, AdamWarmup, Noam: 8 steps each", () => {
    check(trainOpt((p) => new Adam(p, { lr: 0.05 })), r.adam);
    check(trainOpt((p) => new Adam(p, { lr: 0.05, weight_decay: new WeightDecay(0.1, false), optimized_update: false })), r.adam_unoptimized_wd);
    check(trainOpt((p) => new Adam(p, { lr: 0.05, weight_decay: new WeightDecay(0.1) })), r.adam_decoupled_wd);
    check(trainOpt((p) => new AMSGrad(p, { lr: 0.05, betas: [0.9, 0.99] })), r.amsgrad);
    check(trainOpt((p) => new RAdam(p, { lr: 0.05 }), 10), r.radam);
    check(trainOpt((p) => new AdamWarmup(p, { lr: 0.05, warmup: 4 })), r.adam_warmup);
    check(trainOpt((p) => new Noam(p, { lr: 1.0, warmup: 3, d_model: 16 })), r.noam);
    check(trainOpt((p) => new optim.Adam(p, { lr: 0.05, eps: 1e-16 })), r.torch_adam_eps16);
  });

  it("defaults, param_groups keys and repr of the subclass; rectification terms; Noam's schedule; errors", () => {
    const opt = new Adam(new nn.Linear(2, 2).parameters(), { lr: 0.01 });
    expect(opt.defaults).toEqual(r.adam_defaults);
    expect(Object.keys(opt.param_groups[0])).toEqual(r.adam_group_keys);
    expect(String(opt).replace("weight_decay: 0\n", "weight_decay: 0.0\n")).toBe(r.adam_repr); // WeightDecay's 0. prints 0.0 in Python
    expect([1, 5, 6, 10, 100, 1000].map((s) => RAdam.calc_rectification_term(0.999, s))).toEqual(r.rect.map((v: number | null) => (v === null ? null : expect.closeTo(v, 12))));
    const lin = new nn.Linear(10, 10);
    const opts = [new Noam(lin.parameters(), { d_model: 512, warmup: 4000, lr: 1 }), new Noam(lin.parameters(), { d_model: 2048, warmup: 2000, lr: 1 })];
    const lrs = [1, 10, 2000, 4000, 10000].map((i) => opts.map((o) => o.get_lr({ step: i }, o.defaults)));
    lrs.forEach((row, i) => expectNums(row, r.noam_lr[i], 1e-12));
    expect(thrown(() => new Adam([], { lr: 0.1 }))).toEqual(r.empty_params);
    expect(thrown(() => new torch.nn.Parameter(torch.tensor([-1], long)))).toEqual(r.x_star[1]);
  });

  it("the AMSGrad paper's synthetic regret experiment, 300 steps: Adam and AMSGrad", () => {
    const synthetic = (is_adam: boolean, steps: number): number[][] => {
      const xs = new nn.Parameter(torch.tensor([0.0]));
      const x_star = new nn.Parameter(torch.tensor([-1], long), { requires_grad: false });
      expect(String(x_star.dtype)).toBe(r.x_star[0]);
      const func = (t: number, x_: Tensor) => (t % 101 === 1 ? x_.mul(1010).sum() : x_.mul(-10).sum());
      const optimizer = is_adam ? new Adam([xs], { lr: 1e-2, betas: [0.9, 0.99] }) : new AMSGrad([xs], { lr: 1e-2, betas: [0.9, 0.99] });
      let total_regret = 0;
      const trace: number[][] = [];
      for (let step = 0; step < steps; step++) {
        const regret = func(step, xs).sub(func(step, x_star));
        total_regret += regret.item();
        regret.backward();
        optimizer.step();
        optimizer.zero_grad();
        xs.data.clamp_(-1.0, +1.0);
        if ((step + 1) % 50 === 0) trace.push([xs.item(), total_regret / (step + 1)]);
      }
      return trace;
    };
    synthetic(true, 300).forEach((row, i) => expectNums(row, r.synthetic_adam[i], 1e-4));
    synthetic(false, 300).forEach((row, i) => expectNums(row, r.synthetic_amsgrad[i], 1e-4));
    expect(String(new nn.Parameter(torch.tensor([-1], long), { requires_grad: false }).mul(1010).dtype)).toBe(r.int_times_param[0]);
  });
});

// ============================================ capsules, LSTM, GAT, WGAN-GP, activations ============================================
class Squash extends nn.Module {
  constructor(public epsilon = 1e-8) {
    super();
  }
  forward(s: Tensor): Tensor {
    const s2 = s.pow(2).sum({ dim: -1, keepdims: true });
    return s2.div(s2.add(1)).mul(s.div(torch.sqrt(s2.add(this.epsilon))));
  }
}

class Router extends nn.Module {
  softmax = new nn.Softmax({ dim: 1 });
  squash = new Squash();
  weight: nn.Parameter;
  constructor(public in_caps: number, public out_caps: number, in_d: number, out_d: number, public iterations: number) {
    super();
    this.weight = new nn.Parameter(torch.randn(in_caps, out_caps, in_d, out_d), { requires_grad: true });
  }
  forward(u: Tensor): Tensor {
    const u_hat = torch.einsum("ijnm,bin->bijm", this.weight, u);
    let b = u.new_zeros(u.shape[0], this.in_caps, this.out_caps);
    let v: Tensor | null = null;
    for (let i = 0; i < this.iterations; i++) {
      const c = this.softmax(b);
      const s = torch.einsum("bij,bijm->bjm", c, u_hat);
      v = this.squash(s);
      const a = torch.einsum("bjm,bijm->bij", v, u_hat);
      b = b.add(a);
    }
    return v!;
  }
}

class MarginLoss extends nn.Module {
  constructor(public n_labels: number, public lambda_ = 0.5, public m_positive = 0.9, public m_negative = 0.1) {
    super();
  }
  forward(v: Tensor, labels: Tensor): Tensor {
    const v_norm = torch.sqrt(v.pow(2).sum({ dim: -1 }));
    labels = torch.eye(this.n_labels, { device: labels.device }).index(labels);
    const loss = labels.mul(F.relu(v_norm.neg().add(this.m_positive))).add(labels.neg().add(1.0).mul(this.lambda_).mul(F.relu(v_norm.sub(this.m_negative))));
    return loss.sum({ dim: -1 }).mean();
  }
}

class LSTMCell extends nn.Module {
  hidden_lin: nn.Linear;
  input_lin: nn.Linear;
  layer_norm: nn.ModuleList;
  layer_norm_c: nn.Module;
  constructor(input_size: number, hidden_size: number, layer_norm = false) {
    super();
    this.hidden_lin = new nn.Linear(hidden_size, 4 * hidden_size);
    this.input_lin = new nn.Linear(input_size, 4 * hidden_size, { bias: false });
    if (layer_norm) {
      this.layer_norm = new nn.ModuleList([0, 1, 2, 3].map(() => new nn.LayerNorm(hidden_size)));
      this.layer_norm_c = new nn.LayerNorm(hidden_size);
    } else {
      this.layer_norm = new nn.ModuleList([0, 1, 2, 3].map(() => new nn.Identity()));
      this.layer_norm_c = new nn.Identity();
    }
  }
  forward(x: Tensor, h: Tensor, c: Tensor): [Tensor, Tensor] {
    const chunks = this.hidden_lin(h).add(this.input_lin(x)).chunk(4, { dim: -1 });
    const [i, f, g, o] = [0, 1, 2, 3].map((k) => this.layer_norm.get(k)(chunks[k]) as Tensor);
    const c_next = torch.sigmoid(f).mul(c).add(torch.sigmoid(i).mul(torch.tanh(g)));
    const h_next = torch.sigmoid(o).mul(torch.tanh(this.layer_norm_c(c_next) as Tensor));
    return [h_next, c_next];
  }
}

class LSTM extends nn.Module {
  cells: nn.ModuleList;
  constructor(input_size: number, public hidden_size: number, public n_layers: number) {
    super();
    this.cells = new nn.ModuleList([new LSTMCell(input_size, hidden_size), ...Array.from({ length: n_layers - 1 }, () => new LSTMCell(hidden_size, hidden_size))]);
  }
  forward(x: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [n_steps, batch_size] = x.shape;
    let h: Tensor[], c: Tensor[];
    if (state === null) {
      h = Array.from({ length: this.n_layers }, () => x.new_zeros(batch_size, this.hidden_size));
      c = Array.from({ length: this.n_layers }, () => x.new_zeros(batch_size, this.hidden_size));
    } else {
      h = [...torch.unbind(state[0])];
      c = [...torch.unbind(state[1])];
    }
    const out: Tensor[] = [];
    for (let t = 0; t < n_steps; t++) {
      let inp = x.index(t);
      for (let layer = 0; layer < this.n_layers; layer++) {
        [h[layer], c[layer]] = (this.cells.get(layer) as LSTMCell)(inp, h[layer], c[layer]);
        inp = h[layer];
      }
      out.push(h[h.length - 1]);
    }
    return [torch.stack(out), [torch.stack(h), torch.stack(c)]];
  }
}

class GraphAttentionLayer extends nn.Module {
  is_concat: boolean;
  n_heads: number;
  n_hidden: number;
  linear: nn.Linear;
  attn: nn.Linear;
  activation: nn.LeakyReLU;
  softmax: nn.Softmax;
  dropout: nn.Dropout;
  constructor(in_features: number, out_features: number, n_heads: number, { is_concat = true, dropout = 0.6, leaky_relu_negative_slope = 0.2 } = {}) {
    super();
    this.is_concat = is_concat;
    this.n_heads = n_heads;
    if (is_concat) {
      assert(out_features % n_heads === 0);
      this.n_hidden = Math.floor(out_features / n_heads);
    } else this.n_hidden = out_features;
    this.linear = new nn.Linear(in_features, this.n_hidden * n_heads, { bias: false });
    this.attn = new nn.Linear(this.n_hidden * 2, 1, { bias: false });
    this.activation = new nn.LeakyReLU({ negative_slope: leaky_relu_negative_slope });
    this.softmax = new nn.Softmax({ dim: 1 });
    this.dropout = new nn.Dropout(dropout);
  }
  forward(h: Tensor, adj_mat: Tensor): Tensor {
    const n_nodes = h.shape[0];
    const g = this.linear(h).view(n_nodes, this.n_heads, this.n_hidden);
    const g_repeat = g.repeat(n_nodes, 1, 1);
    const g_repeat_interleave = g.repeat_interleave(n_nodes, { dim: 0 });
    let g_concat = torch.cat([g_repeat_interleave, g_repeat], { dim: -1 });
    g_concat = g_concat.view(n_nodes, n_nodes, this.n_heads, 2 * this.n_hidden);
    let e = this.activation(this.attn(g_concat));
    e = e.squeeze(-1);
    e = e.masked_fill(adj_mat.eq(0), -Infinity);
    let a = this.softmax(e);
    a = this.dropout(a);
    const attn_res = torch.einsum("ijh,jhf->ihf", a, g);
    return this.is_concat ? attn_res.reshape(n_nodes, this.n_heads * this.n_hidden) : attn_res.mean({ dim: 1 });
  }
}

class GAT extends nn.Module {
  layer1: GraphAttentionLayer;
  activation = new nn.ELU();
  output: GraphAttentionLayer;
  dropout: nn.Dropout;
  constructor(in_features: number, n_hidden: number, n_classes: number, n_heads: number, dropout: number) {
    super();
    this.layer1 = new GraphAttentionLayer(in_features, n_hidden, n_heads, { is_concat: true, dropout });
    this.output = new GraphAttentionLayer(n_hidden, n_classes, 1, { is_concat: false, dropout });
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor, adj_mat: Tensor): Tensor {
    x = this.dropout(x);
    x = this.layer1(x, adj_mat);
    x = this.activation(x);
    x = this.dropout(x);
    return this.output(x, adj_mat);
  }
}

class DiscriminatorLoss extends nn.Module {
  forward(f_real: Tensor, f_fake: Tensor): [Tensor, Tensor] {
    return [F.relu(f_real.neg().add(1)).mean(), F.relu(f_fake.add(1)).mean()];
  }
}
class GeneratorLoss extends nn.Module {
  forward(f_fake: Tensor): Tensor {
    return f_fake.mean().neg();
  }
}
class GradientPenalty extends nn.Module {
  forward(x: Tensor, f: Tensor): Tensor {
    const batch_size = x.shape[0];
    let [gradients] = torch.autograd.grad({ outputs: f, inputs: x, grad_outputs: f.new_ones(f.shape), create_graph: true });
    gradients = gradients!.reshape(batch_size, -1);
    const norm = gradients.norm(2, { dim: -1 });
    return torch.mean(norm.sub(1).pow(2));
  }
}

class Swish extends nn.Module {
  sigmoid = new nn.Sigmoid();
  forward(x: Tensor): Tensor {
    return x.mul(this.sigmoid(x));
  }
}

class FTA extends nn.Module {
  c: nn.Parameter;
  expansion_factor: number;
  constructor(lower_limit: number, upper_limit: number, public delta: number, public eta: number) {
    super();
    this.c = new nn.Parameter(torch.arange(lower_limit, upper_limit, delta, { dtype: torch.float32 }), { requires_grad: false });
    this.expansion_factor = this.c.__len__();
  }
  fuzzy_i_plus(x: Tensor): Tensor {
    return x.le(this.eta).mul(x).add(x.gt(this.eta));
  }
  forward(z: Tensor): Tensor {
    z = z.view(...z.shape, 1);
    z = this.fuzzy_i_plus(torch.clip(this.c.sub(z), { min: 0.0 }).add(torch.clip(z.sub(this.delta).sub(this.c), { min: 0.0 }))).neg().add(1.0);
    return z.view(...z.shape.slice(0, -2), -1);
  }
}

describe("capsules, LSTM, GAT, WGAN-GP, activations", () => {
  const r = ref.misc;
  it("capsule networks: Squash, three routing iterations, MarginLoss and its gradient, eye()[labels]", () => {
    torch.manual_seed(16);
    const s = torch.randn(2, 3, 4);
    expectT(new Squash()(s), r.squash, 1e-6);
    expectT(s.sum({ dim: -1, keepdims: true }), r.keepdims_alias, 1e-6);
    torch.manual_seed(17);
    const router = new Router(6, 3, 4, 5, 3);
    const u = torch.randn(2, 6, 4);
    const v = router(u);
    expectT(v, r.router_v, 1e-5);
    const labels = torch.tensor([2, 0], long);
    const loss = new MarginLoss(3)(v, labels);
    expect(loss.item()).toBeCloseTo(r.margin_loss, 5);
    loss.backward();
    expectT(router.weight.grad!.sum({ dim: [0, 1] }), r.router_grad_sum, 1e-4);
    expectT(torch.eye(3).index(labels), r.eye_index, 0);
    expect(v.pow(2).sum({ dim: -1 }).argmax({ dim: 1 }).tolist()).toEqual(r.pred);
  });

  it("LSTM of LSTMCells: two layers, a given state, gradients, names; the LayerNorm cell and its repr", () => {
    torch.manual_seed(18);
    const lstm = new LSTM(3, 4, 2);
    const xs = torch.randn(5, 2, 3);
    const [out, [h, c]] = lstm(xs);
    expectT(out, r.lstm_out, 1e-5);
    expectT(h, r.lstm_h, 1e-5);
    expectT(c, r.lstm_c, 1e-5);
    expectT(lstm(xs.index(":2"), [h, c])[0], r.lstm_out_state, 1e-5);
    out.sum().backward();
    expectT((lstm.cells.get(1) as LSTMCell).hidden_lin.bias!.grad!, r.lstm_grad, 1e-5);
    expect([...lstm.named_parameters()].map(([n]) => n)).toEqual(r.lstm_param_names);
    torch.manual_seed(19);
    const cell = new LSTMCell(3, 4, true);
    const [hh, cc] = cell(xs.index(0), torch.zeros(2, 4), torch.zeros(2, 4));
    expectT(hh, r.lnlstm_h, 1e-5);
    expectT(cc, r.lnlstm_c, 1e-5);
    expect(String(cell)).toBe(r.lnlstm_repr);
  });

  it("GAT: a concatenating and an averaging layer, the two-layer model over 5 Adam steps, repr", () => {
    torch.manual_seed(20);
    const n_nodes = 5;
    const feat = torch.randn(n_nodes, 4);
    let adj = torch.rand(n_nodes, n_nodes).gt(0.5).logical_or(torch.eye(n_nodes, { dtype: torch.bool }));
    adj = adj.unsqueeze(-1);
    expectT(new GraphAttentionLayer(4, 6, 2, { dropout: 0.0 })(feat, adj), r.gat_layer, 1e-5);
    expectT(new GraphAttentionLayer(4, 3, 2, { is_concat: false, dropout: 0.0 })(feat, adj), r.gat_layer_mean, 1e-5);
    const gat = new GAT(4, 6, 3, 2, 0.0);
    const labels = torch.tensor([0, 1, 2, 1, 0], long);
    const optg = new optim.Adam(gat.parameters(), { lr: 5e-3, weight_decay: 5e-4 });
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      optg.zero_grad();
      const lossg = F.cross_entropy(gat(feat, adj), labels);
      lossg.backward();
      optg.step();
      losses.push(lossg.item());
    }
    expectNums(losses, r.gat_losses, 1e-5);
    expect(String(gat)).toBe(r.gat_repr);
    expectT(torch.arange(6.0).view(3, 2).repeat_interleave(2, { dim: 0 }), r.repeat_interleave, 0);
  });

  it("WGAN-GP: hinge losses, the gradient penalty through autograd.grad(create_graph=True), 3 steps; the penalty of a tensor without grad", () => {
    torch.manual_seed(21);
    const D = new nn.Sequential(new nn.Linear(4, 8), new nn.LeakyReLU(0.2), new nn.Linear(8, 1));
    const G = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 4));
    const real = torch.randn(6, 4);
    const z = torch.randn(6, 2);
    const opt_d = new optim.Adam(D.parameters(), { lr: 1e-3, betas: [0.5, 0.999] });
    const opt_g = new optim.Adam(G.parameters(), { lr: 1e-3, betas: [0.5, 0.999] });
    const [dl, gl, gp_fn] = [new DiscriminatorLoss(), new GeneratorLoss(), new GradientPenalty()];
    const hist: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const real_req = real.clone().requires_grad_();
      const f_real = D(real_req);
      const fake = G(z);
      const f_fake = D(fake.detach());
      const [loss_true, loss_false] = dl(f_real, f_fake);
      const gp = gp_fn(real_req, f_real);
      const loss_d = loss_true.add(loss_false).add(gp.mul(10.0));
      opt_d.zero_grad();
      loss_d.backward();
      opt_d.step();
      const loss_g = gl(D(G(z)));
      opt_g.zero_grad();
      loss_g.backward();
      opt_g.step();
      hist.push([loss_true.item(), loss_false.item(), gp.item(), loss_g.item()]);
    }
    hist.forEach((row, i) => expectNums(row, r.wgan_hist[i], 1e-5));
    expect(thrown(() => gp_fn(real, D(real)))).toEqual(r.gp_no_grad);
  });

  it("Swish against F.silu; FTA: c, its expansion factor, the tutorial's _test and a 2-D input", () => {
    torch.manual_seed(22);
    const xa = torch.randn(7);
    expectT(new Swish()(xa), r.swish, 1e-6);
    expectT(F.silu(xa), r.swish_vs_silu, 1e-6);
    const a = new FTA(-10, 10, 2.0, 0.5);
    expectT(a.c, r.fta_c, 0);
    expect(String(a.c.dtype)).toBe(r.fta_c_dtype);
    expect(a.expansion_factor).toBe(r.fta_expansion);
    const zf = torch.tensor([1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.0, 10.0, 11.0]);
    expectT(a(zf), r.fta, 1e-6);
    expectT(a(zf.view(1, 11).index(":", ":4").mul(-1)), r.fta_2d, 1e-6);
    expectT(zf.le(5).mul(zf).add(zf.gt(5)), r.bool_times_float, 1e-6);
    expectT(torch.clip(zf.sub(5), { min: 0.0 }), r.clip_min, 1e-6);
  });
});

// ============================================ batch 2 ============================================
function get_positional_encoding(d_model: number, max_len = 5000): Tensor {
  const encodings = torch.zeros(max_len, d_model);
  const position = torch.arange(0, max_len, { dtype: torch.float32 }).unsqueeze(1);
  const two_i = torch.arange(0, d_model, 2, { dtype: torch.float32 });
  const div_term = torch.exp(two_i.mul(-(Math.log(10000.0) / d_model)));
  encodings.index_put_([":", "0::2"], torch.sin(position.mul(div_term)));
  encodings.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
  return encodings.unsqueeze(1).requires_grad_(false);
}

class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare positional_encodings: Tensor;
  constructor(d_model: number, dropout_prob: number, max_len = 5000) {
    super();
    this.dropout = new nn.Dropout(dropout_prob);
    this.register_buffer("positional_encodings", get_positional_encoding(d_model, max_len), false);
  }
  forward(x: Tensor): Tensor {
    const pe = this.positional_encodings.index(`:${x.shape[0]}`).detach().requires_grad_(false);
    x = x.add(pe);
    return this.dropout(x);
  }
}

function shift_right(x: Tensor): Tensor {
  const zero_pad = x.new_zeros(x.shape[0], 1, ...x.shape.slice(2));
  let x_padded = torch.cat([x, zero_pad], { dim: 1 });
  x_padded = x_padded.view(x.shape[1] + 1, x.shape[0], ...x.shape.slice(2));
  return x_padded.index(":-1").view_as(x);
}

class RelativeMultiHeadAttention extends MultiHeadAttention {
  P: number;
  key_pos_embeddings: nn.Parameter;
  key_pos_bias: nn.Parameter;
  query_pos_bias: nn.Parameter;
  constructor(heads: number, d_model: number, dropout_prob = 0.1) {
    super(heads, d_model, dropout_prob, false);
    this.P = 2 ** 12;
    this.key_pos_embeddings = new nn.Parameter(torch.zeros([this.P * 2, heads, this.d_k]), { requires_grad: true });
    this.key_pos_bias = new nn.Parameter(torch.zeros([this.P * 2, heads]), { requires_grad: true });
    this.query_pos_bias = new nn.Parameter(torch.zeros([heads, this.d_k]), { requires_grad: true });
  }
  get_scores(query: Tensor, key: Tensor): Tensor {
    const rows = `${this.P - key.shape[0]}:${this.P + query.shape[0]}`;
    const key_pos_emb = this.key_pos_embeddings.index(rows);
    const key_pos_bias = this.key_pos_bias.index(rows);
    const query_pos_bias = this.query_pos_bias.index("None", "None", ":", ":");
    const ac = torch.einsum("ibhd,jbhd->ijbh", query.add(query_pos_bias), key);
    const b = torch.einsum("ibhd,jhd->ijbh", query, key_pos_emb);
    const d = key_pos_bias.index("None", ":", "None", ":");
    let bd = shift_right(b.add(d));
    bd = bd.index(":", `${-key.shape[0]}:`);
    return ac.add(bd);
  }
}

function clone_module_list<M extends nn.Module>(module: M, n: number): nn.ModuleList {
  return new nn.ModuleList(Array.from({ length: n }, () => copy.deepcopy(module)));
}

class SwitchFeedForward extends nn.Module {
  capacity_factor: number;
  is_scale_prob: boolean;
  n_experts: number;
  drop_tokens: boolean;
  experts: nn.ModuleList;
  switch: nn.Linear;
  softmax: nn.Softmax;
  constructor({ capacity_factor, drop_tokens, is_scale_prob, n_experts, expert, d_model }: { capacity_factor: number; drop_tokens: boolean; is_scale_prob: boolean; n_experts: number; expert: FeedForward; d_model: number }) {
    super();
    this.capacity_factor = capacity_factor;
    this.is_scale_prob = is_scale_prob;
    this.n_experts = n_experts;
    this.drop_tokens = drop_tokens;
    this.experts = clone_module_list(expert, n_experts);
    this.switch = new nn.Linear(d_model, n_experts);
    this.softmax = new nn.Softmax({ dim: -1 });
  }
  forward(x: Tensor): [Tensor, Tensor, Tensor, number, Tensor] {
    const [seq_len, batch_size, d_model] = x.shape;
    x = x.view(-1, d_model);
    const route_prob = this.softmax(this.switch(x));
    const [route_prob_max, routes] = torch.max(route_prob, { dim: -1 });
    const indexes_list = Array.from({ length: this.n_experts }, (_, i) => torch.eq(routes, i).nonzero({ as_tuple: true })[0]);
    let final_output = x.new_zeros(x.shape);
    const capacity = Math.trunc((this.capacity_factor * x.__len__()) / this.n_experts);
    const counts = x.new_tensor(indexes_list.map((t) => t.__len__()));
    const dropped: Tensor[] = [];
    if (this.drop_tokens) {
      for (let i = 0; i < this.n_experts; i++) {
        if (indexes_list[i].__len__() <= capacity) continue;
        indexes_list[i] = indexes_list[i].index(torch.randperm(indexes_list[i].__len__()));
        dropped.push(indexes_list[i].index(`${capacity}:`));
        indexes_list[i] = indexes_list[i].index(`:${capacity}`);
      }
    }
    const expert_output = indexes_list.map((idx, i) => (this.experts.get(i) as FeedForward)(x.index(idx, ":")));
    for (let i = 0; i < this.n_experts; i++) final_output.index_put_([indexes_list[i], ":"], expert_output[i]);
    if (dropped.length) {
      const d = torch.cat(dropped);
      final_output.index_put_([d, ":"], x.index(d, ":"));
    }
    if (this.is_scale_prob) final_output = final_output.mul(route_prob_max.view(-1, 1));
    else final_output = final_output.mul(route_prob_max.div(route_prob_max.detach()).view(-1, 1));
    final_output = final_output.view(seq_len, batch_size, d_model);
    return [final_output, counts, route_prob.sum(0), dropped.length, route_prob_max];
  }
}

class ClippedPPOLoss extends nn.Module {
  clip_fraction: Tensor | null = null;
  forward(log_pi: Tensor, sampled_log_pi: Tensor, advantage: Tensor, clip: number): Tensor {
    const ratio = torch.exp(log_pi.sub(sampled_log_pi));
    const clipped_ratio = ratio.clamp({ min: 1.0 - clip, max: 1.0 + clip });
    const policy_reward = torch.min(ratio.mul(advantage), clipped_ratio.mul(advantage));
    this.clip_fraction = torch.abs(ratio.sub(1.0)).gt(clip).to(torch.float).mean();
    return policy_reward.mean().neg();
  }
}

class ClippedValueFunctionLoss extends nn.Module {
  forward(value: Tensor, sampled_value: Tensor, sampled_return: Tensor, clip: number): Tensor {
    const clipped_value = sampled_value.add(value.sub(sampled_value).clamp({ min: -clip, max: clip }));
    const vf_loss = torch.max(value.sub(sampled_return).pow(2), clipped_value.sub(sampled_return).pow(2));
    return vf_loss.mean().mul(0.5);
  }
}

function gae(done: Tensor, rewards: Tensor, values: Tensor, n_workers: number, worker_steps: number, gamma: number, lambda_: number): Tensor {
  const advantages = torch.zeros([n_workers, worker_steps], { dtype: torch.float32 });
  let last_advantage: Tensor | number = 0;
  let last_value = values.index(":", -1);
  for (let t = worker_steps - 1; t >= 0; t--) {
    const mask = done.index(":", t).neg().add(1.0);
    last_value = last_value.mul(mask);
    last_advantage = mask.mul(last_advantage);
    const delta = rewards.index(":", t).add(last_value.mul(gamma)).sub(values.index(":", t));
    last_advantage = delta.add(last_advantage.mul(gamma * lambda_));
    advantages.index_put_([":", t], last_advantage);
    last_value = values.index(":", t);
  }
  return advantages;
}

class AFTLocal extends nn.Module {
  query: nn.Linear;
  key: nn.Linear;
  value: nn.Linear;
  pos_bias: nn.Parameter;
  local_mask: nn.Parameter;
  activation = new nn.Sigmoid();
  output: nn.Linear;
  constructor(d_model: number, seq_len: number, public local_window_size: number, bias = true) {
    super();
    this.query = new nn.Linear(d_model, d_model, { bias });
    this.key = new nn.Linear(d_model, d_model, { bias });
    this.value = new nn.Linear(d_model, d_model, { bias });
    this.pos_bias = new nn.Parameter(torch.zeros(seq_len, seq_len), { requires_grad: true });
    this.local_mask = new nn.Parameter(AFTLocal.create_local_mask(seq_len, local_window_size), { requires_grad: false });
    this.output = new nn.Linear(d_model, d_model);
  }
  static create_local_mask(seq_len: number, local_window_size: number): Tensor {
    let local_mask = torch.ones(seq_len, seq_len, { dtype: torch.bool });
    local_mask = torch.tril(local_mask, local_window_size - 1);
    return torch.triu(local_mask, -(local_window_size - 1));
  }
  forward({ query, key, value, mask = null }: MHAArgs): Tensor {
    const seq_len = query.shape[0];
    query = this.query(query);
    key = this.key(key);
    value = this.value(value);
    let pos_bias = this.pos_bias.index(`:${seq_len}`, `:${seq_len}`).mul(this.local_mask.index(`:${seq_len}`, `:${seq_len}`));
    pos_bias = pos_bias.unsqueeze(-1);
    pos_bias.masked_fill_(mask!.logical_not(), -Infinity);
    const max_key = key.max({ dim: 0, keepdims: true })[0];
    const max_pos_bias = pos_bias.max({ dim: 1, keepdims: true })[0];
    const exp_key = torch.exp(key.sub(max_key));
    const exp_pos_bias = torch.exp(pos_bias.sub(max_pos_bias));
    const num = torch.einsum("ijb,jbd->ibd", exp_pos_bias, exp_key.mul(value));
    const den = torch.einsum("ijb,jbd->ibd", exp_pos_bias, exp_key);
    const y = this.activation(query).mul(num).div(den);
    return this.output(y);
  }
}

class ParityPonderGRU extends nn.Module {
  gru: nn.GRUCell;
  output_layer: nn.Linear;
  lambda_layer: nn.Linear;
  lambda_prob = new nn.Sigmoid();
  is_halt = false;
  constructor(n_elems: number, public n_hidden: number, public max_steps: number) {
    super();
    this.gru = new nn.GRUCell(n_elems, n_hidden);
    this.output_layer = new nn.Linear(n_hidden, 1);
    this.lambda_layer = new nn.Linear(n_hidden, 1);
  }
  forward(x: Tensor): [Tensor, Tensor, Tensor, Tensor] {
    const batch_size = x.shape[0];
    let h = x.new_zeros([x.shape[0], this.n_hidden]);
    h = this.gru(x, h);
    const p: Tensor[] = [];
    const y: Tensor[] = [];
    let un_halted_prob = h.new_ones([batch_size]);
    let halted = h.new_zeros([batch_size]);
    let p_m = h.new_zeros([batch_size]);
    let y_m = h.new_zeros([batch_size]);
    for (let n = 1; n <= this.max_steps; n++) {
      const lambda_n = n === this.max_steps ? h.new_ones(h.shape[0]) : this.lambda_prob(this.lambda_layer(h)).index(":", 0);
      const y_n = this.output_layer(h).index(":", 0);
      const p_n = un_halted_prob.mul(lambda_n);
      un_halted_prob = un_halted_prob.mul(lambda_n.neg().add(1));
      const halt = torch.bernoulli(lambda_n).mul(halted.neg().add(1));
      p.push(p_n);
      y.push(y_n);
      p_m = p_m.mul(halt.neg().add(1)).add(p_n.mul(halt));
      y_m = y_m.mul(halt.neg().add(1)).add(y_n.mul(halt));
      halted = halted.add(halt);
      h = this.gru(x, h);
      if (this.is_halt && halted.sum().item() === batch_size) break;
    }
    return [torch.stack(p), torch.stack(y), p_m, y_m];
  }
}

class ReconstructionLoss extends nn.Module {
  constructor(public loss_func: nn.Module) {
    super();
  }
  forward(p: Tensor, y_hat: Tensor, y: Tensor): Tensor {
    let total_loss = p.new_tensor(0.0);
    for (let n = 0; n < p.shape[0]; n++) {
      const loss = p.index(n).mul(this.loss_func(y_hat.index(n), y) as Tensor).mean();
      total_loss = total_loss.add(loss);
    }
    return total_loss;
  }
}

class RegularizationLoss extends nn.Module {
  p_g: nn.Parameter;
  kl_div = new nn.KLDivLoss({ reduction: "batchmean" });
  constructor(lambda_p: number, max_steps = 1_000) {
    super();
    const p_g = torch.zeros([max_steps]);
    let not_halted = 1.0;
    for (let k = 0; k < max_steps; k++) {
      p_g.index_put_([k], not_halted * lambda_p);
      not_halted = not_halted * (1 - lambda_p);
    }
    this.p_g = new nn.Parameter(p_g, { requires_grad: false });
  }
  forward(p: Tensor): Tensor {
    p = p.transpose(0, 1);
    const p_g = this.p_g.index("None", `:${p.shape[1]}`).expand_as(p);
    return this.kl_div(p.log(), p_g);
  }
}

describe("positional encoding, Transformer-XL's relative attention, Switch, PPO, AFT, PonderNet", () => {
  const r = ref.batch2;
  it("get_positional_encoding (strided slice assignment) and PositionalEncoding's non-persistent buffer", () => {
    expectT(get_positional_encoding(6, 10), r.pe, 1e-6);
    torch.manual_seed(23);
    const pe_mod = new PositionalEncoding(6, 0.0, 10);
    const xe = torch.randn(4, 2, 6);
    expectT(pe_mod(xe), r.pe_out, 1e-6);
    expect(Object.keys(pe_mod.state_dict())).toEqual(r.pe_state_keys);
    expect([...pe_mod.named_buffers()].map(([n]) => n)).toEqual(r.pe_buffers);
    expect(pe_mod.positional_encodings.requires_grad).toBe(r.pe_requires_grad);
  });

  it("shift_right (the tutorial's _test_shift_right) and RelativeMultiHeadAttention over a longer memory, gradients", () => {
    expect(shift_right(torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], long)).tolist()).toEqual(r.shift3);
    const x5 = torch.arange(1, 6).index("None", ":", "None", "None").repeat(5, 1, 1, 1);
    expect(shift_right(x5).index(":", ":", 0, 0).tolist()).toEqual(r.shift5);
    const x35 = torch.arange(1, 6).index("None", ":", "None", "None").repeat(3, 1, 1, 1);
    expect(shift_right(x35).index(":", ":", 0, 0).tolist()).toEqual(r.shift35);
    torch.manual_seed(24);
    const rel = new RelativeMultiHeadAttention(2, 8, 0.0);
    torch.no_grad(() => {
      rel.key_pos_embeddings.normal_();
      rel.key_pos_bias.normal_();
      rel.query_pos_bias.normal_();
    });
    const qr = torch.randn(4, 2, 8);
    const mem = torch.randn(6, 2, 8);
    const orel = rel({ query: qr, key: mem, value: mem });
    expectT(orel, r.rel_out, 1e-5);
    orel.sum().backward();
    expectT(rel.query_pos_bias.grad!, r.rel_qpb_grad, 1e-4);
    expectT(rel.key_pos_embeddings.grad!.index(`${rel.P - 6}:${rel.P + 4}`).sum({ dim: [1, 2] }), r.rel_kpe_grad_rows, 1e-4);
  });

  it("SwitchFeedForward: routing, capacity with dropped tokens (randperm), counts, gradients; no dropping, unscaled", () => {
    torch.manual_seed(25);
    const expert = new FeedForward(8, 16, { dropout: 0.0 });
    const sff = new SwitchFeedForward({ capacity_factor: 1.0, drop_tokens: true, is_scale_prob: true, n_experts: 3, expert, d_model: 8 });
    const xs = torch.randn(4, 3, 8);
    torch.manual_seed(26);
    const [fo, counts, rp_sum, n_dropped, rp_max] = sff(xs);
    expectT(fo, r.switch_out, 1e-5);
    expectT(counts, r.switch_counts, 0);
    expect(String(counts.dtype)).toBe(r.switch_counts_dtype);
    expectT(rp_sum, r.switch_rp_sum, 1e-5);
    expect(n_dropped).toBe(r.switch_n_dropped);
    expectT(rp_max, r.switch_rp_max, 1e-6);
    fo.sum().backward();
    expectT(sff.switch.weight.grad!, r.switch_grad, 1e-4);
    expectT((sff.experts.get(0) as FeedForward).layer1.weight.grad!, r.switch_expert0_grad, 1e-4);
    const sff2 = new SwitchFeedForward({ capacity_factor: 2.0, drop_tokens: false, is_scale_prob: false, n_experts: 3, expert, d_model: 8 });
    const [fo2, counts2, , nd2] = sff2(xs);
    expectT(fo2, r.switch2_out, 1e-5);
    expectT(counts2, r.switch2_counts, 0);
    expect(nd2).toBe(r.switch2_n_dropped);
    expect([...sff.named_parameters()].map(([n]) => n)).toEqual(r.switch_param_names);
    torch.eq(torch.tensor([0, 2, 1, 2], long), 2).nonzero({ as_tuple: true }).forEach((t, i) => expectT(t, r.nonzero_tuple[i], 0));
  });

  it("PPO: the clipped policy and value losses with their gradients, GAE (NumPy arrays as tensors)", () => {
    torch.manual_seed(27);
    const log_pi = torch.randn(8, { requires_grad: true });
    const sampled_log_pi = log_pi.detach().add(torch.randn(8).mul(0.3));
    const adv = torch.randn(8);
    const ppo = new ClippedPPOLoss();
    const lp = ppo(log_pi, sampled_log_pi, adv, 0.1);
    expect(lp.item()).toBeCloseTo(r.ppo_loss, 6);
    expect(ppo.clip_fraction!.item()).toBe(r.ppo_clip_fraction);
    lp.backward();
    expectT(log_pi.grad!, r.ppo_grad, 1e-6);
    const value = torch.randn(8, { requires_grad: true });
    const sv = value.detach().add(torch.randn(8).mul(0.5));
    const sret = torch.randn(8);
    const lv = new ClippedValueFunctionLoss()(value, sv, sret, 0.2);
    expect(lv.item()).toBeCloseTo(r.vf_loss, 6);
    lv.backward();
    expectT(value.grad!, r.vf_grad, 1e-6);
    const g = new torch.Generator().manual_seed(28);
    const done = torch.rand(2, 6, { generator: g }).gt(0.7).float();
    const rewards = torch.randn(2, 6, { generator: g });
    const values = torch.randn(2, 7, { generator: g });
    expectT(gae(done, rewards, values, 2, 6, 0.99, 0.95), r.gae, 1e-6);
    expectT(torch.abs(torch.tensor([-1.5, 2.0])), r.abs_builtin, 0);
  });

  it("AFTLocal: the local mask, masked_fill_(~mask), max(keepdims=True), gradients; without a mask", () => {
    expect(AFTLocal.create_local_mask(6, 2).tolist()).toEqual(r.aft_mask);
    torch.manual_seed(29);
    const aft = new AFTLocal(8, 6, 3);
    torch.no_grad(() => aft.pos_bias.normal_());
    const xq = torch.randn(5, 2, 8);
    const oa = aft({ query: xq, key: xq, value: xq, mask: subsequent_mask(5) });
    expectT(oa, r.aft_out, 1e-5);
    oa.pow(2).sum().backward();
    expectT(aft.pos_bias.grad!, r.aft_pos_bias_grad, 1e-4);
    expect([...aft.named_parameters()].filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(r.aft_param_names);
    const mk = xq.max({ dim: 0, keepdims: true });
    [mk[0], mk[1]].forEach((t, i) => expectT(t, r.max_keepdims[i], 0));
  });

  it("PonderNet: ParityPonderGRU with bernoulli halting, the reconstruction and KL regularization losses, gradients", () => {
    torch.manual_seed(30);
    const pg = new ParityPonderGRU(4, 6, 5);
    const xp = torch.randint(-1, 2, [8, 4]).float();
    const yp = xp.eq(1.0).sum({ dim: -1 }).remainder(2).float();
    torch.manual_seed(31);
    const [p, y_hat, p_sampled, y_hat_sampled] = pg(xp);
    expectT(p, r.ponder_p, 1e-5);
    expectT(y_hat, r.ponder_y_hat, 1e-5);
    expectT(p_sampled, r.ponder_p_m, 1e-5);
    expectT(y_hat_sampled, r.ponder_y_m, 1e-5);
    const loss_rec = new ReconstructionLoss(new nn.BCEWithLogitsLoss({ reduction: "none" }));
    const loss_reg = new RegularizationLoss(0.2, 5);
    const lr_ = loss_rec(p, y_hat, yp);
    const lg = loss_reg(p);
    expect(lr_.item()).toBeCloseTo(r.ponder_rec, 5);
    expect(lg.item()).toBeCloseTo(r.ponder_reg, 5);
    lr_.add(lg.mul(0.01)).backward();
    expectT(pg.gru.weight_hh.grad!.sum({ dim: 1 }), r.ponder_gru_grad, 1e-4);
    expectT(loss_reg.p_g, r.ponder_p_g, 1e-7);
    expect(y_hat_sampled.gt(0.0).eq(yp).float().mean().item()).toBe(r.ponder_acc);
    expect(Object.keys(loss_reg.state_dict())).toEqual(r.ponder_state_keys);
  });
});

// ============================================ batch 3 ============================================
class HyperLSTMCell extends nn.Module {
  hyper: LSTMCell;
  z_h: nn.Linear;
  z_x: nn.Linear;
  z_b: nn.Linear;
  d_h: nn.ModuleList;
  d_x: nn.ModuleList;
  d_b: nn.ModuleList;
  w_h: nn.ParameterList;
  w_x: nn.ParameterList;
  layer_norm: nn.ModuleList;
  layer_norm_c: nn.LayerNorm;
  constructor(input_size: number, hidden_size: number, hyper_size: number, n_z: number) {
    super();
    const four = <T>(f: () => T): T[] => Array.from({ length: 4 }, f);
    this.hyper = new LSTMCell(hidden_size + input_size, hyper_size, true);
    this.z_h = new nn.Linear(hyper_size, 4 * n_z);
    this.z_x = new nn.Linear(hyper_size, 4 * n_z);
    this.z_b = new nn.Linear(hyper_size, 4 * n_z, { bias: false });
    this.d_h = new nn.ModuleList(four(() => new nn.Linear(n_z, hidden_size, { bias: false })));
    this.d_x = new nn.ModuleList(four(() => new nn.Linear(n_z, hidden_size, { bias: false })));
    this.d_b = new nn.ModuleList(four(() => new nn.Linear(n_z, hidden_size)));
    this.w_h = new nn.ParameterList(four(() => new nn.Parameter(torch.zeros(hidden_size, hidden_size))));
    this.w_x = new nn.ParameterList(four(() => new nn.Parameter(torch.zeros(hidden_size, input_size))));
    this.layer_norm = new nn.ModuleList(four(() => new nn.LayerNorm(hidden_size)));
    this.layer_norm_c = new nn.LayerNorm(hidden_size);
  }
  forward(x: Tensor, h: Tensor, c: Tensor, h_hat: Tensor, c_hat: Tensor): [Tensor, Tensor, Tensor, Tensor] {
    const x_hat = torch.cat([h, x], { dim: -1 });
    [h_hat, c_hat] = this.hyper(x_hat, h_hat, c_hat);
    const z_h = this.z_h(h_hat).chunk(4, { dim: -1 });
    const z_x = this.z_x(h_hat).chunk(4, { dim: -1 });
    const z_b = this.z_b(h_hat).chunk(4, { dim: -1 });
    const ifgo: Tensor[] = [];
    for (let i = 0; i < 4; i++) {
      const d_h = this.d_h.get(i)(z_h[i]) as Tensor;
      const d_x = this.d_x.get(i)(z_x[i]) as Tensor;
      const y = d_h
        .mul(torch.einsum("ij,bj->bi", this.w_h.get(i), h))
        .add(d_x.mul(torch.einsum("ij,bj->bi", this.w_x.get(i), x)))
        .add(this.d_b.get(i)(z_b[i]) as Tensor);
      ifgo.push(this.layer_norm.get(i)(y) as Tensor);
    }
    const [i, f, g, o] = ifgo;
    const c_next = torch.sigmoid(f).mul(c).add(torch.sigmoid(i).mul(torch.tanh(g)));
    const h_next = torch.sigmoid(o).mul(torch.tanh(this.layer_norm_c(c_next)));
    return [h_next, c_next, h_hat, c_hat];
  }
}

type HyperState = [Tensor, Tensor, Tensor, Tensor];
class HyperLSTM extends nn.Module {
  cells: nn.ModuleList;
  constructor(input_size: number, public hidden_size: number, public hyper_size: number, n_z: number, public n_layers: number) {
    super();
    this.cells = new nn.ModuleList([
      new HyperLSTMCell(input_size, hidden_size, hyper_size, n_z),
      ...Array.from({ length: n_layers - 1 }, () => new HyperLSTMCell(hidden_size, hidden_size, hyper_size, n_z)),
    ]);
  }
  forward(x: Tensor, state: HyperState | null = null): [Tensor, HyperState] {
    const [n_steps, batch_size] = x.shape;
    const zeros = (n: number) => Array.from({ length: this.n_layers }, () => x.new_zeros(batch_size, n));
    let [h, c, h_hat, c_hat] = [zeros(this.hidden_size), zeros(this.hidden_size), zeros(this.hyper_size), zeros(this.hyper_size)];
    if (state !== null) [h, c, h_hat, c_hat] = state.map((s) => [...torch.unbind(s)]);
    const out: Tensor[] = [];
    for (let t = 0; t < n_steps; t++) {
      let inp = x.index(t);
      for (let layer = 0; layer < this.n_layers; layer++) {
        [h[layer], c[layer], h_hat[layer], c_hat[layer]] = (this.cells.get(layer) as HyperLSTMCell)(inp, h[layer], c[layer], h_hat[layer], c_hat[layer]);
        inp = h[layer];
      }
      out.push(h[h.length - 1]);
    }
    return [torch.stack(out), [torch.stack(h), torch.stack(c), torch.stack(h_hat), torch.stack(c_hat)]];
  }
}

class SpacialGatingUnit extends nn.Module {
  norm: nn.LayerNorm;
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(d_z: number, seq_len: number) {
    super();
    this.norm = new nn.LayerNorm([Math.floor(d_z / 2)]);
    this.weight = new nn.Parameter(torch.zeros(seq_len, seq_len).uniform_(-0.01, 0.01), { requires_grad: true });
    this.bias = new nn.Parameter(torch.ones(seq_len), { requires_grad: true });
  }
  forward(z: Tensor, mask: Tensor | null = null): Tensor {
    const seq_len = z.shape[0];
    const [z1, z2_] = torch.chunk(z, 2, { dim: -1 });
    let z2 = z2_;
    if (mask !== null) mask = mask.index(":", ":", 0);
    z2 = this.norm(z2);
    let weight = this.weight.index(`:${seq_len}`, `:${seq_len}`);
    if (mask !== null) weight = weight.mul(mask);
    z2 = torch.einsum("ij,jbd->ibd", weight, z2).add(this.bias.index(`:${seq_len}`, "None", "None"));
    return z1.mul(z2);
  }
}

class GMLPBlock extends nn.Module {
  norm: nn.LayerNorm;
  activation = new nn.GELU();
  proj1: nn.Linear;
  sgu: SpacialGatingUnit;
  proj2: nn.Linear;
  size: number;
  constructor(d_model: number, d_ffn: number, seq_len: number) {
    super();
    this.norm = new nn.LayerNorm([d_model]);
    this.proj1 = new nn.Linear(d_model, d_ffn);
    this.sgu = new SpacialGatingUnit(d_ffn, seq_len);
    this.proj2 = new nn.Linear(Math.floor(d_ffn / 2), d_model);
    this.size = d_model;
  }
  forward({ x, mask = null }: { x: Tensor; mask?: Tensor | null }): Tensor {
    const shortcut = x;
    x = this.norm(x);
    let z = this.activation(this.proj1(x));
    z = this.sgu(z, mask);
    z = this.proj2(z);
    return z.add(shortcut);
  }
}

class ConvMixerLayer extends nn.Module {
  depth_wise_conv: nn.Conv2d;
  act1 = new nn.GELU();
  norm1: nn.BatchNorm2d;
  point_wise_conv: nn.Conv2d;
  act2 = new nn.GELU();
  norm2: nn.BatchNorm2d;
  constructor(d_model: number, kernel_size: number) {
    super();
    this.depth_wise_conv = new nn.Conv2d(d_model, d_model, { kernel_size, groups: d_model, padding: Math.floor((kernel_size - 1) / 2) });
    this.norm1 = new nn.BatchNorm2d(d_model);
    this.point_wise_conv = new nn.Conv2d(d_model, d_model, { kernel_size: 1 });
    this.norm2 = new nn.BatchNorm2d(d_model);
  }
  forward(x: Tensor): Tensor {
    const residual = x;
    x = this.depth_wise_conv(x);
    x = this.act1(x);
    x = this.norm1(x);
    x.add_(residual);
    x = this.point_wise_conv(x);
    x = this.act2(x);
    return this.norm2(x);
  }
}

class PatchEmbeddings extends nn.Module {
  conv: nn.Conv2d;
  act = new nn.GELU();
  norm: nn.BatchNorm2d;
  constructor(d_model: number, patch_size: number, in_channels: number) {
    super();
    this.conv = new nn.Conv2d(in_channels, d_model, { kernel_size: patch_size, stride: patch_size });
    this.norm = new nn.BatchNorm2d(d_model);
  }
  forward(x: Tensor): Tensor {
    return this.norm(this.act(this.conv(x)));
  }
}

class ClassificationHead extends nn.Module {
  pool = new nn.AdaptiveAvgPool2d([1, 1]);
  linear: nn.Linear;
  constructor(d_model: number, n_classes: number) {
    super();
    this.linear = new nn.Linear(d_model, n_classes);
  }
  forward(x: Tensor): Tensor {
    x = this.pool(x);
    x = x.index(":", ":", 0, 0);
    return this.linear(x);
  }
}

class ConvMixer extends nn.Module {
  conv_mixer_layers: nn.ModuleList;
  constructor(conv_mixer_layer: ConvMixerLayer, n_layers: number, public patch_emb: PatchEmbeddings, public classification: ClassificationHead) {
    super();
    this.conv_mixer_layers = clone_module_list(conv_mixer_layer, n_layers);
  }
  forward(x: Tensor): Tensor {
    x = this.patch_emb(x);
    for (const layer of this.conv_mixer_layers) x = layer(x) as Tensor;
    return this.classification(x);
  }
}

class DeepNorm extends nn.Module {
  layer_norm: LayerNorm;
  constructor(public alpha: number, normalized_shape: number | number[], eps = 1e-5, elementwise_affine = true) {
    super();
    this.layer_norm = new LayerNorm(normalized_shape, eps, elementwise_affine);
  }
  forward(x: Tensor, gx: Tensor): Tensor {
    return this.layer_norm(x.add(gx.mul(this.alpha)));
  }
}

class DeepNormTransformerLayer extends nn.Module {
  self_attn: MultiHeadAttention;
  feed_forward: FeedForward;
  self_attn_norm: DeepNorm;
  feed_forward_norm: DeepNorm;
  mask: Tensor | null = null;
  constructor({ d_model, self_attn, feed_forward, deep_norm_alpha, deep_norm_beta }: { d_model: number; self_attn: MultiHeadAttention; feed_forward: FeedForward; deep_norm_alpha: number; deep_norm_beta: number }) {
    super();
    this.self_attn = self_attn;
    this.feed_forward = feed_forward;
    this.self_attn_norm = new DeepNorm(deep_norm_alpha, [d_model]);
    this.feed_forward_norm = new DeepNorm(deep_norm_alpha, [d_model]);
    torch.no_grad(() => {
      feed_forward.layer1.weight.mul_(deep_norm_beta);
      feed_forward.layer2.weight.mul_(deep_norm_beta);
      self_attn.value.linear.weight.mul_(deep_norm_beta);
      self_attn.output.weight.mul_(deep_norm_beta);
    });
  }
  forward(x: Tensor): Tensor {
    if (this.mask === null || this.mask.size(0) !== x.__len__()) this.mask = subsequent_mask(x.__len__()).to(x.device);
    x = this.self_attn_norm(x, this.self_attn({ query: x, key: x, value: x, mask: this.mask }));
    return this.feed_forward_norm(x, this.feed_forward(x));
  }
}

describe("HyperLSTM, gMLP, ConvMixer, DeepNorm", () => {
  const r = ref.batch3;
  it("HyperLSTM: ParameterList weights, two layers, a given state, gradients, names, the ParameterList repr", () => {
    torch.manual_seed(32);
    const hl = new HyperLSTM(3, 4, 5, 2, 2);
    torch.no_grad(() => {
      for (const cell of hl.cells as Iterable<HyperLSTMCell>) for (const w of [...cell.w_h, ...cell.w_x]) w.normal_(0, 0.5);
    });
    const xh = torch.randn(4, 2, 3);
    const [oh, [h1, c1, hh1, ch1]] = hl(xh);
    expectT(oh, r.hyper_out, 1e-5);
    expectT(hh1, r.hyper_h_hat, 1e-5);
    expectT(c1, r.hyper_c, 1e-5);
    expectT(hl(xh.index(":2"), [h1, c1, hh1, ch1])[0], r.hyper_out_state, 1e-5);
    oh.sum().backward();
    const cell0 = hl.cells.get(0) as HyperLSTMCell;
    expectT(cell0.w_h.get(0).grad!, r.hyper_w_h0_grad, 1e-4);
    expect([...hl.parameters()].reduce((n, p) => n + p.numel(), 0)).toBe(r.hyper_n_params);
    expect([...cell0.named_parameters()].map(([n]) => n).slice(0, 12)).toEqual(r.hyper_param_names);
    expect(String(cell0.w_h)).toBe(r.hyper_paramlist_repr);
  });

  it("gMLP block with the spatial gating unit, masked and not; gradients; repr", () => {
    torch.manual_seed(33);
    const gm = new GMLPBlock(8, 16, 6);
    const xg = torch.randn(5, 2, 8);
    const og = gm({ x: xg, mask: subsequent_mask(5) });
    expectT(og, r.gmlp_out, 1e-5);
    og.pow(2).mean().backward();
    expectT(gm.sgu.weight.grad!, r.gmlp_sgu_weight_grad, 1e-4);
    expectT(gm({ x: xg }), r.gmlp_nomask, 1e-5);
    expect(String(gm)).toBe(r.gmlp_repr);
  });

  it("ConvMixer: depthwise conv, x += residual after BatchNorm, 3 Adam steps, eval, running stats, repr", () => {
    torch.manual_seed(34);
    const cm = new ConvMixer(new ConvMixerLayer(8, 3), 2, new PatchEmbeddings(8, 2, 3), new ClassificationHead(8, 4));
    const xi = torch.randn(3, 3, 8, 8);
    const yi = torch.tensor([0, 3, 1], long);
    const optc = new optim.Adam(cm.parameters(), { lr: 1e-3 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      optc.zero_grad();
      const lc = F.cross_entropy(cm(xi), yi);
      lc.backward();
      optc.step();
      losses.push(lc.item());
    }
    expectNums(losses, r.convmixer_losses, 1e-5);
    cm.eval();
    expectT(cm(xi), r.convmixer_eval, 1e-4);
    expectT((cm.conv_mixer_layers.get(1) as ConvMixerLayer).norm2.running_var!, r.convmixer_running_var, 1e-5);
    expect(String(cm.conv_mixer_layers.get(0))).toBe(r.convmixer_repr);
    expect([...cm.parameters()].reduce((n, p) => n + p.numel(), 0)).toBe(r.convmixer_n_params);
  });

  it("DeepNorm: weights scaled in place under no_grad, the post-LN layer with its cached mask, gradients, state_dict", () => {
    torch.manual_seed(35);
    const mha_d = new MultiHeadAttention(2, 8, 0.0);
    const ff_d = new FeedForward(8, 16, { dropout: 0.0 });
    const w_before = ff_d.layer1.weight.detach().clone();
    const dn = new DeepNormTransformerLayer({ d_model: 8, self_attn: mha_d, feed_forward: ff_d, deep_norm_alpha: (2.0 * 2) ** 0.25, deep_norm_beta: (8.0 * 2) ** -0.25 });
    expectT(ff_d.layer1.weight.div(w_before), r.deepnorm_scaled, 1e-6);
    expect(ff_d.layer1.weight.requires_grad).toBe(r.deepnorm_weight_version);
    const xd = torch.randn(5, 2, 8);
    const od = dn(xd);
    expectT(od, r.deepnorm_out, 1e-5);
    od.sum().backward();
    expectT(ff_d.layer2.weight.grad!, r.deepnorm_ff_grad, 1e-4);
    expect(dn.mask!.index(":", ":", 0).tolist()).toEqual(r.deepnorm_mask);
    expect(Object.keys(dn.state_dict())).toEqual(r.deepnorm_state_keys);
  });
});

// ============================================ batch 4: StyleGAN2 ============================================
class EqualizedWeight extends nn.Module {
  c: number;
  weight: nn.Parameter;
  constructor(shape: number[]) {
    super();
    this.c = 1 / Math.sqrt(shape.slice(1).reduce((a, b) => a * b, 1));
    this.weight = new nn.Parameter(torch.randn(shape));
  }
  forward(): Tensor {
    return this.weight.mul(this.c);
  }
}

class EqualizedLinear extends nn.Module {
  weight: EqualizedWeight;
  bias: nn.Parameter;
  constructor(in_features: number, out_features: number, bias = 0.0) {
    super();
    this.weight = new EqualizedWeight([out_features, in_features]);
    this.bias = new nn.Parameter(torch.ones(out_features).mul(bias));
  }
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight(), { bias: this.bias });
  }
}

class EqualizedConv2d extends nn.Module {
  weight: EqualizedWeight;
  bias: nn.Parameter;
  constructor(in_features: number, out_features: number, kernel_size: number, public padding = 0) {
    super();
    this.weight = new EqualizedWeight([out_features, in_features, kernel_size, kernel_size]);
    this.bias = new nn.Parameter(torch.ones(out_features));
  }
  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight(), { bias: this.bias, padding: this.padding });
  }
}

class MappingNetwork extends nn.Module {
  net: nn.Sequential;
  constructor(features: number, n_layers: number) {
    super();
    const layers: nn.Module[] = [];
    for (let i = 0; i < n_layers; i++) {
      layers.push(new EqualizedLinear(features, features));
      layers.push(new nn.LeakyReLU({ negative_slope: 0.2, inplace: true }));
    }
    this.net = new nn.Sequential(...layers);
  }
  forward(z: Tensor): Tensor {
    z = F.normalize(z, { dim: 1 });
    return this.net(z);
  }
}

class Conv2dWeightModulate extends nn.Module {
  padding: number;
  weight: EqualizedWeight;
  constructor(in_features: number, public out_features: number, kernel_size: number, public demodulate = true, public eps = 1e-8) {
    super();
    this.padding = Math.floor((kernel_size - 1) / 2);
    this.weight = new EqualizedWeight([out_features, in_features, kernel_size, kernel_size]);
  }
  forward(x: Tensor, s: Tensor): Tensor {
    const [b, , h, w] = x.shape;
    s = s.index(":", "None", ":", "None", "None");
    let weights = this.weight().index("None", ":", ":", ":", ":");
    weights = weights.mul(s);
    if (this.demodulate) {
      const sigma_inv = torch.rsqrt(weights.pow(2).sum({ dim: [2, 3, 4], keepdim: true }).add(this.eps));
      weights = weights.mul(sigma_inv);
    }
    x = x.reshape(1, -1, h, w);
    const [, , ...ws] = weights.shape;
    weights = weights.reshape(b * this.out_features, ...ws);
    x = F.conv2d(x, weights, { padding: this.padding, groups: b });
    return x.reshape(-1, this.out_features, h, w);
  }
}

class StyleBlock extends nn.Module {
  to_style: EqualizedLinear;
  conv: Conv2dWeightModulate;
  scale_noise: nn.Parameter;
  bias: nn.Parameter;
  activation = new nn.LeakyReLU(0.2, true);
  constructor(d_latent: number, in_features: number, out_features: number) {
    super();
    this.to_style = new EqualizedLinear(d_latent, in_features, 1.0);
    this.conv = new Conv2dWeightModulate(in_features, out_features, 3);
    this.scale_noise = new nn.Parameter(torch.zeros(1));
    this.bias = new nn.Parameter(torch.zeros(out_features));
  }
  forward(x: Tensor, w: Tensor, noise: Tensor | null): Tensor {
    const s = this.to_style(w);
    x = this.conv(x, s);
    if (noise !== null) x = x.add(this.scale_noise.index("None", ":", "None", "None").mul(noise));
    return this.activation(x.add(this.bias.index("None", ":", "None", "None")));
  }
}

class ToRGB extends nn.Module {
  to_style: EqualizedLinear;
  conv: Conv2dWeightModulate;
  bias: nn.Parameter;
  activation = new nn.LeakyReLU(0.2, true);
  constructor(d_latent: number, features: number) {
    super();
    this.to_style = new EqualizedLinear(d_latent, features, 1.0);
    this.conv = new Conv2dWeightModulate(features, 3, 1, false);
    this.bias = new nn.Parameter(torch.zeros(3));
  }
  forward(x: Tensor, w: Tensor): Tensor {
    const style = this.to_style(w);
    x = this.conv(x, style);
    return this.activation(x.add(this.bias.index("None", ":", "None", "None")));
  }
}

class Smooth extends nn.Module {
  kernel: nn.Parameter;
  pad = new nn.ReplicationPad2d(1);
  constructor() {
    super();
    const k = [
      [1, 2, 1],
      [2, 4, 2],
      [1, 2, 1],
    ];
    const kernel = torch.tensor([[k]], { dtype: torch.float });
    kernel.div_(kernel.sum());
    this.kernel = new nn.Parameter(kernel, { requires_grad: false });
  }
  forward(x: Tensor): Tensor {
    const [b, c, h, w] = x.shape;
    x = x.view(-1, 1, h, w);
    x = this.pad(x);
    x = F.conv2d(x, this.kernel);
    return x.view(b, c, h, w);
  }
}

class DownSample extends nn.Module {
  smooth = new Smooth();
  forward(x: Tensor): Tensor {
    x = this.smooth(x);
    return F.interpolate(x, [Math.floor(x.shape[2] / 2), Math.floor(x.shape[3] / 2)], { mode: "bilinear", align_corners: false });
  }
}

class UpSample extends nn.Module {
  up_sample = new nn.Upsample({ scale_factor: 2, mode: "bilinear", align_corners: false });
  smooth = new Smooth();
  forward(x: Tensor): Tensor {
    return this.smooth(this.up_sample(x));
  }
}

class GeneratorBlock extends nn.Module {
  style_block1: StyleBlock;
  style_block2: StyleBlock;
  to_rgb: ToRGB;
  constructor(d_latent: number, in_features: number, out_features: number) {
    super();
    this.style_block1 = new StyleBlock(d_latent, in_features, out_features);
    this.style_block2 = new StyleBlock(d_latent, out_features, out_features);
    this.to_rgb = new ToRGB(d_latent, out_features);
  }
  forward(x: Tensor, w: Tensor, noise: [Tensor | null, Tensor | null]): [Tensor, Tensor] {
    x = this.style_block1(x, w, noise[0]);
    x = this.style_block2(x, w, noise[1]);
    return [x, this.to_rgb(x, w)];
  }
}

class SGGenerator extends nn.Module {
  n_blocks: number;
  initial_constant: nn.Parameter;
  style_block: StyleBlock;
  to_rgb: ToRGB;
  blocks: nn.ModuleList;
  up_sample: UpSample;
  constructor(log_resolution: number, d_latent: number, n_features = 32, max_features = 512) {
    super();
    const features: number[] = [];
    for (let i = log_resolution - 2; i > -1; i--) features.push(Math.min(max_features, n_features * 2 ** i));
    this.n_blocks = features.length;
    this.initial_constant = new nn.Parameter(torch.randn([1, features[0], 4, 4]));
    this.style_block = new StyleBlock(d_latent, features[0], features[0]);
    this.to_rgb = new ToRGB(d_latent, features[0]);
    this.blocks = new nn.ModuleList(Array.from({ length: this.n_blocks - 1 }, (_, k) => new GeneratorBlock(d_latent, features[k], features[k + 1])));
    this.up_sample = new UpSample();
  }
  forward(w: Tensor, input_noise: [Tensor | null, Tensor | null][]): Tensor {
    const batch_size = w.shape[1];
    let x = this.initial_constant.expand(batch_size, -1, -1, -1);
    x = this.style_block(x, w.index(0), input_noise[0][1]);
    let rgb = this.to_rgb(x, w.index(0));
    for (let i = 1; i < this.n_blocks; i++) {
      x = this.up_sample(x);
      let rgb_new: Tensor;
      [x, rgb_new] = (this.blocks.get(i - 1) as GeneratorBlock)(x, w.index(i), input_noise[i]);
      rgb = this.up_sample(rgb).add(rgb_new);
    }
    return rgb;
  }
}

class DiscriminatorBlock extends nn.Module {
  residual: nn.Sequential;
  block: nn.Sequential;
  down_sample = new DownSample();
  scale = 1 / Math.sqrt(2);
  constructor(in_features: number, out_features: number) {
    super();
    this.residual = new nn.Sequential(new DownSample(), new EqualizedConv2d(in_features, out_features, 1));
    this.block = new nn.Sequential(
      new EqualizedConv2d(in_features, in_features, 3, 1),
      new nn.LeakyReLU(0.2, true),
      new EqualizedConv2d(in_features, out_features, 3, 1),
      new nn.LeakyReLU(0.2, true),
    );
  }
  forward(x: Tensor): Tensor {
    const residual = this.residual(x);
    x = this.block(x);
    x = this.down_sample(x);
    return x.add(residual).mul(this.scale);
  }
}

class MiniBatchStdDev extends nn.Module {
  constructor(public group_size = 4) {
    super();
  }
  forward(x: Tensor): Tensor {
    assert(x.shape[0] % this.group_size === 0);
    const grouped = x.view(this.group_size, -1);
    let std = torch.sqrt(grouped.var({ dim: 0 }).add(1e-8));
    std = std.mean().view(1, 1, 1, 1);
    const [b, , h, w] = x.shape;
    std = std.expand(b, -1, h, w);
    return torch.cat([x, std], { dim: 1 });
  }
}

class SGDiscriminator extends nn.Module {
  from_rgb: nn.Sequential;
  blocks: nn.Sequential;
  std_dev = new MiniBatchStdDev();
  conv: EqualizedConv2d;
  final: EqualizedLinear;
  constructor(log_resolution: number, n_features = 64, max_features = 512) {
    super();
    this.from_rgb = new nn.Sequential(new EqualizedConv2d(3, n_features, 1), new nn.LeakyReLU(0.2, true));
    const features = Array.from({ length: log_resolution - 1 }, (_, i) => Math.min(max_features, n_features * 2 ** i));
    const n_blocks = features.length - 1;
    this.blocks = new nn.Sequential(...Array.from({ length: n_blocks }, (_, i) => new DiscriminatorBlock(features[i], features[i + 1])));
    const final_features = features[features.length - 1] + 1;
    this.conv = new EqualizedConv2d(final_features, final_features, 3);
    this.final = new EqualizedLinear(2 * 2 * final_features, 1);
  }
  forward(x: Tensor): Tensor {
    x = x.sub(0.5);
    x = this.from_rgb(x);
    x = this.blocks(x);
    x = this.std_dev(x);
    x = this.conv(x);
    x = x.reshape(x.shape[0], -1);
    return this.final(x);
  }
}

class SGGradientPenalty extends nn.Module {
  forward(x: Tensor, d: Tensor): Tensor {
    const batch_size = x.shape[0];
    let [gradients] = torch.autograd.grad({ outputs: d, inputs: x, grad_outputs: d.new_ones(d.shape), create_graph: true });
    gradients = gradients!.reshape(batch_size, -1);
    const norm = gradients.norm(2, { dim: -1 });
    return torch.mean(norm.pow(2));
  }
}

class PathLengthPenalty extends nn.Module {
  steps: nn.Parameter;
  exp_sum_a: nn.Parameter;
  constructor(public beta: number) {
    super();
    this.steps = new nn.Parameter(torch.tensor(0.0), { requires_grad: false });
    this.exp_sum_a = new nn.Parameter(torch.tensor(0.0), { requires_grad: false });
  }
  forward(w: Tensor, x: Tensor): Tensor {
    const device = x.device;
    const image_size = x.shape[2] * x.shape[3];
    const y = torch.randn(x.shape, { device });
    const output = x.mul(y).sum().div(Math.sqrt(image_size));
    const [gradients] = torch.autograd.grad({ outputs: output, inputs: w, grad_outputs: torch.ones(output.shape, { device }), create_graph: true });
    const norm = gradients!.pow(2).sum({ dim: 2 }).mean({ dim: 1 }).sqrt();
    let loss: Tensor;
    if (this.steps.item() > 0) {
      const a = this.exp_sum_a.div(torch.pow(this.beta, this.steps).neg().add(1));
      loss = torch.mean(norm.sub(a).pow(2));
    } else loss = norm.new_tensor(0);
    const mean = norm.mean().detach();
    this.exp_sum_a.mul_(this.beta).add_(mean, { alpha: 1 - this.beta });
    this.steps.add_(1.0);
    return loss;
  }
}

describe("StyleGAN2 (gan/stylegan) at 8x8: the experiment's discriminator and generator steps", () => {
  const r = ref.batch4;
  it("mapping, weight-modulated generator, discriminator with minibatch std: reprs, sizes, 3 steps with the gradient and path length penalties", () => {
    torch.manual_seed(36);
    const [d_latent, log_resolution, batch_size] = [8, 3, 4];
    const mapping = new MappingNetwork(d_latent, 2);
    const gen = new SGGenerator(log_resolution, d_latent, 4, 8);
    const disc = new SGDiscriminator(log_resolution, 4, 8);
    const n_gen_blocks = gen.n_blocks;
    expect(String(gen.blocks.get(0))).toBe(r.sg_gen_repr);
    expect(String(disc.blocks.get(0))).toBe(r.sg_disc_repr);
    expect([mapping, gen, disc].map((m) => [...m.parameters()].reduce((n, p) => n + p.numel(), 0))).toEqual(r.sg_n_params);
    expectT(((disc.blocks.get(0) as DiscriminatorBlock).down_sample.smooth.kernel), r.sg_smooth_kernel, 1e-7);
    const get_w = (bs: number) => mapping(torch.randn(bs, d_latent)).index("None", ":", ":").expand(n_gen_blocks, -1, -1);
    const get_noise = (bs: number) => {
      const noise: [Tensor | null, Tensor | null][] = [];
      let resolution = 4;
      for (let i = 0; i < n_gen_blocks; i++) {
        const n1 = i === 0 ? null : torch.randn(bs, 1, resolution, resolution);
        const n2 = torch.randn(bs, 1, resolution, resolution);
        noise.push([n1, n2]);
        resolution *= 2;
      }
      return noise;
    };
    const generate_images = (bs: number): [Tensor, Tensor] => {
      const w = get_w(bs);
      const noise = get_noise(bs);
      return [gen(w, noise), w];
    };
    const gp_fn_sg = new SGGradientPenalty();
    const plp_fn = new PathLengthPenalty(0.99);
    const [dl_sg, gl_sg] = [new DiscriminatorLoss(), new GeneratorLoss()];
    const opt_d = new optim.Adam(disc.parameters(), { lr: 1e-3, betas: [0.0, 0.99] });
    const opt_g = new optim.Adam(gen.parameters(), { lr: 1e-3, betas: [0.0, 0.99] });
    const opt_m = new optim.Adam(mapping.parameters(), { lr: 1e-5, betas: [0.0, 0.99] });
    const real_all = torch.rand(3, batch_size, 3, 8, 8);
    const hist: number[][] = [];
    let generated_images: Tensor = torch.zeros(1);
    for (let idx = 0; idx < 3; idx++) {
      opt_d.zero_grad();
      [generated_images] = generate_images(batch_size);
      const fake_output = disc(generated_images.detach());
      const real_images = real_all.index(idx).clone().requires_grad_();
      const real_output = disc(real_images);
      const [real_loss, fake_loss] = dl_sg(real_output, fake_output);
      let disc_loss = real_loss.add(fake_loss);
      const gp = gp_fn_sg(real_images, real_output);
      disc_loss = disc_loss.add(gp.mul(0.5 * 10.0).mul(4));
      disc_loss.backward();
      const dnorm = nn.utils.clip_grad_norm_(disc.parameters(), { max_norm: 1.0 });
      opt_d.step();
      opt_g.zero_grad();
      opt_m.zero_grad();
      let w: Tensor;
      [generated_images, w] = generate_images(batch_size);
      const fake_output2 = disc(generated_images);
      let gen_loss = gl_sg(fake_output2);
      const plp = plp_fn(w, generated_images);
      if (!torch.isnan(plp).item()) gen_loss = gen_loss.add(plp);
      gen_loss.backward();
      const gnorm = nn.utils.clip_grad_norm_(gen.parameters(), { max_norm: 1.0 });
      nn.utils.clip_grad_norm_(mapping.parameters(), { max_norm: 1.0 });
      opt_g.step();
      opt_m.step();
      hist.push([real_loss.item(), fake_loss.item(), gp.item(), disc_loss.item(), gen_loss.item(), plp.item(), dnorm.item(), gnorm.item()]);
    }
    hist.forEach((row, i) => expectNums(row, r.sg_hist[i], 1e-4));
    expectNums([plp_fn.steps.item(), plp_fn.exp_sum_a.item()], r.sg_plp_state, 1e-5);
    expectT(generated_images, r.sg_images, 1e-4);
    expectT(new MiniBatchStdDev()(real_all.index(0)), r.sg_std_dev, 1e-6);
    expectT(new UpSample()(real_all.index(0, ":1", ":1", ":4", ":4")), r.sg_up, 1e-6);
    expectT(new DownSample()(real_all.index(0, ":1", ":1")), r.sg_down, 1e-6);
    expect(thrown(() => new MiniBatchStdDev()(real_all.index(0, ":3")))?.[0]).toBe("Error"); // Python's AssertionError
  });
});

// ============================================ batch 5: Sketch-RNN ============================================
class BivariateGaussianMixture {
  constructor(public pi_logits: Tensor, public mu_x: Tensor, public mu_y: Tensor, public sigma_x: Tensor, public sigma_y: Tensor, public rho_xy: Tensor) {}
  get n_distributions(): number {
    return this.pi_logits.shape[this.pi_logits.dim() - 1];
  }
  set_temperature(temperature: number): void {
    this.pi_logits.div_(temperature);
    this.sigma_x.mul_(Math.sqrt(temperature));
    this.sigma_y.mul_(Math.sqrt(temperature));
  }
  get_distribution(): [InstanceType<typeof torch.distributions.Categorical>, InstanceType<typeof torch.distributions.MultivariateNormal>] {
    const sigma_x = torch.clamp_min(this.sigma_x, 1e-5);
    const sigma_y = torch.clamp_min(this.sigma_y, 1e-5);
    const rho_xy = torch.clamp(this.rho_xy, -1 + 1e-5, 1 - 1e-5);
    const mean = torch.stack([this.mu_x, this.mu_y], -1);
    let cov = torch.stack([sigma_x.mul(sigma_x), rho_xy.mul(sigma_x).mul(sigma_y), rho_xy.mul(sigma_x).mul(sigma_y), sigma_y.mul(sigma_y)], -1);
    cov = cov.view(...sigma_y.shape, 2, 2);
    const multi_dist = new torch.distributions.MultivariateNormal(mean, { covariance_matrix: cov });
    const cat_dist = new torch.distributions.Categorical({ logits: this.pi_logits });
    return [cat_dist, multi_dist];
  }
}

class EncoderRNN extends nn.Module {
  lstm: nn.LSTM;
  mu_head: nn.Linear;
  sigma_head: nn.Linear;
  constructor(d_z: number, enc_hidden_size: number) {
    super();
    this.lstm = new nn.LSTM(5, enc_hidden_size, { bidirectional: true });
    this.mu_head = new nn.Linear(2 * enc_hidden_size, d_z);
    this.sigma_head = new nn.Linear(2 * enc_hidden_size, d_z);
  }
  forward(inputs: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, Tensor, Tensor] {
    const [, [hidden0]] = this.lstm(inputs.float(), state);
    const hidden = hidden0.permute(1, 0, 2).reshape(hidden0.shape[1], -1); // einops 'fb b h -> b (fb h)'
    const mu = this.mu_head(hidden);
    const sigma_hat = this.sigma_head(hidden);
    const sigma = torch.exp(sigma_hat.div(2.0));
    const z = mu.add(sigma.mul(torch.normal(mu.new_zeros(mu.shape), mu.new_ones(mu.shape))));
    return [z, mu, sigma_hat];
  }
}

class DecoderRNN extends nn.Module {
  lstm: nn.LSTM;
  init_state: nn.Linear;
  mixtures: nn.Linear;
  q_head: nn.Linear;
  q_log_softmax = new nn.LogSoftmax(-1);
  constructor(d_z: number, public dec_hidden_size: number, public n_distributions: number) {
    super();
    this.lstm = new nn.LSTM(d_z + 5, dec_hidden_size);
    this.init_state = new nn.Linear(d_z, 2 * dec_hidden_size);
    this.mixtures = new nn.Linear(dec_hidden_size, 6 * n_distributions);
    this.q_head = new nn.Linear(dec_hidden_size, 3);
  }
  forward(x: Tensor, z: Tensor, state: [Tensor, Tensor] | null): [BivariateGaussianMixture, Tensor, [Tensor, Tensor]] {
    if (state === null) {
      const [h, c] = torch.split(torch.tanh(this.init_state(z)), this.dec_hidden_size, 1);
      state = [h.unsqueeze(0).contiguous(), c.unsqueeze(0).contiguous()];
    }
    const [outputs, newState] = this.lstm(x, state);
    const q_logits = this.q_log_softmax(this.q_head(outputs));
    const [pi_logits, mu_x, mu_y, sigma_x, sigma_y, rho_xy] = torch.split(this.mixtures(outputs), this.n_distributions, 2);
    const dist = new BivariateGaussianMixture(pi_logits, mu_x, mu_y, torch.exp(sigma_x), torch.exp(sigma_y), torch.tanh(rho_xy));
    return [dist, q_logits, newState as [Tensor, Tensor]];
  }
}

class SketchReconstructionLoss extends nn.Module {
  forward(mask: Tensor, target: Tensor, dist: BivariateGaussianMixture, q_logits: Tensor): Tensor {
    const [pi, mix] = dist.get_distribution();
    const xy = target.index(":", ":", "0:2").unsqueeze(-2).expand(-1, -1, dist.n_distributions, -1);
    const probs = torch.sum(pi.probs.mul(torch.exp(mix.log_prob(xy))), 2);
    const loss_stroke = torch.mean(mask.mul(torch.log(probs.add(1e-5)))).neg();
    const loss_pen = torch.mean(target.index(":", ":", "2:").mul(q_logits)).neg();
    return loss_stroke.add(loss_pen);
  }
}

class SketchKLDivLoss extends nn.Module {
  forward(sigma_hat: Tensor, mu: Tensor): Tensor {
    return torch.mean(sigma_hat.add(1).sub(mu.pow(2)).sub(torch.exp(sigma_hat))).mul(-0.5);
  }
}

function sample_step(dist: BivariateGaussianMixture, q_logits: Tensor, temperature: number): Tensor {
  dist.set_temperature(temperature);
  const [pi, mix] = dist.get_distribution();
  const idx = pi.sample().index(0, 0);
  const q = new torch.distributions.Categorical({ logits: q_logits.div(temperature) });
  const q_idx = q.sample().index(0, 0);
  const xy = mix.sample().index(0, 0, idx);
  const stroke = q_logits.new_zeros(5);
  stroke.index_put_([":2"], xy);
  stroke.index_put_([q_idx.add(2)], 1);
  return stroke;
}

function sketch_sample(encoder: EncoderRNN, decoder: DecoderRNN, data: Tensor, temperature: number): Tensor {
  const longest_seq_len = data.__len__();
  const [z] = encoder(data);
  let s = data.new_tensor([0, 0, 1, 0, 0]);
  const seq = [s];
  let state: [Tensor, Tensor] | null = null;
  torch.no_grad(() => {
    for (let i = 0; i < longest_seq_len; i++) {
      data = torch.cat([s.view(1, 1, -1), z.unsqueeze(0)], 2);
      let dist: BivariateGaussianMixture, q_logits: Tensor;
      [dist, q_logits, state] = decoder(data, z, state);
      s = sample_step(dist, q_logits, temperature);
      seq.push(s);
      if (s.index(4).item() === 1) break;
    }
  });
  const out = torch.stack(seq);
  out.index_put_([":", "0:2"], torch.cumsum(out.index(":", "0:2"), { dim: 0 }));
  out.index_put_([":", 2], out.index(":", 3));
  return out.index(":", "0:3").detach();
}

describe("Sketch-RNN (sketch_rnn): bivariate Gaussian mixture, the VAE's encoder / decoder, 3 training steps, sampling", () => {
  const r = ref.batch5;
  it("trains on seeded strokes (KL + mixture reconstruction loss, per-parameter clip_grad_norm_) and samples at temperature 0.4", () => {
    torch.manual_seed(37);
    const [d_z, enc_h, dec_h, n_dist, seq_len, bsz] = [4, 6, 8, 3, 7, 2];
    const encoder = new EncoderRNN(d_z, enc_h);
    const decoder = new DecoderRNN(d_z, dec_h, n_dist);
    const strokes = torch.zeros(seq_len + 2, bsz, 5);
    strokes.index_put_(["1:", ":", ":2"], torch.randn(seq_len + 1, bsz, 2).mul(0.5));
    const pen = torch.randint(0, 3, [seq_len + 1, bsz]);
    strokes.index_put_(["1:", ":", "2:"], F.one_hot(pen, 3).float());
    strokes.index_put_([0, ":", 2], 1);
    const mask = torch.ones(seq_len + 1, bsz);
    mask.index_put_(["-2:", 1], 0);
    const params = [...encoder.parameters(), ...decoder.parameters()];
    const optimizer = new optim.Adam(params, { lr: 1e-3 });
    const hist: number[][] = [];
    let dist: BivariateGaussianMixture | null = null;
    for (let i = 0; i < 3; i++) {
      const data = strokes;
      const [z, mu, sigma_hat] = encoder(data);
      const z_stack = z.unsqueeze(0).expand(data.shape[0] - 1, -1, -1);
      const inputs = torch.cat([data.index(":-1"), z_stack], 2);
      let q_logits: Tensor;
      [dist, q_logits] = decoder(inputs, z, null);
      const kl_loss = new SketchKLDivLoss()(sigma_hat, mu);
      const reconstruction_loss = new SketchReconstructionLoss()(mask, data.index("1:"), dist, q_logits);
      const loss = reconstruction_loss.add(kl_loss.mul(0.5));
      optimizer.zero_grad();
      loss.backward();
      for (const p of params) nn.utils.clip_grad_norm_(p, 1.0);
      optimizer.step();
      hist.push([kl_loss.item(), reconstruction_loss.item(), loss.item()]);
    }
    hist.forEach((row, i) => expectNums(row, r.sketch_hist[i], 1e-5));
    const [pi_d, mix_d] = dist!.get_distribution();
    expectT(pi_d.probs.index(0), r.sketch_pi_probs, 1e-5);
    expectT(mix_d.covariance_matrix.index(0, 0), r.sketch_cov, 1e-5);
    expectT(mix_d.scale_tril.index(0, 0), r.sketch_scale_tril, 1e-5);
    expectT(mix_d.log_prob(strokes.index("1:", ":", "0:2").unsqueeze(-2).expand(-1, -1, n_dist, -1)).index(":2"), r.sketch_log_prob, 1e-4);
    torch.manual_seed(38);
    expectT(sketch_sample(encoder, decoder, strokes.index(":", ":1"), 0.4), r.sketch_sample, 1e-4);
  });
});
