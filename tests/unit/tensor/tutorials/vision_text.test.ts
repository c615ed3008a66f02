/**
 * Three more PyTorch tutorials at small sizes: "Adversarial Example Generation" (FGSM: the
 * gradient of the loss with respect to the input, its sign, clamping to [0, 1]), "Spatial
 * Transformer Networks" (a localization net regressing theta, F.affine_grid and F.grid_sample,
 * fc_loc starting at the identity transform) and "Text classification with the torchtext library"
 * (nn.EmbeddingBag with offsets, init_weights, SGD(lr=5) with clip_grad_norm_(0.1)). The models are
 * the tutorials' (the STN's on 12x12 inputs), seeded as in vision_text.json
 * (scripts/fixtures/tutorial2_fixtures.py), so outputs match PyTorch 1.13.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { fgsm_attack, MnistExampleNet, TextClassificationModel, tutorialFixture } from "./helpers";

type Fx = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, Fx | number[] | number>>("vision_text.json");
const R = (k: string) => (ref[k] as Fx).data;

/** The FGSM tutorial's Net (LeNet from the MNIST example) and attack: ./helpers. */
class Net extends MnistExampleNet {}

describe("Adversarial Example Generation (FGSM)", () => {
  it("takes the input's gradient, perturbs by epsilon * sign, clamps to [0, 1], as PyTorch", () => {
    torch.manual_seed(0);
    const model = new Net();
    model.eval();
    const data = torch.rand(2, 1, 28, 28);
    const target = torch.tensor([3, 1], { dtype: torch.long });
    data.requires_grad = true;
    const output = model(data);
    expectClose(output, R("fgsm_output"), 1e-4, 1e-5, "log-probabilities");
    const init_pred = output.max(1, { keepdim: true })[1];
    expect(init_pred.view(-1).tolist()).toEqual(ref.fgsm_init_pred);
    const loss = F.nll_loss(output, target);
    model.zero_grad();
    loss.backward();
    const data_grad = data.grad!.data;
    expectClose(data_grad, R("fgsm_grad"), 1e-3, 1e-6, "data_grad");
    const perturbed_data = fgsm_attack(data, 0.1, data_grad);
    expect(perturbed_data.min().item()).toBeGreaterThanOrEqual(0);
    expect(perturbed_data.max().item()).toBeLessThanOrEqual(1);
    expect(perturbed_data.sub(data).abs().max().item()).toBeLessThanOrEqual(0.1 + 1e-6);
    expectClose(perturbed_data, R("fgsm_perturbed"), 1e-5, 1e-6, "perturbed");
    const output2 = model(perturbed_data);
    expectClose(output2, R("fgsm_output2"), 1e-4, 1e-5, "log-probabilities after the attack");
    expect(output2.max(1, { keepdim: true })[1].view(-1).tolist()).toEqual(ref.fgsm_final_pred);
    // The attack raises the loss (that is its point).
    expect(F.nll_loss(output2, target).item()).toBeGreaterThan(loss.item());
  });
});

/** The spatial transformer tutorial's network, its localization net sized for 1x12x12 inputs. */
class STNet extends nn.Module {
  localization = new nn.Sequential(new nn.Conv2d(1, 4, { kernel_size: 5 }), new nn.MaxPool2d(2, { stride: 2 }), new nn.ReLU(true));
  fc_loc = new nn.Sequential(new nn.Linear(4 * 4 * 4, 8), new nn.ReLU(true), new nn.Linear(8, 3 * 2));
  constructor() {
    super();
    // Initialize the weights/bias with identity transformation
    const last = this.fc_loc.get(2) as nn.Linear;
    last.weight.data.zero_();
    last.bias!.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], { dtype: torch.float }));
  }
  stn(x: Tensor): [Tensor, Tensor] {
    let xs = this.localization(x);
    xs = xs.view(-1, 4 * 4 * 4);
    let theta = this.fc_loc(xs);
    theta = theta.view(-1, 2, 3);
    const grid = F.affine_grid(theta, x.size());
    return [F.grid_sample(x, grid), theta];
  }
  forward(x: Tensor): [Tensor, Tensor] {
    return this.stn(x);
  }
}

describe("Spatial Transformer Networks", () => {
  it("starts at the identity transform and learns theta through affine_grid and grid_sample, as PyTorch", () => {
    torch.manual_seed(0);
    const model = new STNet();
    const x = torch.rand(2, 1, 12, 12);
    const [y, theta] = model(x) as [Tensor, Tensor];
    expectClose(theta, R("stn_theta"), 1e-6, 1e-6, "theta");
    expect(theta.index(0).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    // With the identity theta and align_corners=False, sampling reproduces the input.
    expect(y.allclose(x, { atol: 1e-5 })).toBe(true);
    expectClose(y, R("stn_out"), 1e-5, 1e-6, "output");

    const target = torch.rand(2, 1, 12, 12);
    const loss = F.mse_loss(y, target);
    expect(loss.item()).toBeCloseTo(ref.stn_loss as number, 5);
    // At the identity every grid point sits exactly on a pixel centre, where grid_sample's gradient is
    // one-sided and decided by the grid's last bit (PyTorch's own result depends on its float32
    // rounding there), so the training step starts from a slightly rotated and shifted theta.
    const lastLayer = model.fc_loc.get(2) as nn.Linear;
    torch.no_grad(() => lastLayer.bias!.copy_(torch.tensor([1.0437, 0.0213, 0.0119, -0.0291, 0.9713, 0.0187])));
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const [y1] = model(x) as [Tensor, Tensor];
    const loss1 = F.mse_loss(y1, target);
    expect(loss1.item()).toBeCloseTo(ref.stn_loss1 as number, 5);
    loss1.backward();
    expect(lastLayer.bias!.grad!.abs().sum().item()).toBeGreaterThan(0); // the loss reaches theta through grid_sample
    optimizer.step();
    const [y2, theta2] = model(x) as [Tensor, Tensor];
    expectClose(theta2, R("stn_theta2"), 1e-4, 1e-6, "theta after a step");
    expectClose(y2, R("stn_out2"), 1e-4, 1e-5, "output after a step");
  });
});

describe("Text classification with nn.EmbeddingBag", () => {
  it("bags of token ids given by offsets (mean mode), trained with SGD(lr=5) and clip_grad_norm_(0.1), as PyTorch", () => {
    torch.manual_seed(0);
    const model = new TextClassificationModel(20, 8, 4);
    expect(String(model.embedding)).toBe("EmbeddingBag(20, 8, mode=mean)");
    // collate_batch: the token ids of every text concatenated, offsets where each text starts
    const texts = [[1, 5, 7], [2, 3], [9, 11, 4, 4, 18], [0, 6]];
    const text_list = texts.map((t) => torch.tensor(t, { dtype: torch.int64 }));
    const offsetsList = [0, ...texts.map((t) => t.length)].slice(0, -1);
    const offsets = torch.tensor(offsetsList, { dtype: torch.long }).cumsum({ dim: 0 });
    const text = torch.cat(text_list);
    const label = torch.tensor([0, 2, 1, 3], { dtype: torch.long });
    expect(offsets.tolist()).toEqual([0, 3, 5, 10]);

    const logits = model(text, offsets);
    expect(logits.shape).toEqual([4, 4]);
    expectClose(logits, R("text_logits"), 1e-5, 1e-6, "logits");
    // mode='mean': each bag is the mean of its rows
    const bag2 = model.embedding.weight.index(torch.tensor([9, 11, 4, 4, 18], { dtype: torch.long })).mean(0);
    expect(model.embedding(text, offsets).index(2).allclose(bag2, { atol: 1e-6 })).toBe(true);

    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 5 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      optimizer.zero_grad();
      const predicted_label = model(text, offsets);
      const loss = criterion(predicted_label, label);
      loss.backward();
      torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1);
      optimizer.step();
      losses.push(loss.item());
    }
    expectClose(losses, ref.text_losses as number[], 1e-4, 1e-6, "losses");
    expect(losses[2]).toBeLessThan(losses[0]);
    const after = torch.no_grad(() => model(text, offsets));
    expectClose(after, R("text_after"), 1e-4, 1e-5, "logits after training");
    expectClose(F.embedding_bag(text, model.embedding.weight, offsets, { mode: "sum" }), R("text_bag_sum"), 1e-4, 1e-5, "sum mode");
    const accuracy = after.argmax(1).eq(label).sum().item() / label.numel();
    expect(accuracy).toBeGreaterThanOrEqual(0.5);
  });
});
