/**
 * "Neural Transfer Using PyTorch", line by line with a small seeded conv feature net in place of
 * VGG19: ContentLoss / StyleLoss as transparent layers storing their loss, gram_matrix, the
 * Normalization module, get_style_model_and_losses (nn.Sequential grown by iterating the net's
 * children and add_module, ReLU(inplace=False) replacements, the model cut after the last loss
 * layer by slicing), and run_style_transfer (requires_grad_ on the input image, the model frozen
 * with requires_grad_(false), optim.LBFGS([input_img]) with a closure, clamp_ under no_grad).
 * Layer names, the 20 closures' style / content scores and the result equal torch 1.13's
 * (style3.json, scripts/fixtures/tutorial3_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const F = nn.functional;
const ref = tutorialFixture<{ names: string[]; scores: [number, number][]; mean: number; sumsq: number }>("style3.json");

class ContentLoss extends nn.Module {
  target: Tensor;
  loss!: Tensor;
  constructor(target: Tensor) {
    super();
    // we 'detach' the target content from the tree used to dynamically compute the gradient
    this.target = target.detach();
  }
  forward(input: Tensor): Tensor {
    this.loss = F.mse_loss(input, this.target);
    return input;
  }
}

function gram_matrix(input: Tensor): Tensor {
  const [a, b, c, d] = input.size(); // a=batch size(=1), b=number of feature maps, (c,d)=dimensions of a f. map (N=c*d)
  const features = input.view(a * b, c * d); // resize F_XL into \hat F_XL
  const G = torch.mm(features, features.t()); // compute the gram product
  // we 'normalize' the values of the gram matrix by dividing by the number of element in each feature maps.
  return G.div(a * b * c * d);
}

class StyleLoss extends nn.Module {
  target: Tensor;
  loss!: Tensor;
  constructor(target_feature: Tensor) {
    super();
    this.target = gram_matrix(target_feature).detach();
  }
  forward(input: Tensor): Tensor {
    const G = gram_matrix(input);
    this.loss = F.mse_loss(G, this.target);
    return input;
  }
}

/** create a module to normalize input image so we can easily put it in a nn.Sequential */
class Normalization extends nn.Module {
  mean: Tensor;
  std: Tensor;
  constructor(mean: number[], std: number[]) {
    super();
    // .view the mean and std to make them [C x 1 x 1] so that they can directly work with image Tensor of shape [B x C x H x W].
    this.mean = torch.tensor(mean).view(-1, 1, 1);
    this.std = torch.tensor(std).view(-1, 1, 1);
  }
  forward(img: Tensor): Tensor {
    return img.sub(this.mean).div(this.std); // normalize img
  }
}

const content_layers_default = ["conv_2"];
const style_layers_default = ["conv_1", "conv_2", "conv_3"];

function get_style_model_and_losses(cnn: nn.Sequential, normalization_mean: number[], normalization_std: number[], style_img: Tensor, content_img: Tensor, content_layers = content_layers_default, style_layers = style_layers_default): [nn.Sequential, StyleLoss[], ContentLoss[]] {
  const normalization = new Normalization(normalization_mean, normalization_std);
  // just in order to have an iterable access to or list of content/style losses
  const content_losses: ContentLoss[] = [];
  const style_losses: StyleLoss[] = [];
  // assuming that cnn is a nn.Sequential, so we make a new nn.Sequential to put in modules that are supposed to be activated sequentially
  let model = new nn.Sequential(normalization);
  let i = 0; // increment every time we see a conv
  for (let layer of cnn.children()) {
    let name: string;
    if (layer instanceof nn.Conv2d) {
      i += 1;
      name = `conv_${i}`;
    } else if (layer instanceof nn.ReLU) {
      name = `relu_${i}`;
      // The in-place version doesn't play very nicely with the ContentLoss and StyleLoss we insert below.
      layer = new nn.ReLU({ inplace: false });
    } else if (layer instanceof nn.MaxPool2d) {
      name = `pool_${i}`;
    } else {
      throw new Error(`Unrecognized layer: ${layer.constructor.name}`);
    }
    model.add_module(name, layer);
    if (content_layers.includes(name)) {
      // add content loss:
      const target = (model(content_img) as Tensor).detach();
      const content_loss = new ContentLoss(target);
      model.add_module(`content_loss_${i}`, content_loss);
      content_losses.push(content_loss);
    }
    if (style_layers.includes(name)) {
      // add style loss:
      const target_feature = (model(style_img) as Tensor).detach();
      const style_loss = new StyleLoss(target_feature);
      model.add_module(`style_loss_${i}`, style_loss);
      style_losses.push(style_loss);
    }
  }
  // now we trim off the layers after the last content and style losses
  for (i = model.length - 1; i >= 0; i--) {
    if (model.get(i) instanceof ContentLoss || model.get(i) instanceof StyleLoss) break;
  }
  model = model.slice(0, i + 1);
  return [model, style_losses, content_losses];
}

function run_style_transfer(cnn: nn.Sequential, mean: number[], std: number[], content_img: Tensor, style_img: Tensor, input_img: Tensor, num_steps = 4, style_weight = 1000000, content_weight = 1): [Tensor, nn.Sequential, [number, number][]] {
  const [model, style_losses, content_losses] = get_style_model_and_losses(cnn, mean, std, style_img, content_img);
  // We want to optimize the input and not the model parameters so we update all the requires_grad fields accordingly
  input_img.requires_grad_(true);
  model.requires_grad_(false);
  const optimizer = new torch.optim.LBFGS([input_img]);
  const scores: [number, number][] = [];
  const run = [0];
  while (run[0] <= num_steps) {
    const closure = (): Tensor => {
      // correct the values of updated input image
      torch.no_grad(() => input_img.clamp_(0, 1));
      optimizer.zero_grad();
      model(input_img);
      let style_score = torch.tensor(0);
      let content_score = torch.tensor(0);
      for (const sl of style_losses) style_score = style_score.add(sl.loss);
      for (const cl of content_losses) content_score = content_score.add(cl.loss);
      style_score = style_score.mul(style_weight);
      content_score = content_score.mul(content_weight);
      const loss = style_score.add(content_score);
      loss.backward();
      run[0] += 1;
      scores.push([style_score.item() as number, content_score.item() as number]);
      return style_score.add(content_score);
    };
    optimizer.step(closure);
  }
  // a last correction...
  torch.no_grad(() => input_img.clamp_(0, 1));
  return [input_img, model, scores];
}

describe("Neural Transfer Using PyTorch (small feature net)", () => {
  it("builds the loss model and runs LBFGS on the input image as torch 1.13 does", () => {
    torch.manual_seed(0);
    const cnn = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.ReLU(),
      new nn.MaxPool2d(2), new nn.Conv2d(4, 6, 3, { padding: 1 }), new nn.ReLU(),
    ).eval();
    const style_img = torch.rand(1, 3, 16, 16);
    const content_img = torch.rand(1, 3, 16, 16);
    const cnn_normalization_mean = [0.485, 0.456, 0.406];
    const cnn_normalization_std = [0.229, 0.224, 0.225];
    const input_img = content_img.clone();
    const [output, model, scores] = run_style_transfer(cnn, cnn_normalization_mean, cnn_normalization_std, content_img, style_img, input_img);
    expect(model.named_children().map(([n]) => n)).toEqual(ref.names);
    expect(model.parameters().every((p) => !p.requires_grad)).toBe(true);
    expect(scores.length).toBe(ref.scores.length);
    // The first closures agree closely; later ones follow LBFGS's float32 path, so a looser bound.
    expectClose(torch.tensor(scores.slice(0, 3)), ref.scores.slice(0, 3), 1e-4, 1e-6, "first scores");
    expectClose(torch.tensor(scores), ref.scores, 5e-2, 1e-3, "all scores");
    expect(scores[scores.length - 1][0]).toBeLessThan(scores[0][0] / 100); // the style loss falls by 100x
    expect(output.min().item()).toBeGreaterThanOrEqual(0);
    expect(output.max().item()).toBeLessThanOrEqual(1);
    expect(output.mean().item()).toBeCloseTo(ref.mean, 3);
    expect(output.pow(2).sum().item()).toBeCloseTo(ref.sumsq, 0);
    expect(content_img.grad).toBeNull();
  });
});
