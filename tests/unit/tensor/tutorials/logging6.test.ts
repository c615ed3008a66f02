/**
 * "Training with PyTorch" (the Introduction to PyTorch series) with the SummaryWriter lines kept:
 * writer.add_scalar('Loss/train', ...) every few batches and writer.add_scalars('Training vs.
 * Validation Loss', {...}) per epoch. There is no TensorBoard in Gradbook: the writer keeps the
 * values in memory (writer.scalars) and says so once; what it keeps is exactly what torch 1.13's
 * run hands its writer (logging6.json, scripts/fixtures/tutorial6_fixtures.py; sizes cut to 64
 * training images, batches of 8, a report every 4 batches, 3 epochs). Then the TorchScript section
 * of "Saving and Loading Models": torch.jit refuses with one clear error that names what to use.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { GarmentClassifier, syntheticDigits, thrown, tutorialFixture } from "./helpers";

type Logged = ["add_scalar", string, number, number] | ["add_scalars", string, Record<string, number>, number];
const ref = tutorialFixture<{ logged: Logged[]; best_vloss: number; recipe: { logged: [number, number][]; weight: number; n: number } }>("logging6.json");
const { SummaryWriter } = utils.tensorboard;

let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe("Training with PyTorch, with its SummaryWriter", () => {
  it("logs torch's training and validation losses at torch's steps, kept in memory, and warns once that there is no TensorBoard", () => {
    torch.manual_seed(0);
    const make = (n: number, seed: number) => {
      const { x, y } = syntheticDigits(n, seed);
      return new utils.data.TensorDataset(x.view(n, 1, 28, 28).sub(0.5).div(0.5), y);
    };
    const [training_set, validation_set] = [make(64, 1), make(32, 2)];
    const training_loader = new utils.data.DataLoader(training_set, { batch_size: 8, shuffle: true });
    const validation_loader = new utils.data.DataLoader(validation_set, { batch_size: 8, shuffle: false });
    const model = new GarmentClassifier();
    const loss_fn = new torch.nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const writer = new SummaryWriter("runs/fashion_trainer_20240101_000000");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^UserWarning: torch\.utils\.tensorboard: there is no TensorBoard in Gradbook/);

    const train_one_epoch = (epoch_index: number, tb_writer: InstanceType<typeof SummaryWriter>): number => {
      let running_loss = 0;
      let last_loss = 0;
      let i = 0;
      for (const [inputs, labels] of training_loader as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const outputs = model(inputs);
        const loss = loss_fn(outputs, labels);
        loss.backward();
        optimizer.step();
        running_loss += loss.item() as number;
        if (i % 4 === 3) {
          last_loss = running_loss / 4; // loss per batch
          const tb_x = epoch_index * training_loader.length + i + 1;
          tb_writer.add_scalar("Loss/train", last_loss, tb_x);
          running_loss = 0;
        }
        i++;
      }
      return last_loss;
    };

    let best_vloss = 1_000_000;
    for (let epoch_number = 0; epoch_number < 3; epoch_number++) {
      model.train(true);
      const avg_loss = train_one_epoch(epoch_number, writer);
      let running_vloss = torch.tensor(0.0); // running_vloss = 0.0, a tensor once a loss is added
      let i = 0;
      model.eval();
      torch.no_grad(() => {
        for (const [vinputs, vlabels] of validation_loader as Iterable<Tensor[]>) {
          const voutputs = model(vinputs);
          const vloss = loss_fn(voutputs, vlabels);
          running_vloss = running_vloss.add(vloss);
          i++;
        }
      });
      const avg_vloss = running_vloss.div(i);
      // Log the running loss averaged per batch for both training and validation
      writer.add_scalars("Training vs. Validation Loss", { Training: avg_loss, Validation: avg_vloss }, epoch_number + 1);
      writer.flush();
      if ((avg_vloss.item() as number) < best_vloss) best_vloss = avg_vloss.item() as number;
    }
    writer.close();

    // what the writer kept is what torch's run hands its writer
    type Kept = { tag: string; run: string | null; value: number; global_step: number };
    const want = ref.logged.flatMap((entry): Kept[] =>
      entry[0] === "add_scalar"
        ? [{ tag: entry[1], run: null, value: entry[2], global_step: entry[3] }]
        : Object.entries(entry[2]).map(([key, value]) => ({ tag: entry[1], run: `${entry[1]}_${key}`, value, global_step: entry[3] })),
    );
    expect(writer.scalars.map(({ tag, run, global_step }) => ({ tag, run, global_step }))).toEqual(want.map(({ tag, run, global_step }) => ({ tag, run, global_step })));
    writer.scalars.forEach((s, k) => expect(s.value, `${s.tag} ${s.run ?? ""} at step ${s.global_step}`).toBeCloseTo(want[k].value, 4));
    expect(writer.scalars.every((s) => Number.isFinite(s.walltime) && s.walltime > 1.6e9)).toBe(true);
    expect(best_vloss).toBeCloseTo(ref.best_vloss, 4);
    // the training loss falls: the last report is below the first
    const train = writer.scalars.filter((s) => s.tag === "Loss/train").map((s) => s.value);
    expect(train.at(-1)!).toBeLessThan(train[0]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("the \"How to use TensorBoard with PyTorch\" recipe: a tensor loss logged per epoch is torch's, and the line is fitted", () => {
    const writer = new SummaryWriter();
    torch.manual_seed(0);
    const x = torch.arange(-5, 5, 0.1).view(-1, 1);
    const y = x.mul(-5).add(torch.randn(x.size()).mul(0.1));
    expect(x.shape[0]).toBe(ref.recipe.n);
    const model = new torch.nn.Linear(1, 1);
    const criterion = new torch.nn.MSELoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const train_model = (iter: number): void => {
      for (let epoch = 0; epoch < iter; epoch++) {
        const y1 = model(x);
        const loss = criterion(y1, y);
        writer.add_scalar("Loss/train", loss, epoch);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
      }
    };
    train_model(10);
    writer.flush();
    writer.close();
    expect(writer.scalars.map((s) => [s.tag, s.global_step])).toEqual(ref.recipe.logged.map(([, step]) => ["Loss/train", step]));
    writer.scalars.forEach((s, k) => expect(s.value, `epoch ${k}`).toBeCloseTo(ref.recipe.logged[k][0], 3));
    expect(model.weight.item()).toBeCloseTo(ref.recipe.weight, 4);
    expect(writer.scalars.at(-1)!.value).toBeLessThan(writer.scalars[0].value / 100);
  });

  it("keeps text, refuses images / graphs / histograms by name, a non-scalar value, and writing after close", () => {
    const writer = new SummaryWriter({ comment: "_demo" });
    expect(writer.log_dir).toMatch(/^runs\/\d{8}T\d{6}_demo$/);
    writer.add_text("notes", "first run", 0);
    expect(writer.texts.map(({ tag, text, global_step }) => [tag, text, global_step])).toEqual([["notes", "first run", 0]]);
    const model = new GarmentClassifier();
    expect(thrown(() => writer.add_graph(model, torch.zeros(1, 1, 28, 28)))).toEqual([
      "NotImplementedError",
      "SummaryWriter.add_graph: there is no TensorBoard in Gradbook, and this writer keeps only scalars (add_scalar, add_scalars) and text (add_text) in memory",
    ]);
    expect(thrown(() => writer.add_image("img", torch.zeros(3, 4, 4)))?.[0]).toBe("NotImplementedError");
    expect(thrown(() => writer.add_histogram("w", torch.zeros(3)))?.[0]).toBe("NotImplementedError");
    expect(thrown(() => writer.add_scalar("loss", torch.zeros(2), 1))).toEqual(["RuntimeError", "add_scalar: scalar_value must be a number or a one-element tensor, got a tensor of shape [2]"]);
    expect(thrown(() => writer.add_scalars("pair", { a: 1, b: torch.ones(3) }, 1))?.[0]).toBe("RuntimeError");
    expect(writer.scalars).toEqual([]); // a refused add_scalars keeps none of its values
    writer.add_scalar("loss", torch.tensor(0.5), 1);
    expect(writer.scalars.map((s) => s.value)).toEqual([0.5]);
    writer.close();
    expect(thrown(() => writer.add_scalar("loss", 1, 2))).toEqual(["RuntimeError", "SummaryWriter.add_scalar: the writer was closed"]);
  });
});

describe("Saving and Loading Models: the TorchScript section", () => {
  it("torch.jit.script / trace / save / load refuse with what to use instead; the model is unchanged and torch.save works", () => {
    torch.manual_seed(3);
    const model = new GarmentClassifier();
    model.eval();
    const x = torch.randn(2, 1, 28, 28);
    const before = model(x);
    const DEFAULT =
      "TorchScript (compiling a model's Python source or tracing it into a graph) is not supported by Gradbook's tensor engine, which runs your TypeScript directly. " +
      "The model was not changed: call it as it is, keep it with torch.save(model.state_dict(), path), or hand it to another runtime with torch.onnx.export(model, example_input, path).";
    expect(thrown(() => torch.jit.script(model))).toEqual(["NotImplementedError", `torch.jit.script: ${DEFAULT}`]);
    expect(thrown(() => torch.jit.trace(model, x))).toEqual(["NotImplementedError", `torch.jit.trace: ${DEFAULT}`]);
    expect(thrown(() => torch.jit.save(model, "model_scripted.pt"))?.[1]).toMatch(/^torch\.jit\.save: TorchScript .* To keep a model use torch\.save\(model\.state_dict\(\), path\) or torch\.save\(model, path\)\.$/);
    expect(thrown(() => torch.jit.load("model_scripted.pt"))?.[1]).toMatch(/^torch\.jit\.load: TorchScript .* To load what torch\.save wrote use torch\.load\(path\)/);
    expect(model(x).equal(before)).toBe(true);
    // the alternative the message names
    const bytes = torch.save(model.state_dict());
    const restored = new GarmentClassifier();
    restored.load_state_dict(torch.load(bytes) as Record<string, Tensor>);
    restored.eval();
    expect(restored(x).equal(before)).toBe(true);
  });
});
