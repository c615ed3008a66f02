/**
 * A cold probe of two beginner video series, translated as a learner would:
 *  - deeplizard's "Neural Network Programming - Deep Learning with PyTorch": tensor basics (rank / axes / shape,
 *    torch.Tensor() vs torch.tensor(), reshape / squeeze / unsqueeze / flatten, cat vs stack, element-wise ops and
 *    broadcasting, comparisons, reductions and argmax, item / tolist / numpy), the FashionMNIST Network (its repr,
 *    named_parameters, a Linear with its weight replaced, one prediction with softmax), get_num_correct, one
 *    training step then the epoch loop, get_all_preds under @torch.no_grad(), the confusion matrix by stack and a
 *    loop, RunBuilder over an OrderedDict of hyper-parameters with a RunManager's per-run loss / accuracy, the
 *    batch-norm comparison of two nn.Sequential nets, a named nn.Sequential, and the data set's mean / std by a loader;
 *  - sentdex's pythonprogramming.net "Deep learning with PyTorch": the tensor intro, the four-Linear Net with F.relu
 *    and log_softmax trained with net.zero_grad() and nll_loss, its accuracy and class-balance loops, the
 *    cats-vs-dogs ConvNet whose _to_linear comes from a forward pass in __init__, MSELoss on one-hot targets, the
 *    accuracy loop, fwd_pass with matches.count(True), torch.save / load_state_dict, and net.zero_grad();
 *  - the mistakes a learner makes there: a wrong in_features or a missing flatten / view, a missing or extra
 *    unsqueeze, an integer / double input to a Linear, float class targets, one-hot targets to nll_loss,
 *    a class-index target to MSELoss, BatchNorm1d on a batch of one, load_state_dict into the wrong net, argmax output
 *    into cross_entropy, a 2-D image into a conv, BatchNorm of the wrong size, a pooling window past the image.
 * FashionMNIST and the cats / dogs images are seeded stand-ins (images() below, the fixture script's same calls);
 * sizes and epochs are cut. Values are torch 1.13's running the same code
 * (scripts/fixtures/beginner_series2_fixtures.py -> tests/fixtures/torch/tutorials/beginner_series2.json).
 *
 * Python forms written otherwise: t[i][j] -> t.index(i).index(j), f"{loss}" of a 0-dim tensor (its item's repr)
 * -> `${loss.item()}`, str(grad_fn) (an object address in Python) -> its start, namedtuple('Run', keys) -> an object
 * whose String() is the namedtuple's repr, itertools.product -> nested loops, OrderedDict(...) -> a Map,
 * io.BytesIO -> a file name, `x += y` on a tensor -> x = x.add(y), `cmt[tl, pl] = cmt[tl, pl] + 1` -> index_put_,
 * list.count(True) of bool tensors -> a filter on item(). The known difference of JavaScript numbers (the engine
 * cannot tell 1 from 1.0): integer tensors are made with dtype torch.long.
 *
 * Where the engine's message is its own on purpose (kept by the core tests), the test says so: a long / double input
 * to a Linear (torch's message, then a hint) and float class targets to cross_entropy (a message naming the fix).
 * Adam's first steps make the batch-norm comparison sensitive to float32 rounding (torch's own float32 and float64
 * runs differ by 1e-3 by the third loss), so that trajectory is compared loosely.
 *
 * Engine gaps this probe found, fixed with tests in core/beginner_series2_gaps.test.ts: the legacy torch.Tensor(...)
 * keywords (device only; torch.Tensor(data, dtype=...) is the parser's TypeError), torch.tensor(t.shape) is int64,
 * a typed array (NumPy's part) into torch.Tensor / FloatTensor / as_tensor (deeplizard's memory-sharing cell), a list of
 * typed arrays into torch.Tensor (sentdex's torch.Tensor([i[0] for i in training_data])), and a float32 softmax row's
 * scale (a batch's F.softmax(preds, dim=1).sum(dim=1) printed tensor([1., ...]) where torch prints 1.0000).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("beginner_series2.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { DataLoader, TensorDataset } = utils.data;
const long = { dtype: torch.long };
const f32 = { dtype: torch.float32 };
const S = (v: unknown) => String(v);

/** The image stand-in: uniform pixels * 0.5, class k brightens row (2k) % h. */
function images(seed: number, n: number, c: number, h: number, w: number, classes = 10): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, h, w], { generator: g }).mul(0.5);
  const y = torch.randint(0, classes, [n], { generator: g });
  for (let i = 0; i < n; i++) x.index(i, null, (2 * y.index(i).item()) % h).add_(0.5);
  return [x, y];
}
const firstBatch = (loader: Iterable<Tensor[]>) => loader[Symbol.iterator]().next().value as Tensor[];

describe("deeplizard: tensors", () => {
  it("torch.Tensor() and the factories, shape / rank / numel", () => {
    torch.set_printoptions({ linewidth: 120 });
    const t0 = torch.Tensor();
    expect([S(t0), S(t0.dtype), S(t0.device), S(t0.layout), S(t0.shape)]).toEqual(ref.empty);
    const dd = [1, 2, 3];
    expect([S(torch.Tensor(dd)), S(torch.tensor(dd, long)), S(torch.as_tensor(dd, long)), S(torch.Tensor(dd).dtype), S(torch.tensor(dd, long).dtype),
      S(torch.eye(2)), S(torch.zeros([2, 2])), S(torch.ones([2, 2])), S(torch.get_default_dtype())]).toEqual(ref.factories);
    expect([S(torch.tensor(dd, { dtype: torch.float64 })), S(torch.Tensor(2, 3).shape)]).toEqual(ref.tensor_dtype_kw);
    // the legacy constructor takes no dtype (torch.Tensor(data, dtype=...) is the parser's TypeError)
    expect(raised(() => (torch.Tensor as unknown as (...a: unknown[]) => Tensor)(dd, { dtype: torch.float64 }))).toEqual(ref.tensor_dtype_err);
    const t = torch.tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], f32);
    expect([S(t.size()), S(t.shape), t.shape.length, S(torch.tensor(t.shape).prod()), t.numel(), t.ndim, t.dim()]).toEqual(ref.shape);
  });

  it("reshape, squeeze / unsqueeze, a hand-written flatten, and the errors of a wrong size or a view of a transpose", () => {
    const t = torch.tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], f32);
    expect([S(t.reshape([1, 12])), S(t.reshape([2, 6])), S(t.reshape([3, 4])), S(t.reshape(2, 2, 3)), S(t.reshape([1, 12]).squeeze()),
      S(t.reshape([1, 12]).squeeze().shape), S(t.reshape([1, 12]).squeeze().unsqueeze({ dim: 0 })),
      S(t.reshape([1, 12]).squeeze().unsqueeze({ dim: 0 }).shape)]).toEqual(ref.reshape);
    const flatten = (x: Tensor) => x.reshape(1, -1).squeeze();
    expect(S(flatten(t))).toBe(ref.flatten_fn);
    expect(raised(() => t.reshape(5, 3))).toEqual(ref.reshape_err);
    expect(raised(() => t.t().view(12))).toEqual(ref.view_err);
  });

  it("cat and stack, a batch of three images flattened per image, and their size errors", () => {
    let t1 = torch.tensor([[1, 2], [3, 4]], long);
    let t2 = torch.tensor([[5, 6], [7, 8]], long);
    expect([S(torch.cat([t1, t2], { dim: 0 })), S(torch.cat([t1, t2], { dim: 1 })), S(torch.cat([t1, t2], { dim: 0 }).shape)]).toEqual(ref.cat);
    expect(raised(() => torch.cat([t1, torch.tensor([[1, 2, 3]], long)], { dim: 0 }))).toEqual(ref.cat_err);
    t1 = torch.ones([4, 4], long);
    t2 = torch.full([4, 4], 2, long);
    const t3 = torch.full([4, 4], 3, long);
    let t = torch.stack([t1, t2, t3]);
    expect([S(t.shape), S(t)]).toEqual(ref.stack);
    t = t.reshape(3, 1, 4, 4);
    expect([S(t), S(t.index(0)), S(t.index(0).index(0)), S(t.index(0).index(0).index(0)), S(t.index(0).index(0).index(0).index(0))]).toEqual(ref.batch);
    expect([S(t.reshape(1, -1).index(0)), S(t.reshape(-1)), S(t.view(t.numel())), S(t.flatten()), S(t.flatten({ start_dim: 1 }).shape),
      S(t.flatten({ start_dim: 1 }))]).toEqual(ref.flatten);
    expect(raised(() => torch.stack([t1, torch.tensor([1, 2], long)]))).toEqual(ref.stack_err);
    const a = torch.tensor([1, 1, 1], long), b = torch.tensor([2, 2, 2], long), c = torch.tensor([3, 3, 3], long);
    expect([S(torch.cat([a, b, c], { dim: 0 })), S(torch.stack([a, b, c], { dim: 0 })), S(torch.cat([a.unsqueeze(0), b.unsqueeze(0), c.unsqueeze(0)], { dim: 0 })),
      S(torch.stack([a, b, c], { dim: 1 })), S(torch.cat([a.unsqueeze(1), b.unsqueeze(1), c.unsqueeze(1)], { dim: 1 }))]).toEqual(ref.cat_stack);
    expect(raised(() => torch.cat([a, b, c], { dim: 1 }))).toEqual(ref.cat_dim1_err);
  });

  it("element-wise ops, broadcasting, comparisons and type promotion", () => {
    let t1 = torch.tensor([[1, 2], [3, 4]], f32);
    let t2 = torch.tensor([[9, 8], [7, 6]], f32);
    expect([S(t1.index(0)), S(t1.index(0).index(0)), S(t1.add(t2)), S(t1.add(2)), S(t1.sub(2)), S(t1.mul(2)), S(t1.div(2)), S(t1.add(2)), S(t1.sub(2)),
      S(t1.mul(2)), S(t1.div(2))]).toEqual(ref.elementwise);
    t1 = torch.tensor([[1, 1], [1, 1]], f32);
    t2 = torch.tensor([2, 4], f32);
    expect([S(t1.add(t2)), S(t2.broadcast_to(t1.shape)), S(torch.broadcast_tensors(t1, t2)[1])]).toEqual(ref.broadcast);
    expect(raised(() => t1.add(torch.tensor([1.0, 2.0, 3.0])))).toEqual(ref.broadcast_err);
    const t = torch.tensor([[0, 5, 0], [6, 0, 7], [0, 8, 0]], f32);
    expect([S(t.eq(0)), S(t.ge(0)), S(t.gt(0)), S(t.lt(0)), S(t.le(7)), S(t.le(torch.tensor([[7, 7, 7]], f32))), S(t.abs()), S(t.sqrt()), S(t.neg()),
      S(t.neg().abs())]).toEqual(ref.compare);
    const i3 = torch.tensor([1, 2, 3], long);
    expect([S(i3.add(torch.tensor([1.0, 2.0, 3.0]))), S(i3.div(2)), S(i3.floor_divide(2)), S(i3.add(torch.tensor([1, 2, 3], { dtype: torch.float64 })).dtype),
      S(torch.tensor([true, false]).add(1))]).toEqual(ref.promotion);
  });

  it("reductions, max / argmax by dim (torch.return_types), item / tolist / numpy, and their errors", () => {
    let t = torch.tensor([[0, 1, 0], [2, 0, 2], [0, 3, 0]], f32);
    expect([S(t.sum()), t.numel(), t.sum().numel(), S(t.prod()), S(t.mean()), S(t.std())]).toEqual(ref.reduce);
    t = torch.tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], f32);
    expect([S(t.sum({ dim: 0 })), S(t.sum({ dim: 1 })), S(t.index(0).sum()), S(t.index(0).add(t.index(1)).add(t.index(2)))]).toEqual(ref.reduce_dim);
    t = torch.tensor([[1, 0, 0, 2], [0, 3, 3, 0], [4, 0, 0, 5]], f32);
    const m1 = t.max({ dim: 1 });
    expect([S(t.max()), S(t.argmax()), S(t.flatten()), S(t.max({ dim: 0 })), S(t.argmax({ dim: 0 })), S(m1), S(t.argmax({ dim: 1 })), S(m1.values), S(m1[1]),
      S(t.min({ dim: 0 }))]).toEqual(ref.argmax);
    t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], f32);
    expect([S(t.mean()), t.mean().item(), t.mean({ dim: 0 }).tolist(), `[${Array.from(t.mean({ dim: 0 }).numpy() as Float32Array).map((v) => v.toFixed(1)).join(", ")}]`]).toEqual(ref.item);
    expect(raised(() => t.item())).toEqual(ref.item_err);
    expect(raised(() => torch.tensor([1, 2, 3], long).mean())![1].startsWith(ref.long_mean_err[1])).toBe(true);
  });
});

class Network extends nn.Module {
  conv1 = new nn.Conv2d({ in_channels: 1, out_channels: 6, kernel_size: 5 });
  conv2 = new nn.Conv2d({ in_channels: 6, out_channels: 12, kernel_size: 5 });
  fc1 = new nn.Linear({ in_features: 12 * 4 * 4, out_features: 120 });
  fc2 = new nn.Linear({ in_features: 120, out_features: 60 });
  out = new nn.Linear({ in_features: 60, out_features: 10 });
  forward(t: Tensor): Tensor {
    t = F.relu(this.conv1(t));
    t = F.max_pool2d(t, { kernel_size: 2, stride: 2 });
    t = F.relu(this.conv2(t));
    t = F.max_pool2d(t, { kernel_size: 2, stride: 2 });
    t = t.reshape(-1, 12 * 4 * 4);
    t = F.relu(this.fc1(t));
    t = F.relu(this.fc2(t));
    return this.out(t);
  }
}
const get_num_correct = (preds: Tensor, labels: Tensor) => preds.argmax({ dim: 1 }).eq(labels).sum().item();
const [train_x, train_y] = images(3, 60, 1, 28, 28);

describe("deeplizard: the FashionMNIST Network", () => {
  it("its repr, weights' shapes, named_parameters, and a Linear with its weight replaced", () => {
    torch.manual_seed(50);
    const network = new Network();
    expect([S(network), S(network.conv1), S(network.fc1), S(network.conv1.weight.shape), S(network.fc1.weight.shape), S(network.out.bias!.shape),
      S(network.conv2.weight.index(0).shape), S(network.conv1.weight.index(0, 0, 0))]).toEqual(ref.network_repr);
    expect([...network.named_parameters()].map(([name, param]) => `${name}\t\t${S(param.shape)}`)).toEqual(ref.named_parameters);
    expect([...network.parameters()].map((p) => S(p.shape))).toEqual(ref.parameters_shapes);
    const in_features = torch.tensor([1, 2, 3, 4], f32);
    const weight_matrix = torch.tensor([[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]], f32);
    const fc = new nn.Linear({ in_features: 4, out_features: 3, bias: false });
    fc.weight = new nn.Parameter(weight_matrix);
    expect([S(weight_matrix.matmul(in_features)), S(fc(in_features)), S(fc), S(fc.weight)]).toEqual(ref.linear);
    torch.manual_seed(50);
    const fc2 = new nn.Linear({ in_features: 4, out_features: 3 });
    expect([S(fc2(in_features)), S(fc2.weight), S(fc2.bias)]).toEqual(ref.linear_default);
    expect(raised(() => new nn.Linear({ in_features: 5, out_features: 3 })(in_features))).toEqual(ref.linear_wrong_in);
    // a long / double input: torch's message, then the engine's hint (kept on purpose: matmul dtype errors name the fix)
    for (const [key, x] of [["linear_int", torch.tensor([1, 2, 3, 4], long)], ["linear_double", torch.tensor([1, 2, 3, 4], { dtype: torch.float64 })]] as const) {
      const e = raised(() => fc(x))!;
      expect(e[0]).toBe(ref[key][0]);
      expect(e[1].startsWith(ref[key][1])).toBe(true);
    }
  });

  it("one image and a batch through the network with grad off, and the shape mistakes on the way", () => {
    torch.manual_seed(50);
    const network = new Network();
    torch.set_grad_enabled(false);
    try {
      const [image, label] = [train_x.index(0), train_y.index(0)];
      expect([S(image.shape), S(label), S(image.unsqueeze(0).shape)]).toEqual(ref.sample);
      const pred = network(image.unsqueeze(0));
      expect([S(pred.shape), S(pred), S(pred.argmax({ dim: 1 })), S(F.softmax(pred, { dim: 1 })), S(F.softmax(pred, { dim: 1 }).sum())]).toEqual(ref.pred);
      expect(raised(() => network(image.unsqueeze(0).unsqueeze(0)))).toEqual(ref.missing_unsqueeze);
      expect([S(network(image).shape)]).toEqual(ref.missing_batch);
      expect(raised(() => network(image.reshape(1, 784)))).toEqual(ref.conv_3d_flat);
      expect(raised(() => network.fc1(torch.randn(10, 12 * 4 * 5)))).toEqual(ref.wrong_reshape_err);
      const [batch_x, batch_y] = [train_x.index(":10"), train_y.index(":10")];
      const preds = network(batch_x);
      expect([S(preds.shape), S(preds.argmax({ dim: 1 })), S(batch_y), S(preds.argmax({ dim: 1 }).eq(batch_y)), S(preds.argmax({ dim: 1 }).eq(batch_y).sum())]).toEqual(ref.batch_pred);
      expect(S(F.softmax(preds, { dim: 1 }).sum({ dim: 1 }))).toBe(ref.batch_softmax[0]);
      expectT(F.softmax(preds, { dim: 1 }), ref.batch_softmax[1], 1e-6);
    } finally {
      torch.set_grad_enabled(true);
    }
  });

  it("more shape / dtype mistakes: argmax output into cross_entropy, a 2-D image, a wrong reshape or flatten, wrong BatchNorm sizes", () => {
    torch.manual_seed(0);
    const m_preds = torch.randn([4, 10], { requires_grad: true });
    const m_labels = torch.tensor([1, 2, 3, 4], long);
    const m_conv = new nn.Conv2d(1, 6, 5);
    expect([
      raised(() => F.cross_entropy(m_preds.argmax({ dim: 1 }), m_labels)),
      raised(() => m_conv(torch.ones(28, 28))),
      raised(() => torch.ones(10, 12, 4, 4).reshape(-1, 12 * 5 * 5)),
      raised(() => new nn.Linear(192, 120)(torch.ones(10, 12, 4, 4))),
      raised(() => F.softmax(torch.ones(10), { dim: 1 })),
      raised(() => new nn.BatchNorm2d(6)(torch.ones(2, 12, 4, 4))),
      raised(() => new nn.BatchNorm1d(120)(torch.ones(2, 60))),
      raised(() => m_conv(torch.ones(2, 3, 28, 28))),
      raised(() => F.max_pool2d(torch.ones(1, 1, 4, 4), { kernel_size: 5 })),
      raised(() => torch.cat([torch.ones(2, 2), torch.ones(2, 2)], { dim: 2 })),
    ]).toEqual(ref.mistakes);
  });

  it("one training step by hand, then two epochs; the target mistakes of cross_entropy", () => {
    torch.manual_seed(50);
    let network = new Network();
    let loader = new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 20 });
    const [images_, labels] = firstBatch(loader);
    let preds = network(images_);
    let loss = F.cross_entropy(preds, labels);
    expect([S(loss), loss.item(), network.conv1.weight.grad === null]).toEqual([ref.step[0], expect.closeTo(ref.step[1], 6), ref.step[2]]);
    loss.backward();
    expect(S(network.conv1.weight.grad!.shape)).toBe(ref.step_grad[0]);
    expectT(network.conv1.weight.grad!.index(0, 0), ref.step_grad[1], 1e-5);
    let optimizer = new optim.Adam(network.parameters(), { lr: 0.01 });
    optimizer.step();
    preds = network(images_);
    loss = F.cross_entropy(preds, labels);
    expectNums([loss.item(), get_num_correct(preds, labels)], ref.step_after, 1e-5);
    // float labels: torch says "expected scalar type Long but found Float"; the engine's message is its own on purpose
    // (a JS number array makes a float tensor) and names the fix
    const ce = raised(() => F.cross_entropy(preds, labels.float()))!;
    expect([ce[0], ref.ce_float_target]).toEqual(["RuntimeError", ["RuntimeError", "expected scalar type Long but found Float"]]);
    expect(ce[1]).toMatch(/For labels use torch.tensor\(labels, \{ dtype: torch.long \}\)/);
    expect(raised(() => F.cross_entropy(preds, labels.index(":5")))).toEqual(ref.ce_wrong_target);

    torch.manual_seed(50);
    network = new Network();
    loader = new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 20 });
    optimizer = new optim.Adam(network.parameters(), { lr: 0.01 });
    const lines: string[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let total_loss = 0, total_correct = 0;
      for (const batch of loader) {
        const [imgs, labs] = batch;
        const p = network(imgs);
        const l = F.cross_entropy(p, labs);
        optimizer.zero_grad();
        l.backward();
        optimizer.step();
        total_loss += l.item();
        total_correct += get_num_correct(p, labs);
      }
      lines.push(`epoch: ${epoch} total_correct: ${total_correct} loss: ${total_loss}`);
    }
    const num = (l: string) => Number(l.split("loss: ")[1]);
    expect(lines.map((l) => l.split(" loss:")[0])).toEqual(ref.train.map((l: string) => l.split(" loss:")[0]));
    expectNums(lines.map(num), ref.train.map(num), 1e-5);

    // get_all_preds under @torch.no_grad(), and the confusion matrix by stack and a loop
    const get_all_preds = torch.no_grad()((model: nn.Module, ldr: Iterable<Tensor[]>) => {
      let all_preds = torch.tensor([]);
      for (const [imgs] of ldr) all_preds = torch.cat([all_preds, model(imgs) as Tensor], { dim: 0 });
      return all_preds;
    });
    const train_preds = get_all_preds(network, new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 25 }));
    expect([S(train_preds.shape), train_preds.requires_grad, S(train_preds.grad === null ? "None" : train_preds.grad), S(train_preds.grad_fn ?? "None"),
      get_num_correct(train_preds, train_y)]).toEqual(ref.all_preds);
    expect([torch.no_grad(() => network(train_x.index(":3"))).requires_grad]).toEqual(ref.no_grad_preds);
    const withGrad = network(train_x.index(":3"));
    expect([S(withGrad.grad_fn).slice(0, 15), withGrad.requires_grad]).toEqual([ref.with_grad_preds[0].slice(0, 15), ref.with_grad_preds[1]]);
    const stacked = torch.stack([train_y, train_preds.argmax({ dim: 1 })], { dim: 1 });
    expect([S(stacked.shape), S(stacked.index(":3")), stacked.index(0).tolist()]).toEqual(ref.stacked);
    const cmt = torch.zeros(10, 10, { dtype: torch.int64 });
    for (const p of stacked) {
      const [tl, pl] = p.tolist() as number[];
      cmt.index_put_([tl, pl], cmt.index(tl, pl).add(1));
    }
    expect([S(cmt), S(cmt.sum()), S(cmt.diag().sum())]).toEqual(ref.cmt);
    expect(raised(() => torch.stack([train_y, train_preds], { dim: 1 }))).toEqual(ref.cat_stack_dtype_err);
  });

  it("RunBuilder over an OrderedDict of hyper-parameters, one epoch per run as the RunManager counts it", () => {
    const params = new Map<string, unknown[]>([["lr", [0.01, 0.001]], ["batch_size", [10, 20]], ["shuffle", [false]]]);
    type Run = { lr: number; batch_size: number; shuffle: boolean };
    const pyval = (v: unknown) => (typeof v === "boolean" ? (v ? "True" : "False") : Number.isInteger(v) && params.get("lr")!.includes(v) ? `${v}.0` : S(v));
    const get_runs = (p: Map<string, unknown[]>): Run[] => {
      let combos: unknown[][] = [[]];
      for (const values of p.values()) combos = combos.flatMap((c) => values.map((v) => [...c, v]));
      const keys = [...p.keys()];
      return combos.map((v) => {
        const run = Object.fromEntries(keys.map((k, i) => [k, v[i]])) as Run;
        Object.defineProperty(run, "toString", { value: () => `Run(${keys.map((k, i) => `${k}=${pyval(v[i])}`).join(", ")})` });
        return run;
      });
    };
    const runs = get_runs(params);
    expect(runs.map(S)).toEqual(ref.runs);
    const results: number[][] = [];
    for (const run of runs) {
      torch.manual_seed(50);
      const network = new Network();
      const loader = new DataLoader(new TensorDataset(train_x, train_y), { batch_size: run.batch_size, shuffle: run.shuffle });
      const optimizer = new optim.Adam(network.parameters(), { lr: run.lr });
      let epoch_loss = 0, epoch_num_correct = 0;
      for (const [imgs, labels] of loader) {
        const preds = network(imgs);
        const loss = F.cross_entropy(preds, labels);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        epoch_loss += loss.item() * loader.batch_size!;
        epoch_num_correct += preds.argmax({ dim: 1 }).eq(labels).sum().item();
      }
      results.push([run.lr, run.batch_size, epoch_loss / loader.dataset.length, epoch_num_correct / loader.dataset.length]);
    }
    expectNums(results.flat(), ref.run_results.flat(), 1e-5);
  });

  it("batch norm: two nn.Sequential nets trained side by side, the running stats, eval, and a batch of one", () => {
    const body = (bn: boolean) => [
      new nn.Conv2d({ in_channels: 1, out_channels: 6, kernel_size: 5 }), new nn.ReLU(), new nn.MaxPool2d({ kernel_size: 2, stride: 2 }), ...(bn ? [new nn.BatchNorm2d(6)] : []),
      new nn.Conv2d({ in_channels: 6, out_channels: 12, kernel_size: 5 }), new nn.ReLU(), new nn.MaxPool2d({ kernel_size: 2, stride: 2 }),
      new nn.Flatten({ start_dim: 1 }), new nn.Linear({ in_features: 12 * 4 * 4, out_features: 120 }), new nn.ReLU(), ...(bn ? [new nn.BatchNorm1d(120)] : []),
      new nn.Linear({ in_features: 120, out_features: 60 }), new nn.ReLU(), new nn.Linear({ in_features: 60, out_features: 10 })];
    torch.manual_seed(50);
    const network1 = new nn.Sequential(...body(false));
    torch.manual_seed(50);
    const network2 = new nn.Sequential(...body(true));
    expect([S(network2), S(network2.get(3)), S(network2.get(10))]).toEqual(ref.seq_repr);
    const bn: number[][] = [];
    for (const net of [network1, network2]) {
      const opt = new optim.Adam(net.parameters(), { lr: 0.01 });
      const losses: number[] = [];
      for (const batch of new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 20 })) {
        const loss = F.cross_entropy(net(batch[0]), batch[1]);
        opt.zero_grad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      bn.push(losses);
    }
    // Adam's first steps move each weight by ~lr whatever its gradient's size, so float32 rounding shows by the third
    // loss: torch's own float32 and float64 runs differ by 1e-3 there (0.5e-3 here)
    expectNums(bn.flat(), ref.bn_losses.flat(), 2e-3);
    const bn2 = network2.get(3) as nn.BatchNorm2d;
    expectT(bn2.running_mean!, ref.bn_state[0], 1e-2);
    expectT(bn2.running_var!, ref.bn_state[1], 1e-2);
    expect([bn2.num_batches_tracked!.item(), Object.keys(network2.state_dict())]).toEqual(ref.bn_state.slice(2));
    network2.eval();
    expectT(network2(train_x.index(":2")), ref.bn_eval, 2e-2);
    expect(raised(() => network2.train()(train_x.index(":1")))).toEqual(ref.bn1d_single);
    expect(raised(() => new nn.Sequential(new nn.Conv2d(1, 6, 5), new nn.Linear(6 * 24 * 24, 10))(train_x.index(":2")))).toEqual(ref.flatten_missing);
    torch.manual_seed(50);
    const seq3 = new nn.Sequential(new Map<string, nn.Module>([["conv1", new nn.Conv2d(1, 6, 5)], ["relu1", new nn.ReLU()], ["flat", new nn.Flatten({ start_dim: 1 })],
      ["out", new nn.Linear(6 * 24 * 24, 10)]]));
    expect([S(seq3), S((seq3 as unknown as Record<string, nn.Module>).conv1), S(seq3(train_x.index(":1")).shape)]).toEqual(ref.seq_named);
  });

  it("the data set's mean and std, at once and by a loop over a loader", () => {
    const data = firstBatch(new DataLoader(new TensorDataset(train_x, train_y), { batch_size: train_x.shape[0], num_workers: 0 }));
    expect([S(data[0].mean()), S(data[0].std())]).toEqual(ref.mean_std);
    const loader = new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 16 });
    const num_of_pixels = train_x.shape[0] * 28 * 28;
    let total_sum: Tensor | number = 0;
    for (const batch of loader) total_sum = batch[0].sum().add(total_sum);
    const mean = (total_sum as Tensor).div(num_of_pixels);
    let sum_of_squared_error: Tensor | number = 0;
    for (const batch of loader) sum_of_squared_error = batch[0].sub(mean).pow(2).sum().add(sum_of_squared_error);
    const std = torch.sqrt((sum_of_squared_error as Tensor).div(num_of_pixels));
    expect([S(mean), S(std)]).toEqual(ref.mean_std_loop);
  });
});

class Net extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 64);
  fc2 = new nn.Linear(64, 64);
  fc3 = new nn.Linear(64, 64);
  fc4 = new nn.Linear(64, 10);
  forward(x: Tensor): Tensor {
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    x = F.relu(this.fc3(x));
    x = this.fc4(x);
    return F.log_softmax(x, { dim: 1 });
  }
}

class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 5);
  conv2 = new nn.Conv2d(32, 64, 5);
  conv3 = new nn.Conv2d(64, 128, 5);
  _to_linear: number | null = null;
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    const x = torch.randn(50, 50).view(-1, 1, 50, 50);
    this.convs(x);
    this.fc1 = new nn.Linear(this._to_linear!, 512);
    this.fc2 = new nn.Linear(512, 2);
  }
  convs(x: Tensor): Tensor {
    x = F.max_pool2d(F.relu(this.conv1(x)), [2, 2]);
    x = F.max_pool2d(F.relu(this.conv2(x)), [2, 2]);
    x = F.max_pool2d(F.relu(this.conv3(x)), [2, 2]);
    if (this._to_linear === null) this._to_linear = x.index(0).shape[0] * x.index(0).shape[1] * x.index(0).shape[2];
    return x;
  }
  forward(x: Tensor): Tensor {
    x = this.convs(x);
    x = x.view(-1, this._to_linear!);
    x = F.relu(this.fc1(x));
    x = this.fc2(x);
    return F.softmax(x, { dim: 1 });
  }
}

describe("sentdex: pythonprogramming.net's Deep learning with PyTorch", () => {
  it("the tensor intro: Tensor products, zeros, rand and view", () => {
    const x = torch.Tensor([5, 3]), y = torch.Tensor([2, 1]);
    expect([S(x.mul(y))]).toEqual(ref.s_intro);
    const z = torch.zeros([2, 5]);
    expect([S(z), S(z.shape)]).toEqual(ref.s_zeros);
    torch.manual_seed(0);
    let r = torch.rand([2, 5]);
    expect([S(r), S(r.view([1, 10])), S(r)]).toEqual(ref.s_view);
    r = r.view([1, 10]);
    expect(S(r)).toBe(ref.s_view2);
    expect(raised(() => r.view([3, 3]))).toEqual(ref.s_view_err);
  });

  it("the four-Linear Net trained with net.zero_grad() and nll_loss, its accuracy and balance loops", () => {
    torch.manual_seed(1);
    const net = new Net();
    expect(S(net)).toBe(ref.s_net_repr);
    let X = torch.randn([28, 28]);
    X = X.view(-1, 28 * 28);
    let output = net(X);
    expect(S(output)).toBe(ref.s_output);
    expect(raised(() => net(torch.randn([28, 28])))).toEqual(ref.s_no_view);
    expect(raised(() => net(torch.randn([2, 1, 28, 28])))).toEqual(ref.s_no_view_batch);
    const trainset = new DataLoader(new TensorDataset(train_x, train_y), { batch_size: 10, shuffle: false });
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.001 });
    const s_losses: string[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let loss!: Tensor;
      for (const [Xb, yb] of trainset) {
        net.zero_grad();
        output = net(Xb.view(-1, 784));
        loss = F.nll_loss(output, yb);
        loss.backward();
        optimizer.step();
      }
      s_losses.push(S(loss));
    }
    expect(s_losses).toEqual(ref.s_train);
    let correct = 0, total = 0;
    let last: [Tensor, Tensor, Tensor, number] = [null!, null!, null!, 0];
    torch.no_grad(() => {
      for (const [Xb, yb] of trainset) {
        output = net(Xb.view(-1, 784));
        [...output].forEach((i, idx) => {
          if (torch.argmax(i).eq(yb.index(idx)).item()) correct += 1;
          total += 1;
          last = [Xb, yb, i, idx];
        });
      }
    });
    expect(["Accuracy: ", Math.round((correct / total) * 1000) / 1000]).toEqual(ref.s_accuracy);
    const [Xl, yl, il, idxl] = last;
    expect([S(torch.argmax(net(Xl.index(0).view(-1, 784)).index(0))), S(yl.index(0)), S(torch.argmax(il).eq(yl.index(idxl)))]).toEqual(ref.s_argmax);
    const counter_dict: number[] = new Array(10).fill(0);
    total = 0;
    for (const [, ys] of trainset) for (const yv of ys) { counter_dict[Number(yv.item())] += 1; total += 1; }
    expectNums(counter_dict.map((c) => (c / total) * 100.0), ref.s_balance, 1e-12);
    expect(raised(() => F.nll_loss(output, F.one_hot(torch.tensor([1, 2], long), 10).float()))).toEqual(ref.s_nll_onehot);
    expectT(F.nll_loss(torch.tensor([[0.2, 0.8], [0.6, 0.4]]), torch.tensor([1, 0], long)), ref.s_nll_no_log, 1e-6);
  });

  it("the cats-vs-dogs ConvNet: _to_linear by a forward pass, MSELoss on one-hot targets, accuracy, fwd_pass, save / load", () => {
    torch.manual_seed(2);
    const cnet = new ConvNet();
    expect([cnet._to_linear, S(cnet), [...cnet.parameters()].reduce((s, p) => s + p.numel(), 0)]).toEqual(ref.s_convnet);
    const [cx, cy] = images(5, 24, 1, 50, 50, 2);
    const X = cx.view(-1, 50, 50);
    const y = torch.eye(2).index(cy);
    const VAL_PCT = 0.25;
    const val_size = Math.trunc(X.shape[0] * VAL_PCT);
    const [train_X, train_Y] = [X.index(`:-${val_size}`), y.index(`:-${val_size}`)];
    const [test_X, test_Y] = [X.index(`-${val_size}:`), y.index(`-${val_size}:`)];
    expect([train_X.shape[0], test_X.shape[0], S(train_Y.index(":2"))]).toEqual(ref.s_split);
    const optimizer = new optim.Adam(cnet.parameters(), { lr: 0.001 });
    const loss_function = new nn.MSELoss();
    const BATCH_SIZE = 6;
    const c_losses: (number | string)[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let loss!: Tensor;
      for (let i = 0; i < train_X.shape[0]; i += BATCH_SIZE) {
        const batch_X = train_X.index(`${i}:${i + BATCH_SIZE}`).view(-1, 1, 50, 50);
        const batch_y = train_Y.index(`${i}:${i + BATCH_SIZE}`);
        cnet.zero_grad();
        const outputs = cnet(batch_X);
        loss = loss_function(outputs, batch_y);
        loss.backward();
        optimizer.step();
        c_losses.push(loss.item());
      }
      c_losses.push(`Epoch: ${epoch}. Loss: ${loss.item()}`);
    }
    const nums = (v: (number | string)[]) => v.map((e) => (typeof e === "number" ? e : Number(e.split("Loss: ")[1])));
    expect(c_losses.map((e) => (typeof e === "string" ? e.split("Loss:")[0] : "#"))).toEqual(ref.s_conv_train.map((e: number | string) => (typeof e === "string" ? e.split("Loss:")[0] : "#")));
    expectNums(nums(c_losses), nums(ref.s_conv_train), 1e-5);
    let correct = 0, total = 0;
    let net_out!: Tensor;
    torch.no_grad(() => {
      for (let i = 0; i < test_X.shape[0]; i++) {
        const real_class = torch.argmax(test_Y.index(i));
        net_out = cnet(test_X.index(i).view(-1, 1, 50, 50)).index(0);
        const predicted_class = torch.argmax(net_out);
        if (predicted_class.eq(real_class).item()) correct += 1;
        total += 1;
      }
    });
    expect(["Accuracy: ", Math.round((correct / total) * 1000) / 1000, S(net_out)]).toEqual(ref.s_conv_acc);
    const fwd_pass = (Xb: Tensor, yb: Tensor, train = false): [number, Tensor] => {
      if (train) cnet.zero_grad();
      const outputs = cnet(Xb);
      const matches = [...outputs].map((i, k) => torch.argmax(i).eq(torch.argmax(yb.index(k))));
      const acc = matches.filter((m) => m.item()).length / matches.length;
      const loss = loss_function(outputs, yb);
      if (train) {
        loss.backward();
        optimizer.step();
      }
      return [acc, loss];
    };
    const [acc, loss] = fwd_pass(train_X.index(":6").view(-1, 1, 50, 50), train_Y.index(":6"), true);
    expect([acc, S(loss)]).toEqual(ref.s_fwd_pass);
    const [val_acc, val_loss] = torch.no_grad(() => fwd_pass(test_X.view(-1, 1, 50, 50), test_Y));
    expect([val_acc, S(val_loss)]).toEqual(ref.s_fwd_val);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(raised(() => loss_function(cnet(test_X.view(-1, 1, 50, 50)), cy.index(`-${val_size}:`)))).toEqual(ref.s_mse_shape_warn_err);
    } finally {
      warn.mockRestore();
    }
    expect([S(cnet(test_X.index(":2").view(-1, 50, 50).index("0:1")).shape)]).toEqual(ref.s_conv_no_channel);
    expect(raised(() => cnet(test_X.index(":2")))).toEqual(ref.s_conv_wrong_view);
    torch.save(cnet.state_dict(), "beginner_series2_cnet.pt");
    torch.manual_seed(9);
    const cnet2 = new ConvNet();
    expect([S(cnet2.load_state_dict(torch.load("beginner_series2_cnet.pt") as never)), torch.equal(cnet2.fc2.weight, cnet.fc2.weight)]).toEqual(ref.s_load);
    expect(raised(() => new Net().load_state_dict(cnet.state_dict()))).toEqual(ref.s_load_err);
    cnet.zero_grad();
    expect([cnet.fc2.weight.grad === null, S(cnet.fc2.weight.grad)]).toEqual(ref.s_zero_grad);
  });
});
