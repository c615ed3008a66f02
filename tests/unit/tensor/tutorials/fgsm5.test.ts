/**
 * "Adversarial Example Generation" (FGSM), the whole tutorial: its LeNet trained on synthetic
 * digits (in eval mode, so dropout draws nothing and the engine follows torch's trajectory), then its
 * test(model, test_loader, epsilon) loop over a batch-size-1 DataLoader for every epsilon: the
 * input's gradient, epsilon * sign, clamp to [0, 1], the accuracy against epsilon and the first five
 * adversarial examples' (initial, final) predictions. Values from torch 1.13 (fgsm5.json,
 * scripts/fixtures/tutorial5_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { fgsm_attack, MnistExampleNet, syntheticDigits, tutorialFixture } from "./helpers";

const F = nn.functional;
const ref = tutorialFixture<{ train_losses: number[]; epsilons: number[]; correct: number[]; accuracies: number[]; adv_examples: [number, number][][] }>("fgsm5.json");

// LeNet Model definition and the FGSM attack: the tutorial's, in ./helpers (shared with vision_text and stn5).
class Net extends MnistExampleNet {}

function test(model: Net, test_loader: InstanceType<typeof torch.utils.data.DataLoader>, epsilon: number): [number, number, [number, number][]] {
  let correct = 0;
  const adv_examples: [number, number][] = [];
  for (const [data, target] of test_loader as Iterable<[Tensor, Tensor]>) {
    data.requires_grad = true;
    let output = model(data);
    const init_pred = output.max(1, { keepdim: true })[1];
    // If the initial prediction is wrong, don't bother attacking, just move on
    if (init_pred.item() !== target.item()) continue;
    const loss = F.nll_loss(output, target);
    model.zero_grad();
    loss.backward();
    const data_grad = data.grad!.data;
    const perturbed_data = fgsm_attack(data, epsilon, data_grad);
    // Re-classify the perturbed image
    output = model(perturbed_data);
    const final_pred = output.max(1, { keepdim: true })[1];
    if (final_pred.item() === target.item()) {
      correct += 1;
      // Special case for saving 0 epsilon examples
      if (epsilon === 0 && adv_examples.length < 5) adv_examples.push([init_pred.item() as number, final_pred.item() as number]);
    } else if (adv_examples.length < 5) {
      // Save some adv examples for visualization later
      adv_examples.push([init_pred.item() as number, final_pred.item() as number]);
    }
  }
  const final_acc = correct / test_loader.length;
  return [correct, final_acc, adv_examples];
}

describe("Adversarial Example Generation (FGSM)", () => {
  it("accuracy falls with epsilon as torch's, and the adversarial examples flip the same digits", () => {
    torch.manual_seed(0);
    const model = new Net();
    model.eval(); // no dropout: the trajectory is torch's to float rounding
    const { x, y } = syntheticDigits(256, 11);
    const images = x.reshape(256, 1, 28, 28);
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 24; step++) {
      const b = (step * 32) % 256;
      optimizer.zero_grad();
      const loss = F.nll_loss(model(images.index(`${b}:${b + 32}`)), y.index(`${b}:${b + 32}`));
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
    }
    expectClose(torch.tensor(losses), ref.train_losses, 2e-3, 1e-4, "training losses");

    const test_set = syntheticDigits(40, 12);
    const test_loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(test_set.x.reshape(40, 1, 28, 28), test_set.y), { batch_size: 1 });
    const correct: number[] = [];
    const accuracies: number[] = [];
    const examples: [number, number][][] = [];
    for (const eps of ref.epsilons) {
      const [c, acc, ex] = test(model, test_loader, eps);
      correct.push(c);
      accuracies.push(acc);
      examples.push(ex);
    }
    // the same counts and the same flipped digits as torch, on both kernel backends (checked: no
    // test digit sits close enough to a decision boundary for 24 steps of float rounding to move it)
    expect(correct).toEqual(ref.correct);
    expect(accuracies).toEqual(ref.accuracies);
    expect(examples).toEqual(ref.adv_examples);
    expect(accuracies[0]).toBeGreaterThan(0.6); // the model has learnt
    for (let i = 1; i < accuracies.length; i++) expect(accuracies[i]).toBeLessThanOrEqual(accuracies[i - 1]);
    expect(accuracies[accuracies.length - 1]).toBeLessThan(0.1); // epsilon 0.3 fools it
  });
});
