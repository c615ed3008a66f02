/**
 * Interpretability, feature visualisation and search code as public tutorials write it, at toy sizes:
 *  - attribution on a small CNN: vanilla saliency (x.grad after backward), SmoothGrad with captum's NoiseTunnel noise
 *    (torch.normal(0, stdev_tensor) on repeat_interleave'd inputs), Integrated Gradients (batched alphas, riemann
 *    trapezoid and torch.trapezoid), Grad-CAM and Grad-CAM++ (jacobgil/pytorch-grad-cam's weights) from a forward hook
 *    and register_full_backward_hook on the last conv, guided backprop (ReLU backward hooks clamping grad_input; and
 *    Tensor.register_hook), occlusion by loops (captum's Occlusion) and by F.unfold / F.fold masks;
 *  - a tiny attention-only transformer with TransformerLens-style HookPoints: run_with_cache, activation patching of
 *    the residual stream and of per-head z between a clean and a corrupted prompt, attribution patching (retain_grad),
 *    the logit lens, attention rollout (Abnar & Zuidema), steering by a forward_pre_hook, head (mean) ablation;
 *  - feature visualisation: DeepDream gradient ascent with torch.roll jitter and mean-abs normalised gradients;
 *    the adversarial-robustness tutorial's (Kolter & Madry) PGD: L-inf with clamp projection, L2 with norms() and
 *    with renorm;
 *  - search and transport: log-domain Sinkhorn (logsumexp) and its gradient through the iterations, POT's
 *    sinkhorn_knopp; speculative decoding's accept / reject sampling on a seeded Generator (multinomial and rand,
 *    whose streams the engine promises equal to torch's: ops/sampling.ts, random.ts); alpha-zero-general's MCTS
 *    (UCB, visit counts, counts ** (1 / temp)) on tic-tac-toe with a tiny policy-value net, and one training step.
 * Values from torch 1.13 running the same code (scripts/fixtures/interpretability_search_fixtures.py ->
 * tests/fixtures/torch/tutorials/interpretability_search.json); weights come from the engine's torch.manual_seed
 * streams, which equal torch's.
 *
 * Python forms written otherwise: `x[a, b] = v` -> x.index_put_([a, b], v), `x[:, 3:4]` -> x.index(":", "3:4"),
 * `a @ b` -> matmul, `with torch.no_grad():` -> torch.no_grad(() => ...), keyword arguments -> an options object,
 * `float(t)` -> t.item(), dicts keyed by (s, a) -> Maps keyed by a string, torch.tensor of Python ints -> { dtype: torch.long }
 * (a JS number does not say whether it is an int), torch.arange(6.0) -> torch.arange(6, { dtype: torch.float32 }), `x[:, None]` ->
 * x.index(":", "None") (null is ":"), `self.blocks[i]` -> blocks.get(i).
 * Gaps found and fixed in the engine: a full backward hook's identity (BackwardHookFunctionBackward) around a module's
 * inputs and outputs let an in-place op write into it (pytorch-grad-cam's in-place ReLU after the hooked conv, a hooked
 * nn.ReLU(inplace=True)), where torch 1.13 raises its custom-Function view + inplace error (ops/views.ts
 * markCustomFunctionView); a backward hook returning the wrong number of grad_input, or a gradient where no input
 * requires one, was taken silently (nn/module.ts BackwardHookState.fire); renorm of an integer tensor raised its own
 * words before the p / maxnorm checks (torch: linalg.vector_norm's dtype error, after them).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("interpretability_search.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

// ====================================== 1. Attribution ======================================
class SmallCNN extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { padding: 1 }), new nn.ReLU(),
  );
  pool = new nn.AdaptiveAvgPool2d(1);
  fc = new nn.Linear(6, 3);
  forward(x: Tensor): Tensor {
    x = this.features(x);
    x = this.pool(x).flatten(1);
    return this.fc(x);
  }
}

function make_cnn(): [SmallCNN, Tensor, Tensor] {
  torch.manual_seed(0);
  const model = new SmallCNN();
  const x = torch.rand(2, 1, 8, 8);
  const target = torch.tensor([2, 0], { dtype: torch.long });
  return [model, x, target];
}

/** captum's NoiseTunnel (smoothgrad / smoothgrad_sq): the noise by torch.normal(0, stdev_expanded). */
function smoothgrad(model: nn.Module, x: Tensor, target: Tensor, nt_samples = 4, stdevs = 0.2): [Tensor, Tensor] {
  const bsz = x.shape[0];
  const input_expanded_size = [bsz * nt_samples, ...x.shape.slice(1)];
  const stdev_expanded = torch.tensor(stdevs).repeat(input_expanded_size);
  const noise = torch.normal(0, stdev_expanded);
  const noisy = x.repeat_interleave(nt_samples, { dim: 0 }).add(noise).requires_grad_();
  const out = model(noisy) as Tensor;
  out.gather(1, target.repeat_interleave(nt_samples).unsqueeze(1)).sum().backward();
  const grads = noisy.grad!.view(bsz, nt_samples, ...x.shape.slice(1));
  return [grads.mean({ dim: 1 }), grads.pow(2).mean({ dim: 1 })];
}

function integrated_gradients(model: nn.Module, x: Tensor, baseline: Tensor, target: number, n_steps = 16): [Tensor, Tensor] {
  const alphas = torch.linspace(0, 1, n_steps + 1);
  const scaled = baseline.add(alphas.view(-1, 1, 1, 1).mul(x.sub(baseline)));
  scaled.requires_grad_(true);
  const out = model(scaled) as Tensor;
  const grads = torch.autograd.grad(out.index(":", target).sum(), scaled)[0]!;
  const avg_grads = grads.index(":-1").add(grads.index("1:")).div(2.0).mean({ dim: 0 });
  const trapz = torch.trapezoid(grads, alphas, { dim: 0 });
  return [x.sub(baseline).mul(avg_grads), x.sub(baseline).mul(trapz)];
}

describe("saliency, SmoothGrad, Integrated Gradients (captum's methods written out)", () => {
  it("x.grad after backward, captum's noise tunnel noise, riemann trapezoid with batched alphas and torch.trapezoid", () => {
    const r = ref.saliency;
    const [model, x, target] = make_cnn();
    model.eval();
    expectT(x, r.x, 1e-7);
    expectT(model(x), r.logits, 1e-5);

    const inp = x.clone().requires_grad_(true);
    const output = model(inp);
    const score = output.index(torch.arange(2), target);
    score.sum().backward();
    const [saliency] = torch.max(inp.grad!.data.abs(), { dim: 1 });
    expectT(saliency, r.saliency, 1e-5);
    expectT(score, r.score, 1e-5);

    torch.manual_seed(3);
    const [sg, sg_sq] = smoothgrad(model, x, target);
    expectT(sg, r.smoothgrad, 1e-5);
    expectT(sg_sq, r.smoothgrad_sq, 1e-5);

    const baseline = torch.zeros_like(x.index(":1"));
    const [ig, ig_trapz] = integrated_gradients(model, x.index(":1"), baseline, target.index(0).item());
    expectT(ig, r.ig, 1e-5);
    expectT(ig_trapz, r.ig_trapz, 1e-5);
    const delta = torch.no_grad(() => (model(x.index(":1")) as Tensor).index(0, target.index(0)).sub((model(baseline) as Tensor).index(0, target.index(0))).item());
    expect(delta).toBeCloseTo(r.ig_delta, 6);
    expect(ig.sum().item()).toBeCloseTo(r.ig_sum, 6);
  });
});

class GradCAM {
  activations: Tensor | null = null;
  gradients: Tensor | null = null;
  handles: { remove(): void }[];
  constructor(public model: nn.Module, target_layer: nn.Module) {
    this.handles = [
      target_layer.register_forward_hook((module, input, output) => this.save_activation(module, input, output as Tensor)),
      target_layer.register_full_backward_hook((module, grad_input, grad_output) => this.save_gradient(module, grad_input, grad_output)),
    ];
  }
  save_activation(_module: nn.Module, _input: unknown, output: Tensor): void {
    this.activations = output.detach();
  }
  save_gradient(_module: nn.Module, _grad_input: unknown, grad_output: (Tensor | null)[]): void {
    this.gradients = grad_output[0]!.detach();
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  get_cam_weights(grads: Tensor, _activations: Tensor): Tensor {
    return grads.mean({ dim: [2, 3], keepdim: true });
  }
  call(x: Tensor, target: Tensor): Tensor {
    this.model.zero_grad();
    const out = this.model(x) as Tensor;
    out.gather(1, target.view(-1, 1)).sum().backward();
    const weights = this.get_cam_weights(this.gradients!, this.activations!);
    let cam = F.relu(weights.mul(this.activations!).sum({ dim: 1, keepdim: true }));
    cam = F.interpolate(cam, { size: x.shape.slice(2), mode: "bilinear", align_corners: false });
    const flat = cam.view(cam.size(0), -1);
    const cam_min = flat.min({ dim: 1, keepdim: true })[0];
    const cam_max = flat.max({ dim: 1, keepdim: true })[0];
    cam = flat.sub(cam_min).div(cam_max.sub(cam_min).add(1e-7)).view_as(cam);
    return cam.squeeze(1);
  }
  remove(): void {
    for (const h of this.handles) h.remove();
  }
}

/** pytorch-grad-cam's GradCAMPlusPlus.get_cam_weights, in torch. */
class GradCAMPlusPlus extends GradCAM {
  get_cam_weights(grads: Tensor, activations: Tensor): Tensor {
    const grads_power_2 = grads.pow(2);
    const grads_power_3 = grads_power_2.mul(grads);
    const sum_activations = torch.sum(activations, { dim: [2, 3] });
    const eps = 0.000001;
    let aij = grads_power_2.div(grads_power_2.mul(2).add(sum_activations.index(":", ":", "None", "None").mul(grads_power_3)).add(eps));
    aij = torch.where(grads.ne(0), aij, torch.zeros_like(aij));
    const weights = torch.clamp(grads, { min: 0 }).mul(aij);
    return torch.sum(weights, { dim: [2, 3], keepdim: true });
  }
}

/** Guided backprop by Tensor.register_hook in a functional forward. */
function guided_forward(model: SmallCNN, x: Tensor): Tensor {
  let h = x;
  for (const layer of model.features) {
    h = layer(h) as Tensor;
    if (layer instanceof nn.ReLU) h.register_hook((grad) => grad.clamp({ min: 0 }));
  }
  return model.fc(model.pool(h).flatten(1));
}

describe("Grad-CAM, Grad-CAM++ and guided backprop by module hooks (jacobgil/pytorch-grad-cam, utkuozbulak)", () => {
  it("forward hook + register_full_backward_hook on the last conv, bilinear upsampling, min-max normalisation; handles removed", () => {
    const r = ref.cam;
    const [model, x, target] = make_cnn();
    model.eval();
    const last_conv = model.features.get(3);
    const cam = new GradCAM(model, last_conv);
    expectT(cam.call(x, target), r.cam, 1e-5);
    expectT(cam.activations!, r.activations, 1e-5);
    expectT(cam.gradients!, r.gradients, 1e-5);
    cam.remove();
    expect([last_conv._forward_hooks.size, last_conv._backward_hooks.size]).toEqual(r.hooks_after_remove);
    const campp = new GradCAMPlusPlus(model, last_conv);
    expectT(campp.call(x, target), r.campp, 1e-5);
    campp.remove();
  });

  it("guided backprop: ReLU full backward hooks returning a clamped grad_input, and the same by Tensor.register_hook", () => {
    const r = ref.cam;
    const [model, x, target] = make_cnn();
    model.eval();
    const relu_backward_hook_function = (_module: nn.Module, grad_in: (Tensor | null)[]) => [torch.clamp(grad_in[0]!, { min: 0.0 })];
    const handles = [];
    for (const m of model.modules()) if (m instanceof nn.ReLU) handles.push(m.register_full_backward_hook(relu_backward_hook_function));
    const gb_in = x.clone().requires_grad_(true);
    model.zero_grad();
    (model(gb_in) as Tensor).gather(1, target.view(-1, 1)).sum().backward();
    expectT(gb_in.grad!, r.guided, 1e-5);
    for (const h of handles) h.remove();

    const gb2 = x.clone().requires_grad_(true);
    guided_forward(model, gb2).gather(1, target.view(-1, 1)).sum().backward();
    expectT(gb2.grad!, r.guided_tensor_hook, 1e-5);

    const bad = model.features.get(1).register_full_backward_hook((_m, gi) => [gi[0], gi[0]]);
    expect(raised(() => (model(x.clone().requires_grad_(true)) as Tensor).sum().backward())).toEqual(r.bad_hook_count);
    bad.remove();
  });

  it("an in-place ReLU right after a module with a full backward hook raises torch's view + inplace error", () => {
    const [, x] = make_cnn();
    torch.manual_seed(0);
    const inplace_net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU({ inplace: true }), new nn.Flatten(), new nn.Linear(2 * 6 * 6, 2));
    inplace_net.get(0).register_full_backward_hook(() => null);
    expect(raised(() => inplace_net(x))).toEqual(ref.inplace_after_hook);
  });

  it("the same rule on a hooked in-place ReLU's input and through views, not under no_grad or after detach; hooks of a module no input of which needs a gradient", () => {
    const r = ref.hook_rules;
    const relu_ = new nn.ReLU({ inplace: true });
    relu_.register_full_backward_hook(() => null);
    const xr = torch.linspace(-1, 1, 4, { requires_grad: true });
    expect(raised(() => relu_(xr.mul(1)))).toEqual(r.inplace_input);
    const lin = new nn.Linear(2, 4);
    lin.register_full_backward_hook(() => null);
    expect(raised(() => lin(torch.ones(1, 2)).view(2, 2).relu_())).toEqual(r.view_inplace);
    expect(raised(() => lin(torch.ones(1, 2)).index(0).add_(1))).toEqual(r.select_inplace);
    expect(torch.no_grad(() => raised(() => lin(torch.ones(1, 2)).add_(1)))).toEqual(r.no_grad_inplace);
    expect(raised(() => lin(torch.ones(1, 2)).detach().add_(1))).toEqual(r.detach_inplace);
    const lin_a = new nn.Linear(2, 2);
    lin_a.register_full_backward_hook(() => [torch.ones(1, 2)]);
    expect(raised(() => lin_a(torch.ones(1, 2)).sum().backward())).toEqual(r.no_input_grad_result);
    const lin_b = new nn.Linear(2, 2);
    lin_b.register_full_backward_hook(() => [null]);
    expect(raised(() => lin_b(torch.ones(1, 2)).sum().backward())).toEqual(r.no_input_grad_none);
  });
});

function occlusion_loops(model: nn.Module, x: Tensor, target: Tensor, k = 4, stride = 2): Tensor {
  return torch.no_grad(() => {
    const base = (model(x) as Tensor).gather(1, target.view(-1, 1)).squeeze(1);
    const [H, W] = x.shape.slice(2);
    const attr = torch.zeros_like(x);
    const counts = torch.zeros_like(x);
    for (let i = 0; i <= H - k; i += stride) {
      for (let j = 0; j <= W - k; j += stride) {
        const x_occ = x.clone();
        x_occ.index_put_([":", ":", `${i}:${i + k}`, `${j}:${j + k}`], 0.0);
        const diff = base.sub((model(x_occ) as Tensor).gather(1, target.view(-1, 1)).squeeze(1));
        attr.index(":", ":", `${i}:${i + k}`, `${j}:${j + k}`).add_(diff.view(-1, 1, 1, 1));
        counts.index(":", ":", `${i}:${i + k}`, `${j}:${j + k}`).add_(1);
      }
    }
    return attr.div(counts);
  });
}

function occlusion_fold(model: nn.Module, x: Tensor, target: Tensor, k = 4, stride = 2): [Tensor, Tensor, Tensor] {
  const [H, W] = x.shape.slice(2);
  const L = (Math.floor((H - k) / stride) + 1) * (Math.floor((W - k) / stride) + 1);
  const cols = torch.eye(L).unsqueeze(1).expand(L, k * k, L);
  const masks = F.fold(cols, { output_size: [H, W], kernel_size: k, stride }); // [L, 1, H, W]
  const counts = F.fold(F.unfold(torch.ones(1, 1, H, W), { kernel_size: k, stride }), { output_size: [H, W], kernel_size: k, stride });
  const attr = torch.no_grad(() => {
    const base = (model(x) as Tensor).gather(1, target.view(-1, 1)); // [B, 1]
    const occluded = x.unsqueeze(1).mul(torch.sub(1, masks)); // [B, L, 1, H, W]
    const scores = (model(occluded.flatten(0, 1)) as Tensor).view(x.shape[0], L, -1);
    const diffs = base.sub(scores.gather(2, target.view(-1, 1, 1).expand(-1, L, 1)).squeeze(2)); // [B, L]
    return diffs.view(x.shape[0], L, 1, 1, 1).mul(masks).sum({ dim: 1 });
  });
  return [attr.div(counts), masks, counts];
}

describe("occlusion (captum's Occlusion by loops, and by F.unfold / F.fold masks)", () => {
  it("sliding-window zero patches: loops, one batch of fold-made masks, the overlap counts", () => {
    const r = ref.occlusion;
    const [model, x, target] = make_cnn();
    model.eval();
    expectT(occlusion_loops(model, x, target), r.loops, 1e-5);
    const [attr, masks, counts] = occlusion_fold(model, x, target);
    expectT(attr, r.fold, 1e-5);
    expectT(masks.sum({ dim: 0 }), r.masks_sum, 0);
    expectT(counts, r.counts, 0);
    expect(raised(() => F.fold(torch.ones(1, 16, 10), { output_size: [8, 8], kernel_size: 4, stride: 2 }))).toEqual(r.fold_err);
  });
});

// ====================================== 2. Transformer internals ======================================
/** TransformerLens' HookPoint: an identity whose hooks see (and may replace) the activation. */
class HookPoint extends nn.Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

class Attention extends nn.Module {
  W_Q: nn.Parameter;
  W_K: nn.Parameter;
  W_V: nn.Parameter;
  W_O: nn.Parameter;
  d_head: number;
  hook_q = new HookPoint();
  hook_k = new HookPoint();
  hook_v = new HookPoint();
  hook_attn_scores = new HookPoint();
  hook_pattern = new HookPoint();
  hook_z = new HookPoint();
  declare IGNORE: Tensor;
  constructor(d_model: number, n_heads: number, d_head: number) {
    super();
    this.W_Q = new nn.Parameter(torch.randn(n_heads, d_model, d_head).mul(0.4));
    this.W_K = new nn.Parameter(torch.randn(n_heads, d_model, d_head).mul(0.4));
    this.W_V = new nn.Parameter(torch.randn(n_heads, d_model, d_head).mul(0.4));
    this.W_O = new nn.Parameter(torch.randn(n_heads, d_head, d_model).mul(0.4));
    this.d_head = d_head;
    this.register_buffer("IGNORE", torch.tensor(-1e5));
  }
  forward(x: Tensor): Tensor {
    const q = this.hook_q(torch.einsum("bpd,hde->bphe", x, this.W_Q));
    const k = this.hook_k(torch.einsum("bpd,hde->bphe", x, this.W_K));
    const v = this.hook_v(torch.einsum("bpd,hde->bphe", x, this.W_V));
    let scores = torch.einsum("bqhe,bkhe->bhqk", q, k).div(Math.sqrt(this.d_head));
    const mask = torch.triu(torch.ones(scores.size(-2), scores.size(-1)), { diagonal: 1 }).bool();
    scores = this.hook_attn_scores(scores.masked_fill(mask, this.IGNORE.item()));
    const pattern = this.hook_pattern(scores.softmax({ dim: -1 }));
    const z = this.hook_z(torch.einsum("bhqk,bkhe->bqhe", pattern, v));
    return torch.einsum("bqhe,hed->bqd", z, this.W_O);
  }
}

class Block extends nn.Module {
  attn: Attention;
  hook_resid_pre = new HookPoint();
  hook_attn_out = new HookPoint();
  hook_resid_post = new HookPoint();
  constructor(d_model: number, n_heads: number, d_head: number) {
    super();
    this.attn = new Attention(d_model, n_heads, d_head);
  }
  forward(resid: Tensor): Tensor {
    resid = this.hook_resid_pre(resid);
    const attn_out = this.hook_attn_out(this.attn(resid));
    return this.hook_resid_post(resid.add(attn_out));
  }
}

type FwdHook = (module: nn.Module, inputs: unknown[], output: Tensor) => Tensor | void;

class AttnOnlyTransformer extends nn.Module {
  W_E: nn.Parameter;
  W_pos: nn.Parameter;
  hook_embed = new HookPoint();
  hook_pos_embed = new HookPoint();
  blocks: nn.ModuleList;
  ln_final: nn.LayerNorm;
  W_U: nn.Parameter;
  constructor(d_vocab = 7, n_ctx = 6, d_model = 8, n_heads = 2, d_head = 4, n_layers = 2) {
    super();
    this.W_E = new nn.Parameter(torch.randn(d_vocab, d_model).mul(0.8));
    this.W_pos = new nn.Parameter(torch.randn(n_ctx, d_model).mul(0.3));
    this.blocks = new nn.ModuleList(Array.from({ length: n_layers }, () => new Block(d_model, n_heads, d_head)));
    this.ln_final = new nn.LayerNorm(d_model);
    this.W_U = new nn.Parameter(torch.randn(d_model, d_vocab).mul(0.5));
  }
  unembed(x: Tensor): Tensor {
    return torch.matmul(x, this.W_U);
  }
  forward(tokens: Tensor): Tensor {
    const embed = this.hook_embed(this.W_E.index(tokens));
    const pos = this.hook_pos_embed(this.W_pos.index(`:${tokens.shape[1]}`).unsqueeze(0));
    let resid = embed.add(pos);
    for (const block of this.blocks) resid = (block as Block)(resid);
    return this.unembed(this.ln_final(resid));
  }
  run_with_cache(tokens: Tensor): [Tensor, Record<string, Tensor>] {
    const cache: Record<string, Tensor> = {};
    const handles = [];
    for (const [name, module] of this.named_modules()) {
      if (module instanceof HookPoint) {
        const save = (_mod: nn.Module, _inputs: unknown[], output: unknown) => {
          cache[name] = (output as Tensor).detach();
        };
        handles.push(module.register_forward_hook(save));
      }
    }
    const logits = this.call(tokens);
    for (const h of handles) h.remove();
    return [logits, cache];
  }
  run_with_hooks(tokens: Tensor, fwd_hooks: [string, FwdHook][]): Tensor {
    const modules = new Map(this.named_modules());
    const handles = fwd_hooks.map(([name, hook]) => modules.get(name)!.register_forward_hook(hook as never));
    try {
      return this.call(tokens);
    } finally {
      for (const h of handles) h.remove();
    }
  }
  call(tokens: Tensor): Tensor {
    return (this as unknown as (t: Tensor) => Tensor)(tokens);
  }
}

describe("a tiny attention-only transformer with hook points (TransformerLens / ARENA exercises)", () => {
  const ANS = 2, WRONG = 6;
  const logit_diff = (logits: Tensor) => logits.index(0, -1, ANS).sub(logits.index(0, -1, WRONG));

  function setup() {
    torch.manual_seed(7);
    const tl = new AttnOnlyTransformer();
    const clean = torch.tensor([[1, 4, 2, 5, 1, 4]], { dtype: torch.long });
    const corrupt = torch.tensor([[3, 4, 2, 5, 3, 4]], { dtype: torch.long });
    const [clean_logits, clean_cache] = tl.run_with_cache(clean);
    const [corrupt_logits, corrupt_cache] = tl.run_with_cache(corrupt);
    return { tl, clean, corrupt, clean_logits, clean_cache, corrupt_logits, corrupt_cache };
  }

  it("run_with_cache; activation patching of resid_pre per (layer, position) and of z per head; attribution patching", () => {
    const r = ref.transformer;
    const { tl, clean, corrupt, clean_logits, clean_cache, corrupt_logits } = setup();
    expectT(clean_logits, r.clean_logits, 1e-5);
    expectT(corrupt_logits, r.corrupt_logits, 1e-5);
    expect(Object.keys(clean_cache).sort()).toEqual(r.cache_keys);
    expectT(clean_cache["blocks.0.attn.hook_pattern"], r.pattern0, 1e-5);
    expectT(clean_cache["blocks.1.attn.hook_z"], r.z1, 1e-5);
    const clean_diff = logit_diff(clean_logits).item();
    const corrupt_diff = logit_diff(corrupt_logits).item();
    expect(clean_diff).toBeCloseTo(r.clean_diff, 5);
    expect(corrupt_diff).toBeCloseTo(r.corrupt_diff, 5);

    const resid_results = torch.zeros(tl.blocks.length, clean.shape[1]);
    for (let layer = 0; layer < tl.blocks.length; layer++) {
      for (let position = 0; position < clean.shape[1]; position++) {
        const patch_resid: FwdHook = (_module, _inputs, output) => {
          output.index_put_([":", position, ":"], clean_cache[`blocks.${layer}.hook_resid_pre`].index(":", position, ":"));
          return output;
        };
        const patched = tl.run_with_hooks(corrupt, [[`blocks.${layer}.hook_resid_pre`, patch_resid]]);
        resid_results.index_put_([layer, position], logit_diff(patched));
      }
    }
    expectT(resid_results, r.patch_resid, 1e-5);

    const head_results = torch.zeros(tl.blocks.length, 2);
    for (let layer = 0; layer < tl.blocks.length; layer++) {
      for (let head = 0; head < 2; head++) {
        const patch_head: FwdHook = (_module, _inputs, z) => {
          z = z.clone();
          z.index_put_([":", ":", head, ":"], clean_cache[`blocks.${layer}.attn.hook_z`].index(":", ":", head, ":"));
          return z;
        };
        head_results.index_put_([layer, head], logit_diff(tl.run_with_hooks(corrupt, [[`blocks.${layer}.attn.hook_z`, patch_head]])));
      }
    }
    expectT(head_results.sub(corrupt_diff).div(clean_diff - corrupt_diff), r.patch_head, 1e-4);

    const acts: Record<string, Tensor> = {};
    const keep_grad = (_m: nn.Module, _i: unknown[], output: Tensor, name: string) => {
      output.retain_grad();
      acts[name] = output;
    };
    const named = new Map(tl.named_modules());
    const handles = [0, 1].map((l) => named.get(`blocks.${l}.attn.hook_z`)!.register_forward_hook((m, i, o) => keep_grad(m, i, o as Tensor, `blocks.${l}.attn.hook_z`)));
    logit_diff(tl.call(corrupt)).backward();
    for (const h of handles) h.remove();
    const attr_patch = torch.stack(Object.keys(acts).sort().map((n) => clean_cache[n].sub(acts[n]).mul(acts[n].grad!).sum({ dim: [0, 1, 3] })));
    expectT(attr_patch, r.attr_patch, 1e-5);
  });

  it("logit lens, attention rollout, steering by a forward_pre_hook, head ablation in place and mean ablation's gradient", () => {
    const r = ref.transformer;
    const { tl, clean, corrupt, clean_cache, corrupt_cache } = setup();
    const lens = ["blocks.0.hook_resid_pre", "blocks.0.hook_resid_post", "blocks.1.hook_resid_post"].map((name) => {
      const lp = tl.unembed(tl.ln_final(clean_cache[name])).log_softmax({ dim: -1 });
      return lp.index(0, -1, ANS).item();
    });
    expectNums(lens, r.logit_lens, 1e-5);
    expect(tl.unembed(tl.ln_final(clean_cache["blocks.0.hook_resid_post"])).argmax({ dim: -1 }).tolist()).toEqual(r.logit_lens_top);

    let rollout = torch.eye(clean.shape[1]);
    for (let layer = 0; layer < 2; layer++) {
      let att = clean_cache[`blocks.${layer}.attn.hook_pattern`].mean({ dim: 1 }).index(0);
      att = att.mul(0.5).add(torch.eye(att.size(-1)).mul(0.5));
      att = att.div(att.sum({ dim: -1, keepdim: true }));
      rollout = torch.matmul(att, rollout);
    }
    expectT(rollout, r.rollout, 1e-5);

    const steer = clean_cache["blocks.1.hook_resid_pre"].index(0, 0).sub(corrupt_cache["blocks.1.hook_resid_pre"].index(0, 0));
    const steering_hook = (_module: nn.Module, args: unknown[]) => {
      const [resid] = args as [Tensor];
      return [resid.add(steer.mul(4.0))];
    };
    const h = (tl.blocks.get(1) as Block).register_forward_pre_hook(steering_hook);
    const steered = tl.call(corrupt);
    h.remove();
    expectT(steered.index(0, -1), r.steered, 1e-5);
    expectT(tl.call(corrupt).index(0, -1), r.unsteered_again, 1e-5);

    const ablate_head = (z: Tensor, head = 1) => {
      z.index_put_([":", ":", head, ":"], 0.0);
      return z;
    };
    const abl = tl.run_with_hooks(clean, [["blocks.1.attn.hook_z", (_m, _i, z) => ablate_head(z)]]);
    expect(logit_diff(abl).item()).toBeCloseTo(r.ablated_diff, 5);

    tl.zero_grad();
    const mean_z = clean_cache["blocks.0.attn.hook_z"].mean({ dim: 1, keepdim: true });
    const mean_ablate: FwdHook = (_m, _i, z) => {
      z = z.clone();
      z.index_put_([":", ":", 0, ":"], mean_z.index(":", ":", 0, ":"));
      return z;
    };
    logit_diff(tl.run_with_hooks(clean, [["blocks.0.attn.hook_z", mean_ablate]])).backward();
    expectT((tl.blocks.get(0) as Block).attn.W_O.grad!, r.mean_ablate_grad_WO, 1e-5);
    expectT((tl.blocks.get(1) as Block).attn.W_Q.grad!, r.mean_ablate_grad_WQ1, 1e-5);
  });
});

// ====================================== 3. Feature visualisation ======================================
function norms(Z: Tensor): Tensor {
  return Z.view(Z.shape[0], -1).norm({ dim: 1 }).index(":", "None", "None", "None");
}

function pgd_linf(model: nn.Module, X: Tensor, y: Tensor, epsilon = 0.1, alpha = 0.02, num_iter = 5, randomize = false): Tensor {
  let delta: Tensor;
  if (randomize) {
    delta = torch.rand_like(X, { requires_grad: true });
    delta.data = delta.data.mul(2).mul(epsilon).sub(epsilon);
  } else {
    delta = torch.zeros_like(X, { requires_grad: true });
  }
  for (let t = 0; t < num_iter; t++) {
    const loss = new nn.CrossEntropyLoss()(model(X.add(delta)), y);
    loss.backward();
    delta.data = delta.add(delta.grad!.detach().sign().mul(alpha)).clamp(-epsilon, epsilon);
    delta.grad!.zero_();
  }
  return delta.detach();
}

function pgd_l2(model: nn.Module, X: Tensor, y: Tensor, epsilon = 0.5, alpha = 0.1, num_iter = 5): Tensor {
  const delta = torch.zeros_like(X, { requires_grad: true });
  for (let t = 0; t < num_iter; t++) {
    const loss = new nn.CrossEntropyLoss()(model(X.add(delta)), y);
    loss.backward();
    delta.data.add_(delta.grad!.detach().mul(alpha).div(norms(delta.grad!.detach())));
    delta.data = torch.min(torch.max(delta.detach(), X.neg()), torch.sub(1, X));
    delta.data.mul_(torch.div(epsilon, norms(delta.detach()).clamp({ min: epsilon })));
    delta.grad!.zero_();
  }
  return delta.detach();
}

function pgd_l2_renorm(model: nn.Module, X: Tensor, y: Tensor, epsilon = 0.5, alpha = 0.1, num_iter = 5): Tensor {
  const delta = torch.zeros_like(X, { requires_grad: true });
  for (let t = 0; t < num_iter; t++) {
    const loss = F.cross_entropy(model(X.add(delta)), y);
    loss.backward();
    const grad = delta.grad!.detach();
    delta.data = delta.data.add(grad.mul(alpha).div(grad.view(grad.size(0), -1).norm({ p: 2, dim: 1 }).view(-1, 1, 1, 1)));
    delta.data = delta.data.renorm({ p: 2, dim: 0, maxnorm: epsilon });
    delta.grad!.zero_();
  }
  return delta.detach();
}

describe("feature visualisation: DeepDream with roll jitter, PGD L-inf / L2 (Kolter & Madry's adversarial robustness tutorial)", () => {
  it("gradient ascent on a conv layer's norm through a forward hook, torch.roll jitter from a seeded Generator", () => {
    const r = ref.featvis;
    const [model, x] = make_cnn();
    model.eval();
    for (const p of model.parameters()) p.requires_grad_(false);
    const activations: Record<string, Tensor> = {};
    const hook = model.features.get(3).register_forward_hook((_m, _i, o) => void (activations.conv = o as Tensor));
    const deep_dream = (img: Tensor, steps = 4, lr = 0.05, jitter = 2, g?: InstanceType<typeof torch.Generator>): [Tensor, number[]] => {
      img = img.clone().requires_grad_(true);
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) {
        const [ox, oy] = torch.randint(-jitter, jitter + 1, [2], { generator: g }).tolist() as number[];
        img.data = torch.roll(img.data, { shifts: [ox, oy], dims: [2, 3] });
        model(img);
        const loss = activations.conv.norm();
        losses.push(loss.item());
        loss.backward();
        let grad = img.grad!.data;
        grad = grad.div(grad.abs().mean().add(1e-8));
        img.data.add_(grad.mul(lr));
        img.grad!.data.zero_();
        img.data = torch.roll(img.data, { shifts: [-ox, -oy], dims: [2, 3] });
        img.data.clamp_(0, 1);
      }
      return [img.detach(), losses];
    };
    const [dream, dream_losses] = deep_dream(x.index(":1"), 4, 0.05, 2, new torch.Generator().manual_seed(4));
    hook.remove();
    expectT(dream, r.dream, 1e-5);
    expectNums(dream_losses, r.dream_losses, 1e-5);
    expect(raised(() => torch.roll(x, { shifts: [1, 2], dims: 2 }))).toEqual(r.roll_err);
    expectT(torch.roll(torch.arange(6).view(2, 3), 1), r.roll_flat, 0);
  });

  it("PGD: L-inf (zero and random start) with clamp projection, L2 with norms() and with renorm; renorm's errors", () => {
    const r = ref.featvis;
    const [model, x, target] = make_cnn();
    model.eval();
    model.zero_grad();
    const d_inf = pgd_linf(model, x, target);
    expectT(d_inf, r.pgd_linf, 1e-5);
    expect(F.cross_entropy(model(x.add(d_inf)), target).item()).toBeCloseTo(r.pgd_linf_loss, 5);
    torch.manual_seed(5);
    expectT(pgd_linf(model, x, target, 0.1, 0.02, 5, true), r.pgd_linf_rand, 1e-5);
    const d2 = pgd_l2(model, x, target);
    expectT(d2, r.pgd_l2, 1e-5);
    expectT(norms(d2).flatten(), r.pgd_l2_norms, 1e-5);
    expectT(pgd_l2_renorm(model, x, target), r.pgd_l2_renorm, 1e-5);
    expect(raised(() => x.renorm({ p: 2, dim: 0, maxnorm: -1.0 }))).toEqual(r.renorm_err);
    expectT(torch.arange(6.0, { dtype: torch.float32 }).view(2, 3).renorm_(1, 0, 5.0), r.renorm_inplace, 1e-6);
    const args: [number, number, number][] = [[1, 0, -1.0], [0, 0, 1.0], [1, 0, 5.0]];
    expect(args.map((a) => raised(() => torch.arange(6).view(2, 3).renorm(...a)))).toEqual(r.renorm_int_errs);
    expect(raised(() => torch.ones(2, 2, { dtype: torch.bool }).renorm(1, 0, 1.0))).toEqual(r.renorm_bool_err);
  });
});

// ====================================== 4. Search and transport ======================================
function sinkhorn_log(a: Tensor, b: Tensor, C: Tensor, reg = 0.1, n_iter = 30): [Tensor, Tensor] {
  let f = torch.zeros_like(a);
  let g = torch.zeros_like(b);
  for (let i = 0; i < n_iter; i++) {
    f = torch.log(a).sub(torch.logsumexp(g.index("None", ":").sub(C).div(reg), { dim: 1 })).mul(reg);
    g = torch.log(b).sub(torch.logsumexp(f.index(":", "None").sub(C).div(reg), { dim: 0 })).mul(reg);
  }
  const P = torch.exp(f.index(":", "None").add(g.index("None", ":")).sub(C).div(reg));
  return [P, torch.sum(P.mul(C))];
}

/** POT's sinkhorn_knopp with the torch backend. */
function sinkhorn_pot(a: Tensor, b: Tensor, M: Tensor, reg: number, numItermax = 50): Tensor {
  let u = torch.ones(a.shape[0], { dtype: M.dtype }).div(a.shape[0]);
  let v = torch.ones(b.shape[0], { dtype: M.dtype }).div(b.shape[0]);
  const K = torch.exp(M.div(-reg));
  const Kp = torch.div(1, a).reshape(-1, 1).mul(K);
  for (let ii = 0; ii < numItermax; ii++) {
    const KtransposeU = torch.matmul(K.T, u);
    v = b.div(KtransposeU);
    u = torch.div(1.0, torch.matmul(Kp, v));
  }
  return u.reshape([-1, 1]).mul(K).mul(v.reshape([1, -1]));
}

describe("Sinkhorn: log-domain with logsumexp and its gradient through the iterations; POT's sinkhorn_knopp", () => {
  it("the plan, its marginals, the cost's gradient in the points and in a; float64 POT; logsumexp of an int tensor", () => {
    const r = ref.sinkhorn;
    torch.manual_seed(11);
    const xs = torch.randn(5, 2, { requires_grad: true });
    const xt = torch.randn(4, 2).add(1.0);
    const a = torch.softmax(torch.randn(5), { dim: 0 }).requires_grad_();
    const b = torch.ones(4).div(4);
    const C = torch.cdist(xs, xt).pow(2);
    const [P, cost] = sinkhorn_log(a, b, C);
    cost.backward();
    expectT(P, r.P, 1e-5);
    expect(cost.item()).toBeCloseTo(r.cost, 5);
    expectT(xs.grad!, r.grad_xs, 1e-4);
    expectT(a.grad!, r.grad_a, 1e-4);
    expectT(P.sum(1), r.marg_a, 1e-5);
    expectT(P.sum(0), r.marg_b, 1e-5);
    const Cd = C.detach().double();
    expectT(sinkhorn_pot(a.detach().double(), b.double(), Cd.div(Cd.max()), 0.1), r.pot, 1e-6); // C itself is float32
    const lse = torch.logsumexp(torch.tensor([1, 2, 3], { dtype: torch.long }), { dim: 0 });
    expect(String(lse.dtype)).toBe(`torch.${r.lse_int.dtype}`);
    expect(lse.item()).toBeCloseTo(r.lse_int.data[0], 5);
    expectT(torch.cdist(xs.detach(), xt, { p: 1 }), r.cdist_p1, 1e-5);
  });
});

class Bigram extends nn.Module {
  table: nn.Embedding;
  constructor(vocab: number, scale: number) {
    super();
    this.table = new nn.Embedding(vocab, vocab);
    torch.no_grad(() => this.table.weight.mul_(scale));
  }
  forward(idx: Tensor): Tensor {
    return this.table(idx);
  }
}

function max_fn(x: Tensor): Tensor {
  const x_max = torch.where(x.gt(0), x, torch.zeros_like(x));
  return x_max.div(torch.sum(x_max));
}

function speculative_sampling(prefix: Tensor, draft: nn.Module, target: nn.Module, gamma: number, max_len: number, g: InstanceType<typeof torch.Generator>, temperature = 1.0): [Tensor, number[]] {
  return torch.no_grad(() => {
    let seq = prefix;
    const n_accepted: number[] = [];
    while (seq.shape[1] < max_len) {
      let x = seq;
      const qs: Tensor[] = [];
      for (let i = 0; i < gamma; i++) {
        const q = F.softmax((draft(x) as Tensor).index(":", -1, ":").div(temperature), { dim: -1 });
        const nxt = torch.multinomial(q, { num_samples: 1, generator: g });
        qs.push(q);
        x = torch.cat([x, nxt], { dim: 1 });
      }
      const p = F.softmax((target(x) as Tensor).div(temperature), { dim: -1 });
      const n = seq.shape[1];
      let accepted = 0;
      for (let i = 0; i < gamma; i++) {
        const j = x.index(0, n + i);
        const r = torch.rand(1, { generator: g });
        if (r.lt(torch.min(torch.tensor([1.0]), p.index(0, n + i - 1, j).div(qs[i].index(0, j)))).item()) {
          accepted += 1;
        } else {
          const t = torch.multinomial(max_fn(p.index(":", n + i - 1, ":").sub(qs[i])), { num_samples: 1, generator: g });
          x = torch.cat([x.index(":", `:${n + i}`), t], { dim: 1 });
          break;
        }
      }
      if (accepted === gamma) {
        const t = torch.multinomial(p.index(":", -1, ":"), { num_samples: 1, generator: g });
        x = torch.cat([x, t], { dim: 1 });
      }
      n_accepted.push(accepted);
      seq = x;
    }
    return [seq, n_accepted];
  });
}

describe("speculative decoding (accept / reject on a seeded Generator: multinomial and rand streams as torch's)", () => {
  it("bigram draft and target: the tokens, how many were accepted per step, the stream's next draws; max(0, p - q)", () => {
    const r = ref.speculative;
    torch.manual_seed(12);
    const draft = new Bigram(6, 1.0);
    const target_lm = new Bigram(6, 2.0);
    const g = new torch.Generator().manual_seed(21);
    const [seq, n_acc] = speculative_sampling(torch.tensor([[0]], { dtype: torch.long }), draft, target_lm, 3, 14, g);
    expect(seq.tolist()).toEqual(r.seq);
    expect(n_acc).toEqual(r.n_accepted);
    expect(String(seq.index(0))).toBe(r.seq_repr);
    expectNums(torch.rand(2, { generator: g }).tolist() as number[], r.next_rand, 1e-7);
    const pq = torch.no_grad(() =>
      F.softmax(target_lm(torch.tensor([[1]], { dtype: torch.long })), -1).index(0, 0).sub(F.softmax(draft(torch.tensor([[1]], { dtype: torch.long })), -1).index(0, 0)),
    );
    expectT(max_fn(pq), r.max_fn, 1e-6);
    expect(raised(() => torch.multinomial(pq, 1))).toEqual(r.raw_diff_err);
  });
});

// alpha-zero-general's MCTS on tic-tac-toe
type Board = number[];
class TicTacToe {
  getInitBoard(): Board {
    return new Array(9).fill(0);
  }
  getActionSize(): number {
    return 9;
  }
  getNextState(board: Board, player: number, action: number): [Board, number] {
    const b = [...board];
    b[action] = player;
    return [b, -player];
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  getValidMoves(board: Board, _player: number): number[] {
    return board.map((v) => (v === 0 ? 1 : 0));
  }
  getGameEnded(board: Board, player: number): number {
    const lines = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
    for (const [i, j, k] of lines) {
      const s = board[i] + board[j] + board[k];
      if (s === 3 * player) return 1;
      if (s === -3 * player) return -1;
    }
    if (board.every((v) => v !== 0)) return 1e-4;
    return 0;
  }
  getCanonicalForm(board: Board, player: number): Board {
    return board.map((v) => v * player);
  }
  stringRepresentation(board: Board): string {
    return board.join(",");
  }
}

class PolicyValueNet extends nn.Module {
  fc1 = new nn.Linear(9, 16);
  pi = new nn.Linear(16, 9);
  v = new nn.Linear(16, 1);
  forward(s: Tensor): [Tensor, Tensor] {
    const h = F.relu(this.fc1(s));
    return [F.log_softmax(this.pi(h), { dim: 1 }), torch.tanh(this.v(h))];
  }
  predict(board: Board): [number[], number] {
    const b = torch.tensor(board, { dtype: torch.float32 }).view(1, 9);
    this.eval();
    const [pi, v] = torch.no_grad(() => this.forward(b));
    return [torch.exp(pi).data.index(0).tolist() as number[], v.data.index(0).item()];
  }
}

const EPS = 1e-8;

class MCTS {
  Qsa = new Map<string, number>();
  Nsa = new Map<string, number>();
  Ns = new Map<string, number>();
  Ps = new Map<string, number[]>();
  Es = new Map<string, number>();
  Vs = new Map<string, number[]>();
  constructor(public game: TicTacToe, public nnet: PolicyValueNet, public numMCTSSims = 25, public cpuct = 1.0) {}

  getActionProb(canonicalBoard: Board, temp = 1): [number[], number[]] {
    for (let i = 0; i < this.numMCTSSims; i++) this.search(canonicalBoard);
    const s = this.game.stringRepresentation(canonicalBoard);
    const counts = Array.from({ length: this.game.getActionSize() }, (_, a) => this.Nsa.get(`${s}|${a}`) ?? 0);
    if (temp === 0) {
      const probs = new Array(counts.length).fill(0);
      probs[torch.tensor(counts, { dtype: torch.long }).argmax().item()] = 1;
      return [probs, counts];
    }
    const counts_t = torch.tensor(counts, { dtype: torch.float64 }).pow(1.0 / temp);
    return [counts_t.div(counts_t.sum()).tolist() as number[], counts];
  }

  search(canonicalBoard: Board): number {
    const s = this.game.stringRepresentation(canonicalBoard);
    if (!this.Es.has(s)) this.Es.set(s, this.game.getGameEnded(canonicalBoard, 1));
    if (this.Es.get(s) !== 0) return -this.Es.get(s)!;
    if (!this.Ps.has(s)) {
      const [probs, v] = this.nnet.predict(canonicalBoard);
      let ps = probs;
      const valids = this.game.getValidMoves(canonicalBoard, 1);
      ps = ps.map((p, i) => p * valids[i]);
      const total = ps.reduce((x, y) => x + y, 0);
      ps = ps.map((p) => p / total);
      this.Ps.set(s, ps);
      this.Vs.set(s, valids);
      this.Ns.set(s, 0);
      return -v;
    }
    const valids = this.Vs.get(s)!;
    let cur_best = -Infinity, best_act = -1;
    for (let a = 0; a < this.game.getActionSize(); a++) {
      if (valids[a]) {
        const key = `${s}|${a}`;
        const u = this.Qsa.has(key)
          ? this.Qsa.get(key)! + (this.cpuct * this.Ps.get(s)![a] * Math.sqrt(this.Ns.get(s)!)) / (1 + this.Nsa.get(key)!)
          : this.cpuct * this.Ps.get(s)![a] * Math.sqrt(this.Ns.get(s)! + EPS);
        if (u > cur_best) [cur_best, best_act] = [u, a];
      }
    }
    const a = best_act;
    const [next_board, next_player] = this.game.getNextState(canonicalBoard, 1, a);
    const next_s = this.game.getCanonicalForm(next_board, next_player);
    const v = this.search(next_s);
    const key = `${s}|${a}`;
    if (this.Qsa.has(key)) {
      this.Qsa.set(key, (this.Nsa.get(key)! * this.Qsa.get(key)! + v) / (this.Nsa.get(key)! + 1));
      this.Nsa.set(key, this.Nsa.get(key)! + 1);
    } else {
      this.Qsa.set(key, v);
      this.Nsa.set(key, 1);
    }
    this.Ns.set(s, this.Ns.get(s)! + 1);
    return -v;
  }
}

describe("AlphaZero-lite (alpha-zero-general's MCTS) with a tiny policy-value net", () => {
  it("30 simulations: visit counts, counts ** (1 / temp), temp 0, softmax of log visits; one Adam step on loss_pi + loss_v", () => {
    const r = ref.mcts;
    torch.manual_seed(13);
    const game = new TicTacToe();
    const nnet = new PolicyValueNet();
    const board = [1, 0, 0, 0, -1, 0, 0, 0, 0];
    expectNums(nnet.predict(board)[0], r.prior, 1e-6);
    const mcts = new MCTS(game, nnet, 30);
    const [probs, counts] = mcts.getActionProb(board, 1);
    expect(counts).toEqual(r.counts);
    expectNums(probs, r.probs, 1e-12);
    expect(mcts.Ps.size).toBe(r.n_states);
    expect(mcts.getActionProb(board, 0)[0]).toEqual(r.probs_t0);
    const counts_t = torch.tensor(counts, { dtype: torch.float32 });
    expectT(F.softmax(torch.log(counts_t.add(1e-8)).div(0.5), { dim: 0 }), r.softmax_visits, 1e-6);
    expect(String(torch.tensor(probs, { dtype: torch.float32 }).view(3, 3))).toBe(r.probs_repr);

    nnet.train();
    const optimizer = new optim.Adam(nnet.parameters(), { lr: 0.01 });
    const boards = torch.tensor([board, game.getCanonicalForm(board, -1)], { dtype: torch.float32 });
    const target_pis = torch.tensor([probs, probs], { dtype: torch.float32 });
    const target_vs = torch.tensor([0.5, -0.5]);
    const [out_pi, out_v] = nnet(boards);
    const l_pi = torch.sum(target_pis.mul(out_pi)).neg().div(target_pis.size()[0]);
    const l_v = torch.sum(target_vs.sub(out_v.view(-1)).pow(2)).div(target_vs.size()[0]);
    const total_loss = l_pi.add(l_v);
    optimizer.zero_grad();
    total_loss.backward();
    optimizer.step();
    expect(l_pi.item()).toBeCloseTo(r.l_pi, 5);
    expect(l_v.item()).toBeCloseTo(r.l_v, 5);
    expectT(nnet.fc1.weight, r.fc1_after, 1e-5);
  });
});
