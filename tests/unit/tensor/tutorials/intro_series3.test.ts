/**
 * The "Introduction to PyTorch" series. "Building Models with PyTorch": TinyModel's parameters,
 * Linear / Conv2d / LSTM / Transformer layer types, max pooling, BatchNorm1d's normalisation,
 * Dropout's zeros and scaling. "Training with PyTorch": the GarmentClassifier on a
 * Fashion-MNIST-shaped synthetic set (1x28x28 images whose class brightens two rows, helpers'
 * syntheticDigits), DataLoaders, CrossEntropyLoss, SGD(lr 0.001 -> here 0.05 for 80 batches instead of 15000, momentum 0.9),
 * train_one_epoch reporting the running loss every few batches, per-epoch validation under
 * model.eval() and no_grad, and keeping the best model's state_dict. The validation loss must fall
 * epoch over epoch and the best model must classify the validation set.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { GarmentClassifier, syntheticDigits } from "./helpers";

const F = nn.functional;

describe("Building Models with PyTorch", () => {
  it("TinyModel's parameters and the common layer types", () => {
    torch.manual_seed(0);
    class TinyModel extends nn.Module {
      linear1 = new nn.Linear(100, 200);
      activation = new nn.ReLU();
      linear2 = new nn.Linear(200, 10);
      softmax = new nn.Softmax();
      forward(x: Tensor): Tensor {
        return this.softmax(this.linear2(this.activation(this.linear1(x))));
      }
    }
    const tinymodel = new TinyModel();
    expect(String(tinymodel.linear2)).toBe("Linear(in_features=200, out_features=10, bias=True)");
    expect(tinymodel.parameters().map((p) => p.shape)).toEqual([[200, 100], [200], [10, 200], [10]]);
    // Linear layers
    const lin = new nn.Linear(3, 2);
    const x = torch.rand(1, 3);
    const y = lin(x);
    expect(y.allclose(x.matmul(lin.weight.t()).add(lin.bias!))).toBe(true);
    // Convolutional layers: LeNet's first two
    const conv1 = new nn.Conv2d(1, 6, 5);
    const conv2 = new nn.Conv2d(6, 16, 3);
    expect(F.max_pool2d(F.relu(conv2(F.max_pool2d(F.relu(conv1(torch.rand(1, 1, 32, 32))), [2, 2]))), 2).shape).toEqual([1, 16, 6, 6]);
    // Recurrent layers: the LSTM tagger's LSTM over a 5-word sentence
    const lstm = new nn.LSTM(6, 6);
    const [lstm_out] = lstm(torch.rand(5, 1, 6)) as [Tensor, unknown];
    expect(lstm_out.shape).toEqual([5, 1, 6]);
    // Transformers
    const transformer = new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 16 });
    expect((transformer(torch.rand(4, 2, 8), torch.rand(3, 2, 8)) as Tensor).shape).toEqual([3, 2, 8]);
  });

  it("max pooling, batch normalization and dropout do what the page shows", () => {
    torch.manual_seed(0);
    const my_tensor = torch.rand(1, 6, 6);
    const maxpool_layer = new nn.MaxPool2d(3);
    const pooled = maxpool_layer(my_tensor);
    expect(pooled.shape).toEqual([1, 2, 2]);
    expect(pooled.index(0, 0, 0).item()).toBe(my_tensor.index(0, "0:3", "0:3").max().item());
    expect(pooled.index(0, 1, 1).item()).toBe(my_tensor.index(0, "3:6", "3:6").max().item());

    const t = torch.rand(1, 4, 4).mul(20).add(15);
    const norm_layer = new nn.BatchNorm1d(4);
    const normed = norm_layer(t);
    // each channel is normalised to mean 0, (biased) variance 1
    expect(normed.mean([0, 2]).abs().max().item()).toBeLessThan(1e-5);
    expect(normed.var({ dim: [0, 2], unbiased: false }).sub(1).abs().max().item()).toBeLessThan(1e-3);

    const dropout = new nn.Dropout({ p: 0.4 });
    const ones = torch.ones(1, 400);
    const dropped = dropout(ones);
    const kept = dropped.ne(0);
    expect(dropped.index(kept).sub(1 / 0.6).abs().max().item()).toBeLessThan(1e-6); // survivors scaled by 1/(1-p)
    const frac = kept.float().mean().item();
    expect(frac).toBeGreaterThan(0.5);
    expect(frac).toBeLessThan(0.7);
    dropout.eval();
    expect(dropout(ones).equal(ones)).toBe(true);
  });
});

describe("Training with PyTorch (Fashion-MNIST-shaped synthetic data)", () => {
  it("trains GarmentClassifier with per-epoch validation and keeps the best model", () => {
    torch.manual_seed(0);
    const set = (n: number, seed: number) => {
      const { x, y } = syntheticDigits(n, seed);
      return new utils.data.TensorDataset(x.view(n, 1, 28, 28).sub(0.5).div(0.5), y); // Normalize((0.5,), (0.5,))
    };
    const training_set = set(320, 1);
    const validation_set = set(96, 2);
    const training_loader = new utils.data.DataLoader(training_set, { batch_size: 16, shuffle: true });
    const validation_loader = new utils.data.DataLoader(validation_set, { batch_size: 32, shuffle: false });
    expect(training_set.length).toBe(320);

    const model = new GarmentClassifier();
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const reports: number[] = [];

    const train_one_epoch = (): number => {
      let running_loss = 0;
      let last_loss = 0;
      let i = 0;
      for (const [inputs, labels] of training_loader as Iterable<Tensor[]>) {
        optimizer.zero_grad(); // Zero your gradients for every batch!
        const outputs = model(inputs); // Make predictions for this batch
        const loss = loss_fn(outputs, labels); // Compute the loss and its gradients
        loss.backward();
        optimizer.step(); // Adjust learning weights
        running_loss += loss.item(); // Gather data and report
        if (i % 5 === 4) {
          last_loss = running_loss / 5; // loss per batch
          reports.push(last_loss);
          running_loss = 0;
        }
        i++;
      }
      return last_loss;
    };

    let best_vloss = 1_000_000;
    let best_state: Record<string, Tensor> | null = null;
    const vlosses: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      // Make sure gradient tracking is on, and do a pass over the data
      model.train(true);
      const avg_loss = train_one_epoch();
      expect(Number.isFinite(avg_loss)).toBe(true);
      let running_vloss = 0;
      let batches = 0;
      // Set the model to evaluation mode, disabling dropout and using population statistics for batch normalization.
      model.eval();
      torch.no_grad(() => {
        for (const [vinputs, vlabels] of validation_loader as Iterable<Tensor[]>) {
          const voutputs = model(vinputs);
          running_vloss += loss_fn(voutputs, vlabels).item();
          batches++;
        }
      });
      const avg_vloss = running_vloss / batches;
      vlosses.push(avg_vloss);
      // Track best performance, and save the model's state
      if (avg_vloss < best_vloss) {
        best_vloss = avg_vloss;
        best_state = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.clone()]));
      }
    }
    expect(reports.length).toBe(4 * 4); // 20 batches per epoch, a report every 5
    expect(vlosses[0]).toBeLessThan(Math.log(10) + 0.1);
    expect(vlosses[3]).toBeLessThan(0.5 * vlosses[0]);
    expect(reports[reports.length - 1]).toBeLessThan(reports[0]);

    const saved = new GarmentClassifier();
    saved.load_state_dict(best_state!);
    saved.eval();
    const [vx, vy] = [validation_set.tensors[0], validation_set.tensors[1]];
    const accuracy = torch.no_grad(() => saved(vx).argmax(1).eq(vy).float().mean().item() as number);
    expect(accuracy).toBeGreaterThan(0.8);
  });
});
