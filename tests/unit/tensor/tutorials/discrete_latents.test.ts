/**
 * Discrete-latent models as their reference code writes them, translated as a learner would at toy sizes (the forms
 * generative2 (zalando's VQ-VAE), flows_probabilistic (YongfeiYan's Gumbel VAE), labml_annotated (capsules) and
 * conv_sequences (locuslab's TCN, golbin's WaveNet, mu-law) do not already cover):
 *  - ritheshkumar95/pytorch-vqvae: functions.py's vq / vq_st as torch.autograd.Functions (torch.addmm distances with
 *    alpha / beta, torch.min over dim 1, mark_non_differentiable on an output, index_select, the codebook's gradient
 *    by index_add_), modules.py's VQEmbedding / ResBlock / VectorQuantizedVAE with weights_init through apply, and
 *    vqvae.py's train (reconstruction + vq + commitment losses, Adam) and test; plus the torch.cdist lookup;
 *  - rosinality/vq-vae-2-pytorch Quantize: the embed / cluster_size / embed_avg buffers, (-dist).max(1), F.one_hot,
 *    the EMA through .data.mul_().add_(x, alpha=), Laplace smoothing, .data.copy_, F.embedding of the transposed buffer;
 *  - airalcorn2/vqvae-pytorch (the Sonnet port): SonnetExponentialMovingAverage (buffers hidden / average, `self.hidden
 *    -=` in place and `self.average =` reassigned under no_grad, zero-debiasing by 1 - decay ** counter), its
 *    VectorQuantizer with the codebook a buffer replaced each training step (EMA, Laplace smoothing) or an
 *    nn.Parameter by register_parameter, torch.FloatTensor(...).uniform_, the Encoder / Decoder built by add_module,
 *    train_vqvae.py's loss (recon / data variance + beta * commitment, += dictionary loss) with Adam, eval;
 *  - karpathy/deep-vector-quantization quantize.py: VQVAEQuantize with its data_initialized buffer (scipy's kmeans2
 *    replaced by its minit='points' start: random data points) and GumbelQuantize (F.gumbel_softmax over dim 1, soft
 *    and hard, the einsum 'b n h w, n d -> b d h w', the KL to the uniform prior);
 *  - F.gumbel_softmax's seeded draws (soft, hard, dim=0, float64), a hand-written -log(-log(U + eps) + eps) sampler
 *    with the straight-through one-hot, the KL to a uniform categorical by hand and by kl_divergence, and
 *    lucidrains/DALLE-pytorch's F.kl_div(log_uniform, log_qy, None, None, 'batchmean', log_target=True) (a [1] input
 *    broadcast against the target, batchmean dividing by that input's size(0));
 *  - gram-ai/capsule-networks capsule_network.py: the transposing softmax helper (and the first version's implicit-dim
 *    F.softmax), CapsuleLayer (primary conv capsules, priors by [.., 1, 8] @ [.., 8, 16], three routing iterations),
 *    CapsuleNet's torch.eye(...).index_select mask, CapsuleLoss with MSELoss(size_average=False), Adam steps; the first
 *    version's torch.sparse.torch.eye;
 *  - r9y9/wavenet_vocoder modules.py: the weight_norm'd Conv1d helper with its normal_ init, ResidualConv1dGLU
 *    (padding then x[:, :, :T], split, F.tanh * F.sigmoid, skip and residual 1x1s, * sqrt(0.5)), a WaveNet stack
 *    (wavenet.py's first conv, scaled skip sum and head) on torchaudio's mu_law_encoding's one-hot input, and F.pad's
 *    left padding as the same causal conv.
 * Values from torch 1.13 running the same code (scripts/fixtures/discrete_latents_fixtures.py ->
 * tests/fixtures/torch/tutorials/discrete_latents.json).
 *
 * Python forms written otherwise: `x[None, :, :, None, :]` -> x.index("None", ":", ":", "None", ":"), `a @ b` -> matmul,
 * `_, i = t.max(1)` -> destructuring, `with torch.no_grad():` -> torch.no_grad(() => ...), Variable(...).cuda() -> the
 * tensor, m.__class__.__name__ -> the constructor's name, keyword arguments ->
 * an options object, the EMA module's __call__ override -> its forward, r9y9's conv.Conv1d (an nn.Conv1d with incremental buffers) -> nn.Conv1d, its dropout 0.05 -> 0
 * (no dropout draws), torchaudio's functions copied (not a dependency).
 * A difference left (not fixed, see the test marked it.fails): torch's elementwise ops keep an input's layout (x * y of a
 * transposed x is not contiguous), so gram-ai's `(x * y[:, :, None]).view(B, -1)` raises torch's view error; the engine's
 * results are always contiguous, so the view passes. The training runs use the learner's .contiguous() fix.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, freshWarningsEachTest, raised, tutorialFixture, warns, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("discrete_latents.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data).reshape(j.shape);
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;
/** The fixed weights a gradient is taken against: linspace(0.5, 1.5) in t's shape. */
const W = (t: Tensor) => torch.linspace(0.5, 1.5, t.numel()).view(t.shape);

freshWarningsEachTest();

// ====================================== ritheshkumar95/pytorch-vqvae ======================================
class VectorQuantization extends torch.autograd.Function {
  static forward(ctx: Ctx, inputs: Tensor, codebook: Tensor): Tensor {
    return torch.no_grad(() => {
      const embedding_size = codebook.size(1);
      const inputs_size = inputs.size();
      const inputs_flatten = inputs.view(-1, embedding_size);

      const codebook_sqr = torch.sum(codebook.pow(2), { dim: 1 });
      const inputs_sqr = torch.sum(inputs_flatten.pow(2), { dim: 1, keepdim: true });

      // Compute the distances to the codebook
      const distances = torch.addmm(codebook_sqr.add(inputs_sqr), inputs_flatten, codebook.t(), { alpha: -2.0, beta: 1.0 });

      const [, indices_flatten] = torch.min(distances, { dim: 1 });
      const indices = indices_flatten.view(...inputs_size.slice(0, -1));
      ctx.mark_non_differentiable(indices);
      return indices;
    });
  }
  static backward(): Tensor {
    throw new Error("Trying to call `.grad()` on graph containing `VectorQuantization`. The function `VectorQuantization` is not differentiable. Use `VectorQuantizationStraightThrough` if you want a straight-through estimator of the gradient.");
  }
}
const vq = (inputs: Tensor, codebook: Tensor) => VectorQuantization.apply(inputs, codebook) as Tensor;

class VectorQuantizationStraightThrough extends torch.autograd.Function {
  static forward(ctx: Ctx, inputs: Tensor, codebook: Tensor): Tensor[] {
    const indices = vq(inputs, codebook);
    const indices_flatten = indices.view(-1);
    ctx.save_for_backward(indices_flatten, codebook);
    ctx.mark_non_differentiable(indices_flatten);

    const codes_flatten = torch.index_select(codebook, 0, indices_flatten);
    const codes = codes_flatten.view_as(inputs);
    return [codes, indices_flatten];
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  static backward(ctx: Ctx, grad_output: Tensor | null, _grad_indices: Tensor | null): (Tensor | null)[] {
    let grad_inputs: Tensor | null = null, grad_codebook: Tensor | null = null;
    if (ctx.needs_input_grad[0]) grad_inputs = grad_output!.clone(); // Straight-through estimator
    if (ctx.needs_input_grad[1]) {
      // Gradient wrt. the codebook
      const [indices, codebook] = ctx.saved_tensors;
      const embedding_size = codebook.size(1);
      const grad_output_flatten = grad_output!.contiguous().view(-1, embedding_size);
      grad_codebook = torch.zeros_like(codebook);
      grad_codebook.index_add_(0, indices, grad_output_flatten);
    }
    return [grad_inputs, grad_codebook];
  }
}
const vq_st = (inputs: Tensor, codebook: Tensor) => VectorQuantizationStraightThrough.apply(inputs, codebook) as Tensor[];

function weights_init(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.indexOf("Conv") !== -1) {
    const c = m as nn.Conv2d;
    nn.init.xavier_uniform_(c.weight.data);
    c.bias!.data.fill_(0);
  }
}

class VQEmbedding extends nn.Module {
  embedding: nn.Embedding;
  constructor(K: number, D: number) {
    super();
    this.embedding = new nn.Embedding(K, D);
    this.embedding.weight.data.uniform_(-1 / K, 1 / K);
  }
  forward(z_e_x: Tensor): Tensor {
    const z_e_x_ = z_e_x.permute(0, 2, 3, 1).contiguous();
    return vq(z_e_x_, this.embedding.weight);
  }
  straight_through(z_e_x: Tensor): [Tensor, Tensor] {
    const z_e_x_ = z_e_x.permute(0, 2, 3, 1).contiguous();
    const [z_q_x_, indices] = vq_st(z_e_x_, this.embedding.weight.detach());
    const z_q_x = z_q_x_.permute(0, 3, 1, 2).contiguous();

    const z_q_x_bar_flatten = torch.index_select(this.embedding.weight, 0, indices);
    const z_q_x_bar_ = z_q_x_bar_flatten.view_as(z_e_x_);
    const z_q_x_bar = z_q_x_bar_.permute(0, 3, 1, 2).contiguous();
    return [z_q_x, z_q_x_bar];
  }
}

class ResBlock extends nn.Module {
  block: nn.Sequential;
  constructor(dim: number) {
    super();
    this.block = new nn.Sequential(new nn.ReLU(true), new nn.Conv2d(dim, dim, 3, 1, 1), new nn.BatchNorm2d(dim), new nn.ReLU(true), new nn.Conv2d(dim, dim, 1), new nn.BatchNorm2d(dim));
  }
  forward(x: Tensor): Tensor {
    return x.add(this.block(x) as Tensor);
  }
}

class VectorQuantizedVAE extends nn.Module {
  encoder: nn.Sequential;
  codebook: VQEmbedding;
  decoder: nn.Sequential;
  constructor(input_dim: number, dim: number, K = 512) {
    super();
    this.encoder = new nn.Sequential(new nn.Conv2d(input_dim, dim, 4, 2, 1), new nn.BatchNorm2d(dim), new nn.ReLU(true), new nn.Conv2d(dim, dim, 4, 2, 1), new ResBlock(dim), new ResBlock(dim));
    this.codebook = new VQEmbedding(K, dim);
    this.decoder = new nn.Sequential(
      new ResBlock(dim), new ResBlock(dim), new nn.ReLU(true), new nn.ConvTranspose2d(dim, dim, 4, 2, 1), new nn.BatchNorm2d(dim), new nn.ReLU(true),
      new nn.ConvTranspose2d(dim, input_dim, 4, 2, 1), new nn.Tanh(),
    );
    this.apply(weights_init);
  }
  encode(x: Tensor): Tensor {
    const z_e_x = this.encoder(x) as Tensor;
    return this.codebook(z_e_x) as Tensor;
  }
  decode(latents: Tensor): Tensor {
    const z_q_x = (this.codebook.embedding(latents) as Tensor).permute(0, 3, 1, 2); // (B, D, H, W)
    return this.decoder(z_q_x) as Tensor;
  }
  forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const z_e_x = this.encoder(x) as Tensor;
    const [z_q_x_st, z_q_x] = this.codebook.straight_through(z_e_x);
    const x_tilde = this.decoder(z_q_x_st) as Tensor;
    return [x_tilde, z_e_x, z_q_x];
  }
}

describe("ritheshkumar95/pytorch-vqvae", () => {
  it("vq / vq_st: addmm distances, torch.min, non-differentiable indices, the straight-through and index_add_ gradients; cdist agrees", () => {
    const e = ref.vq_functions;
    torch.manual_seed(0);
    const codebook = torch.randn(6, 3, { requires_grad: true });
    const inputs = torch.randn(2, 2, 2, 3, { requires_grad: true });
    expectT(codebook, e.codebook, 0);
    expectT(inputs, e.inputs, 0);
    const indices = vq(inputs, codebook);
    expect([indices.tolist(), indices.dtype.name, indices.requires_grad]).toEqual([e.indices, "int64", e.indices_rg]);
    const [codes, idx_flat] = vq_st(inputs, codebook);
    expect([idx_flat.tolist(), idx_flat.requires_grad, codes.requires_grad]).toEqual([e.idx_flat, e.idx_flat_rg, e.codes_rg]);
    expectT(codes, e.codes, 0);
    codes.mul(W(codes)).sum().backward();
    expectT(inputs.grad!, e.inputs_grad, 1e-6);
    expectT(codebook.grad!, e.codebook_grad, 1e-6);
    const flat = inputs.detach().view(-1, 3);
    const cb = codebook.detach();
    expectT(torch.cdist(flat, cb), e.cdist, 1e-5);
    expect(torch.argmin(torch.cdist(flat, cb), { dim: 1 }).tolist()).toEqual(e.cdist_argmin);
    expectT(torch.addmm(torch.sum(cb.pow(2), { dim: 1 }).add(torch.sum(flat.pow(2), { dim: 1, keepdim: true })), flat, cb.t(), { alpha: -2.0, beta: 1.0 }), e.addmm, 1e-5);
  });

  it("VectorQuantizedVAE: weights_init through apply, three Adam steps of recons + vq + commitment, test losses, encode / decode", () => {
    const e = ref.vqvae_model;
    torch.manual_seed(1);
    const model = new VectorQuantizedVAE(1, 4, 6);
    const images = torch.rand(2, 1, 8, 8).mul(2).sub(1);
    expectT(images, e.images, 1e-7);
    // vqvae.py's test() (and generate_samples) before training. After Adam steps the running means are not comparable:
    // the biases of the convs before a BatchNorm get gradients of rounding noise only (the norm removes them), which
    // Adam's g / (sqrt(v) + eps) turns into lr-sized steps of either sign; the running variances are.
    model.eval();
    torch.no_grad(() => {
      const [x_tilde, z_e_x, z_q_x] = model(images) as [Tensor, Tensor, Tensor];
      expectNums([F.mse_loss(x_tilde, images).item(), F.mse_loss(z_q_x, z_e_x).item()], e.test_losses, 1e-5);
      const latents = model.encode(images);
      expect(latents.tolist()).toEqual(e.latents);
      expectT(model.decode(latents), e.decoded, 1e-5);
    });
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const beta = 1.0;
    const steps: number[][] = [];
    model.train();
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      const [x_tilde, z_e_x, z_q_x] = model(images) as [Tensor, Tensor, Tensor];
      const loss_recons = F.mse_loss(x_tilde, images);
      const loss_vq = F.mse_loss(z_q_x, z_e_x.detach());
      const loss_commit = F.mse_loss(z_e_x, z_q_x.detach());
      const loss = loss_recons.add(loss_vq).add(loss_commit.mul(beta));
      loss.backward();
      if (step === 0) {
        expectT(model.codebook.embedding.weight.grad!, e.first_grads.codebook, 1e-5);
        expectT((model.encoder.get(0) as nn.Conv2d).weight.grad!, e.first_grads.enc0, 1e-5);
      }
      optimizer.step();
      steps.push([loss_recons.item(), loss_vq.item(), loss_commit.item(), loss.item()]);
    }
    steps.forEach((s, i) => expectNums(s, e.steps[i], 1e-5));
    for (const [n, b] of model.named_buffers()) if (n.endsWith("running_var")) expectT(b, e.running_vars[n], 1e-5);
    expectT(model.codebook.embedding.weight, e.codebook_after, 1e-5);
    expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(e.n_params);
    expect(model.named_parameters().map(([n]) => n)).toEqual(e.param_names);
  });
});

// ====================================== rosinality/vq-vae-2-pytorch Quantize ======================================
class Quantize extends nn.Module {
  declare embed: Tensor;
  declare cluster_size: Tensor;
  declare embed_avg: Tensor;
  constructor(public dim: number, public n_embed: number, public decay = 0.99, public eps = 1e-5) {
    super();
    const embed = torch.randn(dim, n_embed);
    this.register_buffer("embed", embed);
    this.register_buffer("cluster_size", torch.ones(n_embed));
    this.register_buffer("embed_avg", embed.clone());
  }
  forward(input: Tensor): [Tensor, Tensor, Tensor] {
    const flatten = input.reshape(-1, this.dim);
    const dist = flatten.pow(2).sum(1, true).sub(flatten.matmul(this.embed).mul(2)).add(this.embed.pow(2).sum(0, true));
    let [, embed_ind] = dist.neg().max(1);
    const embed_onehot = F.one_hot(embed_ind, this.n_embed).type(flatten.dtype);
    embed_ind = embed_ind.view(...input.shape.slice(0, -1));
    let quantize = this.embed_code(embed_ind);

    if (this.training) {
      const embed_onehot_sum = embed_onehot.sum(0);
      const embed_sum = flatten.transpose(0, 1).matmul(embed_onehot);
      // dist_fn.all_reduce(...) is a no-op outside distributed training
      this.cluster_size.data.mul_(this.decay).add_(embed_onehot_sum, { alpha: 1 - this.decay });
      this.embed_avg.data.mul_(this.decay).add_(embed_sum, { alpha: 1 - this.decay });
      const n = this.cluster_size.sum();
      const cluster_size = this.cluster_size.add(this.eps).div(n.add(this.n_embed * this.eps)).mul(n);
      const embed_normalized = this.embed_avg.div(cluster_size.unsqueeze(0));
      this.embed.data.copy_(embed_normalized);
    }

    const diff = quantize.detach().sub(input).pow(2).mean();
    quantize = input.add(quantize.sub(input).detach());
    return [quantize, diff, embed_ind];
  }
  embed_code(embed_id: Tensor): Tensor {
    return F.embedding(embed_id, this.embed.transpose(0, 1));
  }
}

describe("rosinality/vq-vae-2-pytorch Quantize", () => {
  it("EMA buffers through .data in-place updates, Laplace smoothing, codes, straight-through gradient, eval", () => {
    const e = ref.rosinality;
    torch.manual_seed(2);
    const quant = new Quantize(3, 5, 0.9);
    const x = torch.randn(2, 3, 3, 3, { requires_grad: true });
    expectT(x, e.x, 0);
    let q!: Tensor, diff!: Tensor;
    for (let i = 0; i < 2; i++) {
      let ind: Tensor;
      [q, diff, ind] = quant(x) as [Tensor, Tensor, Tensor];
      const c = e.calls[i];
      expectT(q, c.q, 1e-6);
      expectNums([diff.item()], [c.diff], 1e-5);
      expect(ind.tolist()).toEqual(c.ind);
      expectT(quant.embed, c.embed, 1e-5);
      expectT(quant.cluster_size, c.cluster_size, 1e-6);
      expectT(quant.embed_avg, c.embed_avg, 1e-6);
    }
    q.mul(W(q)).sum().add(diff).backward();
    expectT(x.grad!, e.x_grad, 1e-5);
    quant.eval();
    const [q_eval, diff_eval, ind_eval] = quant(x.detach()) as [Tensor, Tensor, Tensor];
    expectT(q_eval, e.q_eval, 1e-6);
    expectNums([diff_eval.item()], [e.diff_eval], 1e-5);
    expect(ind_eval.tolist()).toEqual(e.ind_eval);
    expect(quant.named_buffers().map(([n]) => n)).toEqual(e.buffers);
    expect(Object.keys(quant.state_dict())).toEqual(e.state_keys);
    expect([quant.parameters().length, quant.embed.requires_grad]).toEqual([e.n_params, e.embed_rg]);
  });
});

// ====================================== airalcorn2/vqvae-pytorch (the Sonnet port) ======================================
class ResidualStack extends nn.Module {
  layers: nn.ModuleList;
  constructor(num_hiddens: number, num_residual_layers: number, num_residual_hiddens: number) {
    super();
    const layers: nn.Module[] = [];
    for (let i = 0; i < num_residual_layers; i++) {
      layers.push(new nn.Sequential(
        new nn.ReLU(),
        new nn.Conv2d({ in_channels: num_hiddens, out_channels: num_residual_hiddens, kernel_size: 3, padding: 1 }),
        new nn.ReLU(),
        new nn.Conv2d({ in_channels: num_residual_hiddens, out_channels: num_hiddens, kernel_size: 1 }),
      ));
    }
    this.layers = new nn.ModuleList(layers);
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = h.add(layer(h) as Tensor);
    return torch.relu(h); // ResNet V1-style.
  }
}

class SonnetEncoder extends nn.Module {
  conv: nn.Sequential;
  residual_stack: ResidualStack;
  constructor(in_channels: number, num_hiddens: number, num_downsampling_layers: number, num_residual_layers: number, num_residual_hiddens: number) {
    super();
    const conv = new nn.Sequential();
    let out_channels = 0;
    for (let downsampling_layer = 0; downsampling_layer < num_downsampling_layers; downsampling_layer++) {
      if (downsampling_layer === 0) out_channels = Math.floor(num_hiddens / 2);
      else if (downsampling_layer === 1) [in_channels, out_channels] = [Math.floor(num_hiddens / 2), num_hiddens];
      else [in_channels, out_channels] = [num_hiddens, num_hiddens];
      conv.add_module(`down${downsampling_layer}`, new nn.Conv2d({ in_channels, out_channels, kernel_size: 4, stride: 2, padding: 1 }));
      conv.add_module(`relu${downsampling_layer}`, new nn.ReLU());
    }
    conv.add_module("final_conv", new nn.Conv2d({ in_channels: num_hiddens, out_channels: num_hiddens, kernel_size: 3, padding: 1 }));
    this.conv = conv;
    this.residual_stack = new ResidualStack(num_hiddens, num_residual_layers, num_residual_hiddens);
  }
  forward(x: Tensor): Tensor {
    return this.residual_stack(this.conv(x) as Tensor) as Tensor;
  }
}

class SonnetDecoder extends nn.Module {
  conv: nn.Conv2d;
  residual_stack: ResidualStack;
  upconv: nn.Sequential;
  constructor(embedding_dim: number, num_hiddens: number, num_upsampling_layers: number, num_residual_layers: number, num_residual_hiddens: number) {
    super();
    this.conv = new nn.Conv2d({ in_channels: embedding_dim, out_channels: num_hiddens, kernel_size: 3, padding: 1 });
    this.residual_stack = new ResidualStack(num_hiddens, num_residual_layers, num_residual_hiddens);
    const upconv = new nn.Sequential();
    for (let upsampling_layer = 0; upsampling_layer < num_upsampling_layers; upsampling_layer++) {
      let in_channels: number, out_channels: number;
      if (upsampling_layer < num_upsampling_layers - 2) [in_channels, out_channels] = [num_hiddens, num_hiddens];
      else if (upsampling_layer === num_upsampling_layers - 2) [in_channels, out_channels] = [num_hiddens, Math.floor(num_hiddens / 2)];
      else [in_channels, out_channels] = [Math.floor(num_hiddens / 2), 3];
      upconv.add_module(`up${upsampling_layer}`, new nn.ConvTranspose2d({ in_channels, out_channels, kernel_size: 4, stride: 2, padding: 1 }));
      if (upsampling_layer < num_upsampling_layers - 1) upconv.add_module(`relu${upsampling_layer}`, new nn.ReLU());
    }
    this.upconv = upconv;
  }
  forward(x: Tensor): Tensor {
    const h = this.residual_stack(this.conv(x) as Tensor) as Tensor;
    return this.upconv(h) as Tensor;
  }
}

/** Python's __call__ override (update, then the average) is the module's forward here: calling a module runs forward. */
class SonnetExponentialMovingAverage extends nn.Module {
  counter = 0;
  declare hidden: Tensor;
  declare average: Tensor;
  constructor(public decay: number, shape: readonly number[]) {
    super();
    this.register_buffer("hidden", torch.zeros(...shape));
    this.register_buffer("average", torch.zeros(...shape));
  }
  update(value: Tensor): void {
    this.counter += 1;
    torch.no_grad(() => {
      this.hidden.sub_(this.hidden.sub(value).mul(1 - this.decay));
      this.average = this.hidden.div(1 - this.decay ** this.counter);
    });
  }
  forward(value: Tensor): Tensor {
    this.update(value);
    return this.average;
  }
}

class SonnetVectorQuantizer extends nn.Module {
  declare e_i_ts: Tensor;
  N_i_ts: SonnetExponentialMovingAverage;
  m_i_ts: SonnetExponentialMovingAverage;
  constructor(public embedding_dim: number, public num_embeddings: number, public use_ema: boolean, public decay: number, public epsilon: number) {
    super();
    // Dictionary embeddings.
    const limit = 3 ** 0.5;
    const e_i_ts = torch.FloatTensor(embedding_dim, num_embeddings).uniform_(-limit, limit);
    if (use_ema) this.register_buffer("e_i_ts", e_i_ts);
    else this.register_parameter("e_i_ts", new nn.Parameter(e_i_ts));
    this.N_i_ts = new SonnetExponentialMovingAverage(decay, [num_embeddings]);
    this.m_i_ts = new SonnetExponentialMovingAverage(decay, e_i_ts.shape);
  }
  forward(x: Tensor): [Tensor, Tensor | null, Tensor, Tensor] {
    const flat_x = x.permute(0, 2, 3, 1).reshape(-1, this.embedding_dim);
    const distances = flat_x.pow(2).sum(1, true).sub(flat_x.matmul(this.e_i_ts).mul(2)).add(this.e_i_ts.pow(2).sum(0, true));
    const encoding_indices = distances.argmin(1);
    let quantized_x = F.embedding(encoding_indices.view(x.shape[0], ...x.shape.slice(2)), this.e_i_ts.transpose(0, 1)).permute(0, 3, 1, 2);
    // See second term of Equation (3).
    const dictionary_loss = !this.use_ema ? x.detach().sub(quantized_x).pow(2).mean() : null;
    // See third term of Equation (3).
    const commitment_loss = x.sub(quantized_x.detach()).pow(2).mean();
    // Straight-through gradient. See Section 3.2.
    quantized_x = x.add(quantized_x.sub(x).detach());

    if (this.use_ema && this.training) {
      torch.no_grad(() => {
        const encoding_one_hots = F.one_hot(encoding_indices, this.num_embeddings).type(flat_x.dtype);
        const n_i_ts = encoding_one_hots.sum(0);
        this.N_i_ts(n_i_ts);
        const embed_sums = flat_x.transpose(0, 1).matmul(encoding_one_hots);
        this.m_i_ts(embed_sums);
        const N_i_ts_sum = this.N_i_ts.average.sum();
        const N_i_ts_stable = this.N_i_ts.average.add(this.epsilon).div(N_i_ts_sum.add(this.num_embeddings * this.epsilon)).mul(N_i_ts_sum);
        this.e_i_ts = this.m_i_ts.average.div(N_i_ts_stable.unsqueeze(0));
      });
    }
    return [quantized_x, dictionary_loss, commitment_loss, encoding_indices.view(x.shape[0], -1)];
  }
}

class SonnetVQVAE extends nn.Module {
  encoder: SonnetEncoder;
  pre_vq_conv: nn.Conv2d;
  vq: SonnetVectorQuantizer;
  decoder: SonnetDecoder;
  constructor(a: { in_channels: number; num_hiddens: number; num_downsampling_layers: number; num_residual_layers: number; num_residual_hiddens: number; embedding_dim: number; num_embeddings: number; use_ema: boolean; decay: number; epsilon: number }) {
    super();
    this.encoder = new SonnetEncoder(a.in_channels, a.num_hiddens, a.num_downsampling_layers, a.num_residual_layers, a.num_residual_hiddens);
    this.pre_vq_conv = new nn.Conv2d({ in_channels: a.num_hiddens, out_channels: a.embedding_dim, kernel_size: 1 });
    this.vq = new SonnetVectorQuantizer(a.embedding_dim, a.num_embeddings, a.use_ema, a.decay, a.epsilon);
    this.decoder = new SonnetDecoder(a.embedding_dim, a.num_hiddens, a.num_downsampling_layers, a.num_residual_layers, a.num_residual_hiddens);
  }
  quantize(x: Tensor): [Tensor, Tensor | null, Tensor, Tensor] {
    const z = this.pre_vq_conv(this.encoder(x) as Tensor) as Tensor;
    return this.vq(z) as [Tensor, Tensor | null, Tensor, Tensor];
  }
  forward(x: Tensor): { dictionary_loss: Tensor | null; commitment_loss: Tensor; x_recon: Tensor } {
    const [z_quantized, dictionary_loss, commitment_loss] = this.quantize(x);
    const x_recon = this.decoder(z_quantized) as Tensor;
    return { dictionary_loss, commitment_loss, x_recon };
  }
}

describe("airalcorn2/vqvae-pytorch (the Sonnet port)", () => {
  it.each([["ema", true], ["param", false]] as const)("%s: the codebook as a buffer replaced under no_grad (EMA with zero-debiasing, Laplace smoothing) or a Parameter; three Adam steps; eval", (key, use_ema) => {
    const e = ref.sonnet_vq[key];
    torch.manual_seed(20);
    const model = new SonnetVQVAE({ in_channels: 3, num_hiddens: 8, num_downsampling_layers: 2, num_residual_layers: 1, num_residual_hiddens: 4, embedding_dim: 4, num_embeddings: 6, use_ema, decay: 0.9, epsilon: 1e-5 });
    const imgs = torch.rand(2, 3, 8, 8).sub(0.5);
    expectT(imgs, e.imgs, 1e-7);
    const train_data_variance = torch.var(imgs.add(0.5), { unbiased: false }).item(); // np.var(train_dataset.data / 255)
    expectNums([train_data_variance], [e.variance], 1e-6);
    const beta = 0.25;
    const optimizer = new optim.Adam([...model.parameters()], { lr: 3e-3 });
    const criterion = new nn.MSELoss();
    model.train();
    const losses: number[][] = [];
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      const out = model(imgs) as { dictionary_loss: Tensor | null; commitment_loss: Tensor; x_recon: Tensor };
      const recon_error = (criterion(out.x_recon, imgs) as Tensor).div(train_data_variance);
      const loss = recon_error.add(out.commitment_loss.mul(beta));
      if (!use_ema) loss.add_(out.dictionary_loss!); // `loss += ...`: Python's += on a tensor is in place
      loss.backward();
      optimizer.step();
      losses.push([recon_error.item(), loss.item()]);
    }
    losses.forEach((l, i) => expectNums(l, e.losses[i], 1e-5));
    model.eval();
    torch.no_grad(() => {
      const [z_q, d_loss, c_loss, idx] = model.quantize(imgs);
      expectT(z_q, e.z_q, 1e-5);
      expectNums([c_loss.item()], [e.commitment], 1e-5);
      if (e.dictionary === null) expect(d_loss).toBeNull();
      else expectNums([d_loss!.item()], [e.dictionary], 1e-5);
      expect(idx.tolist()).toEqual(e.idx);
      expectT((model(imgs) as { x_recon: Tensor }).x_recon, e.recon, 1e-5);
    });
    expectT(model.vq.e_i_ts, e.e_i_ts, 1e-5);
    expectT(model.vq.N_i_ts.hidden, e.N_hidden, 1e-6);
    expectT(model.vq.N_i_ts.average, e.N_average, 1e-6);
    expectT(model.vq.m_i_ts.average, e.m_average, 1e-5);
    expect(model.vq.N_i_ts.counter).toBe(e.counter);
    expect(model.vq.named_buffers().map(([n]) => n)).toEqual(e.buffers);
    expect(model.vq.named_parameters().map(([n]) => n)).toEqual(e.params);
    expect(Object.keys(model.state_dict())).toEqual(e.state_keys);
  });
});

// ====================================== karpathy/deep-vector-quantization ======================================
class VQVAEQuantize extends nn.Module {
  proj: nn.Conv2d;
  embed: nn.Embedding;
  declare data_initialized: Tensor;
  constructor(num_hiddens: number, public embedding_dim: number, public n_embed: number) {
    super();
    this.proj = new nn.Conv2d(num_hiddens, embedding_dim, 1);
    this.embed = new nn.Embedding(n_embed, embedding_dim);
    this.register_buffer("data_initialized", torch.zeros(1));
  }
  forward(z: Tensor): [Tensor, Tensor, Tensor] {
    const [B, , H, Wd] = z.size();
    // project and flatten out space, so (B, C, H, W) -> (B*H*W, C)
    let z_e = this.proj(z) as Tensor;
    z_e = z_e.permute(0, 2, 3, 1); // make (B, H, W, C)
    const flatten = z_e.reshape(-1, this.embedding_dim);

    if (this.training && this.data_initialized.item() === 0) {
      const rp = torch.randperm(flatten.size(0));
      // kmeans2(..., minit='points') starts from random data points; its iterations (scipy) are left out
      const kd = flatten.index(rp.index(`:${this.n_embed}`)).data;
      this.embed.weight.data.copy_(kd);
      this.data_initialized.fill_(1);
    }

    const dist = flatten.pow(2).sum(1, true).sub(flatten.matmul(this.embed.weight.t()).mul(2)).add(this.embed.weight.pow(2).sum(1, true).t());
    let [, ind] = dist.neg().max(1);
    ind = ind.view(B, H, Wd);

    // vector quantization cost that trains the embedding vectors
    let z_q = this.embed_code(ind); // (B, H, W, C)
    const commitment_cost = 0.25;
    const diff = z_q.detach().sub(z_e).pow(2).mean().mul(commitment_cost).add(z_q.sub(z_e.detach()).pow(2).mean());

    z_q = z_e.add(z_q.sub(z_e).detach()); // noop in forward pass, straight-through gradient estimator in backward pass
    z_q = z_q.permute(0, 3, 1, 2); // stack encodings into channels again: (B, C, H, W)
    return [z_q, diff, ind];
  }
  embed_code(embed_id: Tensor): Tensor {
    return F.embedding(embed_id, this.embed.weight);
  }
}

class GumbelQuantize extends nn.Module {
  temperature = 1.0;
  proj: nn.Conv2d;
  embed: nn.Embedding;
  constructor(num_hiddens: number, public embedding_dim: number, public n_embed: number, public straight_through = true) {
    super();
    this.proj = new nn.Conv2d(num_hiddens, n_embed, 1);
    this.embed = new nn.Embedding(n_embed, embedding_dim);
  }
  forward(z: Tensor): [Tensor, Tensor, Tensor] {
    // force hard = True when we are in eval mode, as we must quantize
    const hard = this.training ? this.straight_through : true;
    const logits = this.proj(z) as Tensor;
    const soft_one_hot = F.gumbel_softmax(logits, { tau: this.temperature, dim: 1, hard });
    const z_q = torch.einsum("b n h w, n d -> b d h w", soft_one_hot, this.embed.weight);

    // + kl divergence to the prior loss
    const kld_scale = 5e-4;
    const qy = F.softmax(logits, { dim: 1 });
    const diff = torch.sum(qy.mul(torch.log(qy.mul(this.n_embed).add(1e-10))), { dim: 1 }).mean().mul(kld_scale);

    const ind = soft_one_hot.argmax({ dim: 1 });
    return [z_q, diff, ind];
  }
}

describe("karpathy/deep-vector-quantization", () => {
  it("VQVAEQuantize: the data-driven init once (data_initialized buffer), codes, losses and gradients", () => {
    const e = ref.dvq_vq;
    torch.manual_seed(3);
    const vqq = new VQVAEQuantize(4, 3, 5);
    const z = torch.randn(2, 4, 3, 3);
    expectT(z, e.z, 0);
    const [z_q, diff, ind] = vqq(z) as [Tensor, Tensor, Tensor];
    expectT(z_q, e.z_q, 1e-6);
    expectNums([diff.item()], [e.diff], 1e-5);
    expect(ind.tolist()).toEqual(e.ind);
    z_q.mul(W(z_q)).sum().add(diff).backward();
    expectT(vqq.embed.weight, e.embed, 1e-6);
    expectT(vqq.proj.weight.grad!, e.proj_grad, 1e-5);
    expectT(vqq.embed.weight.grad!, e.embed_grad, 1e-5);
    expect(vqq.data_initialized.item()).toBe(e.flag);
    const [z_q2, diff2, ind2] = vqq(z.mul(0.5)) as [Tensor, Tensor, Tensor];
    expectT(z_q2, e.z_q2, 1e-6);
    expectNums([diff2.item()], [e.diff2], 1e-5);
    expect(ind2.tolist()).toEqual(e.ind2);
    expect(Object.keys(vqq.state_dict())).toEqual(e.state_keys);
  });

  it("GumbelQuantize: seeded F.gumbel_softmax over dim 1 (soft, then straight-through), the einsum, the KL term, eval", () => {
    const e = ref.dvq_gumbel;
    torch.manual_seed(4);
    const gq = new GumbelQuantize(4, 3, 5, false);
    const z = torch.randn(2, 4, 2, 2);
    expectT(z, e.z, 0);
    for (const [key, st] of [["soft", false], ["hard", true]] as const) {
      gq.zero_grad();
      gq.straight_through = st;
      const [z_q, diff, ind] = gq(z) as [Tensor, Tensor, Tensor];
      z_q.mul(W(z_q)).sum().add(diff).backward();
      expectT(z_q, e[key].z_q, 1e-5);
      expectNums([diff.item()], [e[key].diff], 1e-5);
      expect(ind.tolist()).toEqual(e[key].ind);
      expectT(gq.proj.weight.grad!, e[key].proj_grad, 1e-5);
      expectT(gq.embed.weight.grad!, e[key].embed_grad, 1e-5);
    }
    gq.eval();
    torch.no_grad(() => {
      const [z_q, , ind] = gq(z) as [Tensor, Tensor, Tensor];
      expectT(z_q, e.eval.z_q, 1e-6);
      expect(ind.tolist()).toEqual(e.eval.ind);
    });
  });
});

// ====================================== Gumbel-softmax: torch's, by hand, and the KL to a uniform prior ======================================
function sample_gumbel(shape: readonly number[], eps = 1e-20): Tensor {
  const U = torch.rand(shape);
  return torch.log(torch.log(U.add(eps)).neg().add(eps)).neg();
}
function gumbel_softmax_sample(logits: Tensor, temperature: number): Tensor {
  const y = logits.add(sample_gumbel(logits.size()));
  return F.softmax(y.div(temperature), { dim: -1 });
}
function gumbel_softmax(logits: Tensor, temperature: number, hard = false): Tensor {
  const y = gumbel_softmax_sample(logits, temperature);
  if (!hard) return y;
  const shape = y.size();
  const [, ind] = y.max(-1);
  let y_hard = torch.zeros_like(y).view(-1, shape[shape.length - 1]);
  y_hard.scatter_(1, ind.view(-1, 1), 1);
  y_hard = y_hard.view(...shape);
  // Set gradients w.r.t. y_hard gradients w.r.t. y
  return y_hard.sub(y).detach().add(y);
}

describe("Gumbel-softmax and the KL to a uniform categorical", () => {
  it("F.gumbel_softmax's seeded draws equal torch's (soft, hard, dim=0, float64) with the straight-through gradient", () => {
    const e = ref.gumbel;
    torch.manual_seed(5);
    const logits = torch.randn(4, 5, { requires_grad: true });
    expectT(logits, e.logits, 0);
    torch.manual_seed(6);
    expectT(F.gumbel_softmax(logits, { tau: 0.5 }), e.y_soft, 1e-6);
    const y_hard = F.gumbel_softmax(logits, { tau: 1.0, hard: true });
    expectT(y_hard, e.y_hard, 0);
    expectT(F.gumbel_softmax(logits, 0.7, true, { dim: 0 }), e.y_dim0, 0);
    y_hard.mul(W(y_hard)).sum().backward();
    expectT(logits.grad!, e.g_hard, 1e-6);
    logits.grad = null;
    torch.manual_seed(7);
    const y64 = F.gumbel_softmax(logits.detach().double(), { tau: 2.0 });
    expect(y64.dtype).toBe(torch.float64);
    expectT(y64, e.y64, 1e-12);
  });

  it("a hand-written sampler -log(-log(U + eps) + eps) with the straight-through one-hot; the KL by hand, by kl_divergence, and DALL-E's kl_div", () => {
    const e = ref.gumbel;
    const logits = T(e.logits).requires_grad_(true);
    torch.manual_seed(8);
    const hw = gumbel_softmax(logits, 0.5, true);
    expectT(hw, e.hand_hard, 0);
    hw.mul(W(hw)).sum().backward();
    expectT(logits.grad!, e.g_hand, 1e-6);
    logits.grad = null;
    const K = 5;
    const qy = F.softmax(logits, { dim: -1 });
    const kl_hand = torch.sum(qy.mul(torch.log(qy.mul(K).add(1e-20))), { dim: -1 }).mean();
    const { Categorical, kl_divergence } = torch.distributions;
    const kl_dist = kl_divergence(new Categorical({ probs: qy }), new Categorical({ probs: torch.ones_like(qy).div(K) })).mean();
    expectNums([kl_hand.item(), kl_dist.item()], [e.kl_hand, e.kl_dist], 1e-6);
    kl_hand.backward();
    expectT(logits.grad!, e.g_kl, 1e-6);
    // lucidrains/DALLE-pytorch DiscreteVAE: rearrange(logits, 'b n h w -> b (h w) n') as permute / reshape
    torch.manual_seed(9);
    const num_tokens = 5;
    const img_logits = torch.randn(2, num_tokens, 2, 2, { requires_grad: true });
    expectT(img_logits, e.img_logits, 0);
    const lg = img_logits.permute(0, 2, 3, 1).reshape(2, 4, num_tokens);
    const log_qy = F.log_softmax(lg, { dim: -1 });
    const log_uniform = torch.log(torch.tensor([1 / num_tokens]));
    const kl_div = F.kl_div(log_uniform, log_qy, null, null, "batchmean", { log_target: true });
    expectNums([kl_div.item()], [e.dalle_kl], 1e-6);
    kl_div.backward();
    expectT(img_logits.grad!, e.dalle_grad, 1e-6);
    expectNums([F.kl_div(log_uniform, log_qy.detach(), { reduction: "sum", log_target: true }).item()], [e.dalle_kl_sum], 1e-6);
    const [w, mean] = warns(() => F.kl_div(log_uniform, log_qy.detach(), { reduction: "mean", log_target: true }).item());
    expect(w).toEqual(e.dalle_kl_mean[0]);
    expectNums([mean], [e.dalle_kl_mean[1]], 1e-6);
  });
});

// ====================================== gram-ai/capsule-networks ======================================
const NUM_CLASSES = 4;
const NUM_ROUTING_ITERATIONS = 3;

function softmax(input: Tensor, dim = 1): Tensor {
  const transposed_input = input.transpose(dim, input.size().length - 1);
  const softmaxed_output = F.softmax(transposed_input.contiguous().view(-1, transposed_input.size(-1)), { dim: -1 });
  return softmaxed_output.view(...transposed_input.size()).transpose(dim, input.size().length - 1);
}
/** The first version's helper: F.softmax without dim (torch's implicit-dim warning; dim 1 of a 2-d input). */
function softmax_old(input: Tensor, dim = 1): Tensor {
  const transposed_input = input.transpose(dim, input.size().length - 1);
  const softmaxed_output = F.softmax(transposed_input.contiguous().view(-1, transposed_input.size(-1)));
  return softmaxed_output.view(...transposed_input.size()).transpose(dim, input.size().length - 1);
}

class CapsuleLayer extends nn.Module {
  route_weights?: nn.Parameter;
  capsules?: nn.ModuleList;
  constructor(public num_capsules: number, public num_route_nodes: number, in_channels: number, out_channels: number, kernel_size?: number, stride?: number, public num_iterations = NUM_ROUTING_ITERATIONS) {
    super();
    if (num_route_nodes !== -1) {
      this.route_weights = new nn.Parameter(torch.randn(num_capsules, num_route_nodes, in_channels, out_channels));
    } else {
      this.capsules = new nn.ModuleList(Array.from({ length: num_capsules }, () => new nn.Conv2d(in_channels, out_channels, { kernel_size, stride, padding: 0 })));
    }
  }
  squash(tensor: Tensor, dim = -1): Tensor {
    const squared_norm = tensor.pow(2).sum({ dim, keepdim: true });
    const scale = squared_norm.div(squared_norm.add(1));
    return scale.mul(tensor).div(torch.sqrt(squared_norm));
  }
  forward(x: Tensor): Tensor {
    let outputs!: Tensor;
    if (this.num_route_nodes !== -1) {
      const priors = x.index("None", ":", ":", "None", ":").matmul(this.route_weights!.index(":", "None", ":", ":", ":"));
      let logits = torch.zeros(...priors.size());
      for (let i = 0; i < this.num_iterations; i++) {
        const probs = softmax(logits, 2);
        outputs = this.squash(probs.mul(priors).sum({ dim: 2, keepdim: true }));
        if (i !== this.num_iterations - 1) {
          const delta_logits = priors.mul(outputs).sum({ dim: -1, keepdim: true });
          logits = logits.add(delta_logits);
        }
      }
    } else {
      const outs = [...this.capsules!].map((capsule) => (capsule(x) as Tensor).view(x.size(0), -1, 1));
      outputs = this.squash(torch.cat(outs, { dim: -1 }));
    }
    return outputs;
  }
}

class CapsuleNet extends nn.Module {
  conv1: nn.Conv2d;
  primary_capsules: CapsuleLayer;
  digit_capsules: CapsuleLayer;
  decoder: nn.Sequential;
  /** as_written: the repository's `(x * y[:, :, None]).view(...)`; otherwise the learner's .contiguous() fix. */
  as_written = false;
  constructor() {
    super();
    this.conv1 = new nn.Conv2d({ in_channels: 1, out_channels: 16, kernel_size: 3, stride: 1 });
    this.primary_capsules = new CapsuleLayer(8, -1, 16, 2, 3, 2);
    this.digit_capsules = new CapsuleLayer(NUM_CLASSES, 2 * 2 * 2, 8, 16);
    this.decoder = new nn.Sequential(new nn.Linear(16 * NUM_CLASSES, 32), new nn.ReLU(true), new nn.Linear(32, 48), new nn.ReLU(true), new nn.Linear(48, 64), new nn.Sigmoid());
  }
  forward(x: Tensor, y: Tensor | null = null): [Tensor, Tensor] {
    x = F.relu(this.conv1(x) as Tensor, { inplace: true });
    x = this.primary_capsules(x) as Tensor;
    x = (this.digit_capsules(x) as Tensor).squeeze().transpose(0, 1);

    let classes = x.pow(2).sum({ dim: -1 }).pow(0.5);
    classes = F.softmax(classes, { dim: -1 });

    if (y === null) {
      // In all batches, get the most active capsule.
      const [, max_length_indices] = classes.max(1);
      y = torch.eye(NUM_CLASSES).index_select(0, max_length_indices.data);
    }
    const masked = x.mul(y.index(":", ":", "None"));
    const reconstructions = this.decoder((this.as_written ? masked : masked.contiguous()).view(x.size(0), -1)) as Tensor;
    return [classes, reconstructions];
  }
}

class CapsuleLoss extends nn.Module {
  reconstruction_loss = new nn.MSELoss({ size_average: false });
  forward(images: Tensor, labels: Tensor, classes: Tensor, reconstructions: Tensor): Tensor {
    const left = F.relu(classes.neg().add(0.9), { inplace: true }).pow(2);
    const right = F.relu(classes.sub(0.1), { inplace: true }).pow(2);

    let margin_loss = labels.mul(left).add(labels.neg().add(1).mul(0.5).mul(right));
    margin_loss = margin_loss.sum();

    expect(torch.numel(images)).toBe(torch.numel(reconstructions));
    images = images.view(reconstructions.size()[0], -1);
    const reconstruction_loss = this.reconstruction_loss(reconstructions, images) as Tensor;
    return margin_loss.add(reconstruction_loss.mul(0.0005)).div(images.size(0));
  }
}

describe("gram-ai/capsule-networks", () => {
  it("the softmax helpers, squash, priors of [.., 1, 8] @ [.., 8, 16], three routing iterations and their gradients", () => {
    const e = ref.capsule_layer;
    torch.manual_seed(10);
    const rl = torch.randn(2, 3, 4);
    expectT(rl, e.rl, 0);
    const [w, old] = warns(() => softmax_old(rl, 1));
    expect(w).toEqual(e.old_warns);
    expectT(old, e.softmax_old, 1e-6);
    expectT(softmax(rl, 1), e.softmax, 1e-6);
    const layer = new CapsuleLayer(3, 4, 8, 16);
    const u = torch.randn(2, 4, 8, { requires_grad: true });
    expect([...u.index("None", ":", ":", "None", ":").matmul(layer.route_weights!.index(":", "None", ":", ":", ":")).shape]).toEqual(e.priors_shape);
    const v = layer(u) as Tensor;
    expectT(v, e.v, 1e-5);
    v.mul(W(v)).sum().backward();
    expectT(u.grad!, e.u_grad, 1e-4);
    expectT(layer.route_weights!.grad!, e.w_grad, 1e-4);
    expectT(layer.squash(rl), e.squash, 1e-6);
  });

  it("CapsuleNet: the eye(...).index_select labels (and torch.sparse.torch.eye), margin + reconstruction loss over three Adam steps, eval's mask", () => {
    const e = ref.capsnet;
    torch.manual_seed(11);
    const [w, capsule_loss] = warns(() => new CapsuleLoss());
    expect(w).toEqual(e.mse_warns);
    const model = new CapsuleNet();
    const optimizer = new optim.Adam(model.parameters());
    const data = torch.rand(3, 1, 8, 8);
    expectT(data, e.data, 0);
    const labels_ = torch.LongTensor([0, 3, 1]);
    const labels = torch.eye(NUM_CLASSES).index_select(0, labels_);
    expectT(labels, e.labels, 0);
    const sparseTorch = (torch as unknown as { sparse: { torch: typeof torch } }).sparse.torch;
    expectT(sparseTorch.eye(NUM_CLASSES).index_select(0, labels_), e.labels_sparse, 0);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      const [classes, reconstructions] = model(data, labels) as [Tensor, Tensor];
      const loss = capsule_loss(data, labels, classes, reconstructions) as Tensor;
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      if (step === 0) {
        expectT(classes, e.classes0, 1e-5);
        expectT(reconstructions, e.recon0, 1e-5);
      }
    }
    expectNums(losses, e.losses, 1e-5);
    torch.no_grad(() => {
      const [classes_e, recon_e] = model(data) as [Tensor, Tensor];
      expectT(classes_e, e.classes_eval, 1e-5);
      expectT(recon_e, e.recon_eval, 1e-5);
      expectNums([(capsule_loss(data, labels, classes_e, recon_e) as Tensor).item()], [e.loss_eval], 1e-5);
      expect(classes_e.max(1)[1].tolist()).toEqual(e.pred);
    });
    expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(e.n_params);
    expect(model.named_parameters().map(([n]) => n)).toEqual(e.param_names);
    expect(String(model)).toBe(e.repr);
  });

  // Not fixed: torch's elementwise results keep a strided input's layout (TensorIterator); the engine's are contiguous.
  it.fails("as written, (x * y[:, :, None]).view(B, -1) raises torch's view error: the product keeps x's transposed layout", () => {
    const e = ref.capsnet;
    const x = torch.randn(4, 3, 16).transpose(0, 1);
    const m = x.mul(torch.eye(4).index(":3", ":", "None"));
    expect([m.is_contiguous(), [...m.stride()]]).toEqual(e.masked_layout);
    torch.manual_seed(11);
    const model = new CapsuleNet();
    model.as_written = true;
    expect(raised(() => model(torch.rand(3, 1, 8, 8), torch.eye(NUM_CLASSES).index(":3")))).toEqual(e.as_written_error);
  });
});

// ====================================== r9y9/wavenet_vocoder ======================================
function Conv1d(in_channels: number, out_channels: number, kernel_size: number, opts: { dropout?: number; std_mul?: number; padding?: number; dilation?: number; bias?: boolean } = {}): nn.Conv1d {
  const { dropout = 0, std_mul = 4.0, ...kwargs } = opts;
  const m = new nn.Conv1d(in_channels, out_channels, kernel_size, kwargs);
  const std = Math.sqrt((std_mul * (1.0 - dropout)) / (m.kernel_size[0] * in_channels));
  m.weight.data.normal_({ mean: 0, std });
  m.bias!.data.zero_();
  return nn.utils.weight_norm(m);
}
/** 1-by-1 convolution layer */
function Conv1d1x1(in_channels: number, out_channels: number, bias = true): nn.Conv1d {
  return Conv1d(in_channels, out_channels, 1, { padding: 0, dilation: 1, bias, std_mul: 1.0 });
}

class ResidualConv1dGLU extends nn.Module {
  causal: boolean;
  conv: nn.Conv1d;
  conv1x1c = null;
  conv1x1g = null;
  conv1x1_out: nn.Conv1d;
  conv1x1_skip: nn.Conv1d;
  constructor(residual_channels: number, gate_channels: number, kernel_size: number, opts: { skip_out_channels?: number; dropout?: number; dilation?: number; causal?: boolean } = {}) {
    super();
    const { dropout = 1 - 0.95, dilation = 1, causal = true } = opts;
    const skip_out_channels = opts.skip_out_channels ?? residual_channels;
    // no future time stamps available
    const padding = causal ? (kernel_size - 1) * dilation : Math.floor((kernel_size - 1) / 2) * dilation;
    this.dropout = dropout;
    this.causal = causal;
    this.conv = Conv1d(residual_channels, gate_channels, kernel_size, { padding, dilation, bias: true, std_mul: 1.0 });
    // conv output is split into two groups
    const gate_out_channels = Math.floor(gate_channels / 2);
    this.conv1x1_out = Conv1d1x1(gate_out_channels, residual_channels);
    this.conv1x1_skip = Conv1d1x1(gate_out_channels, skip_out_channels);
  }
  dropout: number;
  forward(x: Tensor): [Tensor, Tensor] {
    const residual = x;
    x = F.dropout(x, { p: this.dropout, training: this.training });
    const splitdim = 1;
    x = this.conv(x) as Tensor;
    // remove future time steps
    x = this.causal ? x.index(":", ":", `:${residual.size(-1)}`) : x;
    const [a, b] = x.split(Math.floor(x.size(splitdim) / 2), { dim: splitdim });
    x = F.tanh(a).mul(F.sigmoid(b));
    const s = this.conv1x1_skip(x) as Tensor; // For skip connection
    x = this.conv1x1_out(x) as Tensor; // For residual connection
    x = x.add(residual).mul(Math.sqrt(0.5));
    return [x, s];
  }
}

class WaveNet extends nn.Module {
  first_conv: nn.Conv1d;
  conv_layers: nn.ModuleList;
  last_conv_layers: nn.ModuleList;
  constructor(public out_channels = 256, layers = 3, stacks = 1, residual_channels = 4, gate_channels = 6, skip_out_channels = 4, kernel_size = 2, dropout = 1 - 0.95) {
    super();
    const layers_per_stack = Math.floor(layers / stacks);
    this.first_conv = Conv1d1x1(out_channels, residual_channels);
    this.conv_layers = new nn.ModuleList();
    for (let layer = 0; layer < layers; layer++) {
      const dilation = 2 ** (layer % layers_per_stack);
      this.conv_layers.append(new ResidualConv1dGLU(residual_channels, gate_channels, kernel_size, { skip_out_channels, dilation, dropout }));
    }
    this.last_conv_layers = new nn.ModuleList([new nn.ReLU(true), Conv1d1x1(skip_out_channels, skip_out_channels), new nn.ReLU(true), Conv1d1x1(skip_out_channels, out_channels)]);
  }
  forward(x: Tensor, softmax = false): Tensor {
    x = this.first_conv(x) as Tensor;
    let skips: Tensor | number = 0;
    for (const f of this.conv_layers) {
      let h: Tensor;
      [x, h] = f(x) as [Tensor, Tensor];
      skips = typeof skips === "number" ? h.add(skips) : skips.add_(h); // `skips += h`: 0 + h, then in place
    }
    (skips as Tensor).mul_(Math.sqrt(1.0 / this.conv_layers.length));
    x = skips as Tensor;
    for (const f of this.last_conv_layers) x = f(x) as Tensor;
    return softmax ? F.softmax(x, { dim: 1 }) : x;
  }
}

/** torchaudio.functional.mu_law_encoding. */
function mu_law_encoding(x: Tensor, quantization_channels: number): Tensor {
  const mu_ = quantization_channels - 1.0;
  if (!x.is_floating_point()) x = x.to(torch.float);
  const mu = torch.tensor(mu_, { dtype: x.dtype });
  let x_mu = torch.sign(x).mul(torch.log1p(mu.mul(torch.abs(x)))).div(torch.log1p(mu));
  x_mu = x_mu.add(1).div(2).mul(mu).add(0.5).to(torch.int64);
  return x_mu;
}
/** torchaudio.functional.mu_law_decoding. */
function mu_law_decoding(x_mu: Tensor, quantization_channels: number): Tensor {
  const mu_ = quantization_channels - 1.0;
  if (!x_mu.is_floating_point()) x_mu = x_mu.to(torch.float);
  const mu = torch.tensor(mu_, { dtype: x_mu.dtype });
  let x = x_mu.div(mu).mul(2).sub(1.0);
  x = torch.sign(x).mul(torch.exp(torch.abs(x).mul(torch.log1p(mu))).sub(1.0)).div(mu);
  return x;
}

describe("r9y9/wavenet_vocoder", () => {
  it("ResidualConv1dGLU: weight_norm'd convs, causal slicing, gated tanh * sigmoid, skip / residual; F.pad's left padding agrees", () => {
    const e = ref.glu_block;
    torch.manual_seed(12);
    const block = new ResidualConv1dGLU(3, 4, 2, { dilation: 2, dropout: 0.0 });
    const xb = torch.randn(2, 3, 7, { requires_grad: true });
    expectT(xb, e.x, 0);
    const [w, [yb, sb]] = warns(() => block(xb) as [Tensor, Tensor]);
    expect(w).toEqual(e.tanh_warns);
    expectT(block.conv.weight, e.weight, 1e-6);
    expectT(yb, e.y, 1e-5);
    expectT(sb, e.s, 1e-5);
    yb.mul(W(yb)).sum().add(sb.mul(W(sb)).sum()).backward();
    expectT(xb.grad!, e.x_grad, 1e-5);
    const conv = block.conv as unknown as Record<"weight_g" | "weight_v", Tensor>;
    expectT(conv.weight_g.grad!, e.g_grad, 1e-5);
    expectT(conv.weight_v.grad!, e.v_grad, 1e-5);
    const y_pad = F.conv1d(F.pad(xb.detach(), [2, 0]), block.conv.weight.detach(), block.conv.bias!.detach(), { dilation: 2 });
    expectT(y_pad, e.y_pad, 1e-5);
    expectT((block.conv(xb.detach()) as Tensor).index(":", ":", ":7"), e.conv_out, 1e-5);
    expect(Object.keys(block.state_dict())).toEqual(e.state_keys);
    expect(block.named_parameters().map(([n]) => n)).toEqual(e.param_names);
    expect(String(block)).toBe(e.repr);
  });

  it("a WaveNet stack on torchaudio's mu-law one-hot input: three Adam steps of next-sample cross-entropy, the softmax output", () => {
    const e = ref.wavenet;
    torch.manual_seed(13);
    const Q = 8;
    const wave = torch.sin(torch.linspace(0, 9, 16)).mul(0.7);
    expectT(wave, e.wave, 1e-7);
    const q = mu_law_encoding(wave, Q);
    expect([q.tolist(), `torch.${q.dtype.name}`]).toEqual([e.q, e.q_dtype]);
    expectT(mu_law_decoding(q, Q), e.dec, 1e-6);
    const net = new WaveNet(Q, 3, 1, 4, 6, 4, 2, 0.0);
    const x_in = F.one_hot(q, Q).float().t().unsqueeze(0); // (1, Q, T)
    const opt = new optim.Adam(net.parameters(), { lr: 1e-2 });
    const wl: number[] = [];
    for (let step = 0; step < 3; step++) {
      opt.zero_grad();
      const y_hat = net(x_in) as Tensor;
      const loss = F.cross_entropy(y_hat.index(":", ":", ":-1"), q.index("None", "1:"));
      loss.backward();
      opt.step();
      wl.push(loss.item());
    }
    expectNums(wl, e.losses, 1e-5);
    expectT(torch.no_grad(() => net.forward(x_in, true)), e.probs, 1e-5);
    expect(net.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(e.n_params);
    expect(Object.keys(net.state_dict())).toEqual(e.state_keys);
  });
});
