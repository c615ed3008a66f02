/**
 * A cold probe of NeuromatchAcademy/course-content-dl (Neuromatch Academy's Deep Learning course), week 1, translated
 * as a learner would from the instructor notebooks' solutions:
 * W1D1_BasicsAndPytorch/W1D1_Tutorial1 (tensor construction and printing, seeds, ranges, exercises 2.1-2.3, indexing,
 * reshape / squeeze / permute / cat, numpy and Python scalars, devices, simpleFun, the CIFAR10 loader with a seeded
 * generator and Grayscale, NaiveNet with its predict and train loop), W1D2_LinearDeepLearning/W1D2_Tutorial1
 * (SimpleGraph with sq_loss, grad_fn names, analytical vs autograd gradients, WideNet with MSELoss and SGD momentum and
 * the train loop) and W1D2_Tutorial3's ex_initializer_ and ex_net_rsm, W1D3_MultiLayerPerceptrons/W1D3_Tutorial1
 * (approximate_function with shifted ReLUs, the general Net built with add_module, cross_entropy_loss by hand, the
 * spiral data set, shuffle_and_split_data, train_test_classification, sample_grid and the decision map, run_LIF and
 * the transfer curve) with W1D3_Tutorial2's parameter count, W1D5_Optimization/W1D5_Tutorial1 (MLP with log_softmax and
 * F.nll_loss, print_params, zero_grad, random_update, gradient_update, momentum_update, rmsprop_update,
 * sample_minibatch, and SGD / RMSprop / Adam on minibatches), plus the mistakes a learner typically makes there, whose
 * errors are compared with torch's.
 * make_moons, CIFAR10 and MNIST are seeded torch stand-ins (moons(), images() below, helpers.ts's syntheticDigits),
 * built by the same calls in scripts/fixtures/neuromatch_w1_fixtures.py -> tests/fixtures/torch/tutorials/neuromatch_w1.json;
 * np.vander and np.random.choice are torch.vander and torch.randint; widths, sample counts and epochs are cut.
 *
 * Python forms written otherwise: f"{t}" of a 0-dim tensor (Tensor.__format__ prints the item) -> `${t.item()}`,
 * f"{acc:0.2f}" -> pyFixed (Python rounds a tie half to even), `x[i] = v` -> index_put_, `par.data -= d` ->
 * par.data.sub_(d), `eval('nn.%s' % actv)` -> a table of the two activations the notebook names, `enumerate(labels)` ->
 * [...labels].entries(), `if t > t_rest:` -> t.gt(t_rest).item(), float(a) / int(a) -> a.item() / Math.trunc,
 * grad_fn's "<AddBackward0 object at 0x...>" -> "<AddBackward0>" (the fixture cuts the address), f"{loss.item()}" of an
 * integral float -> pyFloat (Python prints 49.0). x.numpy() is a flat typed array here (no NumPy), so
 * torch.tensor(x.numpy()) gets a .reshape(x.shape).
 * Known differences kept visible: integer literals need { dtype: torch.int64 } (JavaScript numbers cannot tell 7 from
 * 7.0); CrossEntropyLoss / nll_loss with float class labels raise the engine's longer hint instead of torch's
 * "expected scalar type Long but found Float", and a matmul of int64 by float32 appends a hint to torch's text.
 */
import { describe, expect, it, vi } from "vitest";
import { copy, nn, optim, torch, torchvision, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, syntheticDigits, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("neuromatch_w1.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { DataLoader, TensorDataset } = utils.data;
const F = nn.functional;
const long = { dtype: torch.int64 };
const DEVICE = torch.cuda.is_available() ? "cuda" : "cpu";

/** Python's f"{x:.{d}f}": a tie (exact in binary) rounds half to even, where toFixed rounds it up. */
function pyFixed(x: number, d: number): string {
  const s = x * 10 ** d;
  if (Number.isInteger(s * 2) && !Number.isInteger(s)) {
    const f = Math.floor(s);
    return ((f % 2 === 0 ? f : f + 1) / 10 ** d).toFixed(d);
  }
  return x.toFixed(d);
}

/** Python's str() of a float: an integral value keeps its ".0". */
const pyFloat = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** make_moons(n, noise=0.1)'s stand-in: two interleaving half circles, labels 0 / 1 alternating, seeded noise. */
function moons(n: number, seed: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const t = torch.rand([n], { generator: g }).mul(Math.PI);
  const y = torch.arange(n).remainder(2);
  const x0 = torch.where(y.eq(0), torch.cos(t), torch.cos(t).neg().add(1));
  const x1 = torch.where(y.eq(0), torch.sin(t), torch.sin(t).neg().add(0.5));
  const X = torch.stack([x0, x1], { dim: 1 }).add(torch.randn([n, 2], { generator: g }).mul(0.1));
  return [X, y];
}

/** CIFAR10's stand-in: n 3x8x8 images in [0, 1) and labels 0-9. */
function images(n: number, seed: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  return [torch.rand([n, 3, 8, 8], { generator: g }), torch.randint(0, 10, [n], { generator: g })];
}

/** The warnings fn prints (console.warn), without their "UserWarning: " prefix. */
function warningsOf(fn: () => void): string[] {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    fn();
    return warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""));
  } finally {
    warn.mockRestore();
  }
}

describe("W1D1: Basics and PyTorch", () => {
  const r = ref.w1d1;
  it("constructs, seeds and prints tensors as torch does (section 2.1 and coding exercise 2.1)", () => {
    const a = torch.tensor([0, 1, 2], long);
    const b = torch.tensor([[1.0, 1.1], [1.2, 1.3]]);
    const c = torch.tensor(torch.ones([2, 3], { dtype: torch.float64 }).numpy()).reshape(2, 3); // np.ones([2, 3]); numpy() is flat
    expect([`Tensor a: ${a}`, `Tensor b: ${b}`, `Tensor c: ${c}`]).toEqual(r.construct);
    const x = torch.ones(5, 3), y = torch.zeros(2), z = torch.empty(1, 1, 5);
    expect([`Tensor x: ${x}`, `Tensor y: ${y}`, [...z.shape]]).toEqual(r.constructors);
    torch.manual_seed(0);
    const ra = torch.rand(1, 3), rb = torch.randn(3, 4), rc = torch.zeros_like(ra), rd = torch.rand_like(rc);
    expect([ra, rb, rc, rd].map(String)).toEqual(r.random);
    expect([`Tensor a: ${torch.arange(0, 10, { step: 1 })}\n`, `Tensor c: ${torch.linspace(0, 5, { steps: 11 })}\n`]).toEqual(r.ranges);

    const tensor_creation = (Z: Tensor) => [torch.ones(20, 21), torch.tensor(Z), torch.rand_like(torch.ones(20, 21)), torch.arange(4, 41, { step: 2 })];
    torch.manual_seed(1);
    const Z = torch.vander(torch.tensor([1, 2, 3], long), { N: 4 });
    let A!: Tensor, B!: Tensor, C!: Tensor, D!: Tensor;
    warningsOf(() => ([A, B, C, D] = tensor_creation(Z))); // torch.tensor(tensor)'s copy warning (the notebook passes numpy)
    expect(torch.equal(A.to(torch.int64), torch.ones(20, 21).to(torch.int64))).toBe(true);
    expect(torch.equal(D, torch.arange(4, 41, { step: 2 }))).toBe(true);
    expect([String(B), [...C.shape]]).toEqual(r.exercise_2_1.slice(0, 2));
    expectNums([C.sum().item()], [r.exercise_2_1[2]], 1e-6);
    expect(String(D)).toBe(r.exercise_2_1[3]);
  });

  it("operations, matrix products, indexing and manipulation (sections 2.2-2.3, exercises 2.2 and 2.3)", () => {
    torch.manual_seed(2);
    const a = torch.ones(5, 3), b = torch.rand(5, 3), c = torch.empty(5, 3), d = torch.empty(5, 3);
    torch.add(a, b, { out: c });
    torch.multiply(a, b, { out: d });
    expect([String(c), String(d)]).toEqual(r.out);
    const x = torch.tensor([1, 2, 4, 8], long), y = torch.tensor([1, 2, 3, 4], long);
    expect([x.add(y), x.sub(y), x.mul(y), x.div(y), x.pow(y)].map(String)).toEqual(r.operators);
    torch.manual_seed(3);
    const m = torch.rand(3, 3);
    expect([String(m), `Sum of every element of x: ${m.sum().item()}`, `Sum of the columns of x: ${m.sum({ axis: 0 })}`,
      `Sum of the rows of x: ${m.sum({ axis: 1 })}`, `Mean value of all elements of x ${m.mean().item()}`,
      `Mean values of the columns of x ${m.mean({ axis: 0 })}`, `Mean values of the rows of x ${m.mean({ axis: 1 })}`]).toEqual(r.methods);

    const simple_operations = (a1: Tensor, a2: Tensor, a3: Tensor) => a1.matmul(a2).add(a3);
    const dot_product = (b1: Tensor, b2: Tensor) => torch.dot(b1, b2);
    expect([String(simple_operations(torch.tensor([[2, 4], [5, 7]], long), torch.tensor([[1, 1], [2, 3]], long), torch.tensor([[10, 10], [12, 1]], long))),
      String(dot_product(torch.tensor([3, 5, 7], long), torch.tensor([2, 4, 8], long)))]).toEqual(r.exercise_2_2);

    const xi = torch.arange(0, 10);
    expect([xi, xi.index(-1), xi.index("1:3"), xi.index(":-2")].map(String)).toEqual(r.indexing);
    torch.manual_seed(4);
    const x5 = torch.rand(1, 2, 3, 4, 5);
    expect([` shape of x[0]:${x5.index(0).shape}`, ` shape of x[0][0]:${x5.index(0).index(0).shape}`, ` shape of x[0][0][0]:${x5.index(0).index(0).index(0).shape}`]).toEqual(r.shapes5d);
    let z = torch.arange(12).reshape(6, 2);
    const zs = [`Original z: \n ${z}`];
    z = z.flatten();
    zs.push(`Flattened z: \n ${z}`);
    z = z.reshape(3, 4);
    zs.push(`Reshaped (3x4) z: \n ${z}`);
    expect(zs).toEqual(r.reshape);
    torch.manual_seed(5);
    let s = torch.randn(1, 10);
    const sq = [String(s.shape), `x[0]: ${s.index(0)}`];
    s = s.squeeze(0);
    sq.push(String(s.shape), `x[0]: ${s.index(0).item()}`);
    let u = torch.randn(5, 5);
    sq.push(`Shape of y: ${u.shape}`);
    u = u.unsqueeze(1);
    sq.push(`Shape of y: ${u.shape}`, String(torch.rand(3, 48, 64).permute(1, 2, 0).shape));
    expect(sq).toEqual(r.squeeze_permute);
    const cx = torch.arange(12, { dtype: torch.float32 }).reshape([3, 4]);
    const cy = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]);
    const cat_rows = torch.cat([cx, cy], { dim: 0 }), cat_cols = torch.cat([cx, cy], { dim: 1 });
    expect([`Concatenated by rows: shape[${cat_rows.shape.join(", ")}] \n ${cat_rows}`, `\n Concatenated by colums: shape[${cat_cols.shape.join(", ")}]  \n ${cat_cols}`]).toEqual(r.cat);
    torch.manual_seed(6);
    const xn = torch.randn(5);
    const yn = xn.numpy();
    const zt = torch.tensor(yn);
    expect([`x: ${xn}  |  x type:  ${xn.type()}`, `z: ${zt}  |  z type:  ${zt.type()}`]).toEqual(r.numpy.slice(0, 2));
    expectNums(Array.from(yn as ArrayLike<number>), r.numpy[2], 0);
    const sa = torch.tensor([3.5]);
    expect([String(sa), sa.item(), sa.item(), Math.trunc(sa.item())]).toEqual(r.scalars);

    const functionA = (t1: Tensor, t2: Tensor) => t1.sum({ axis: 0 }).mul(t2.sum());
    const functionB = (t: Tensor) => {
      t = t.flatten();
      const idx_tensor = torch.arange(0, t.shape[0]);
      return torch.cat([idx_tensor.unsqueeze(1), t.unsqueeze(1)], { axis: 1 });
    };
    const functionC = (t1: Tensor, t2: Tensor) => {
      if (torch.numel(t1) === torch.numel(t2)) return t1.add(t2.reshape(t1.shape));
      return torch.cat([t1.reshape(1, -1), t2.reshape(1, -1)], { axis: 1 }).squeeze();
    };
    const D = torch.tensor([[1, -1], [-1, 3]], long);
    expect([functionA(torch.tensor([[1, 1], [1, 1]], long), torch.tensor([[1, 2, 3], [1, 2, 3]], long)), functionB(torch.tensor([[2, 3], [-1, 10]], long)),
      functionC(D, torch.tensor([[2, 3, 0, 2]], long)), functionC(D, torch.tensor([[2, 3, 0]], long))].map(String)).toEqual(r.exercise_2_3);
  });

  it("devices, simpleFun, and the CIFAR10 loader with its grayscale transform (sections 2.4-2.5)", () => {
    torch.manual_seed(7);
    const x = torch.randn(2, 2, { device: DEVICE });
    const y = torch.randn(2, 2);
    expect([String(torch.randn(10).device), torch.cuda.is_available(), String(x.dtype), String(x.device),
      `y before calling to() | device: ${y.device} | dtype: ${y.type()}`, `y after calling to() | device: ${y.to(DEVICE).device} | dtype: ${y.to(DEVICE).type()}`,
      String(torch.tensor([0, 1, 2], { device: DEVICE, dtype: torch.int64 }).to("cpu").add(torch.tensor([3, 4, 5], { device: "cpu", dtype: torch.int64 })))]).toEqual(r.device);
    const simpleFun = (dim: number, device: string) => {
      const sx = torch.rand(dim, dim).to(device);
      const sy = torch.rand_like(sx).to(device);
      const sz = torch.ones(dim, dim).to(device).mul(2);
      return [sx.mul(sy), sx.matmul(sz)];
    };
    torch.manual_seed(8);
    const [sa, sb] = simpleFun(3, DEVICE);
    expectT(sa, r.simpleFun[0], 1e-6);
    expectT(sb, r.simpleFun[1], 1e-6);

    const [cifar_x, cifar_y] = images(6, 2021);
    const image = cifar_x.index(3), label = cifar_y.index(3).item();
    const gray = new torchvision.transforms.Compose([new torchvision.transforms.Grayscale()])(image) as Tensor;
    const g_seed = new torch.Generator();
    g_seed.manual_seed(2021);
    const loader = new DataLoader(new TensorDataset(cifar_x, cifar_y), { batch_size: 4, shuffle: true, generator: g_seed });
    const [batch_images, batch_labels] = loader[Symbol.iterator]().next().value as Tensor[];
    expect([label, [...image.shape], [...image.permute(1, 2, 0).shape]]).toEqual(r.data.slice(0, 3));
    expectT(gray, r.data[3], 1e-6);
    expect([[...batch_images.shape], String(batch_labels), [...batch_images.index(0).permute(1, 2, 0).shape]]).toEqual(r.data.slice(4));
  });

  class NaiveNet extends nn.Module {
    layers = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
    forward(x: Tensor): Tensor {
      return this.layers(x);
    }
    predict(x: Tensor): Tensor {
      return torch.argmax(this.forward(x), 1);
    }
    // the notebook's placeholder train(X, y) shadows Module.train, as in Python
    override train(...X_y: unknown[]): this {
      void X_y;
      return this;
    }
  }

  it("NaiveNet on the moons: structure, a forward pass, predictions and the SGD loop (section 3), and the learner's errors", () => {
    const [X_orig, y_orig] = moons(32, 0);
    const X = torch.tensor(X_orig.numpy(), { dtype: torch.float32 }).reshape(X_orig.shape).to(DEVICE); // numpy() is flat
    const y = torch.from_numpy(y_orig.numpy()).type(torch.LongTensor).to(DEVICE);
    torch.manual_seed(2021);
    const model = new NaiveNet().to(DEVICE);
    const X_samples = X.index("0:5");
    const output = model.forward(X_samples);
    expect([String(model), `Size X:${X.shape}`, `Size y:${y.shape}`, String(X_samples), String(output), String(model.predict(X_samples))]).toEqual(r.naive);
    const loss_function = new nn.CrossEntropyLoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const loss = loss_function(model.forward(X), y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.naive_losses, 1e-5);

    const e = r.errors;
    expect(raised(() => torch.dot(torch.tensor([3, 5, 7], long), torch.tensor([2.0, 4.0, 8.0])))).toEqual(e.dot_mixed);
    expect(raised(() => torch.dot(torch.ones(2, 2), torch.ones(2, 2)))).toEqual(e.dot_2d);
    expect(raised(() => torch.cat([torch.tensor([[1, -1], [-1, 3]], long), torch.tensor([[2, 3, 0]], long)], { axis: 1 }))).toEqual(e.cat_sizes);
    expect(raised(() => torch.tensor([[2, 3, 0]], long).reshape(torch.tensor([[1, -1], [-1, 3]], long).shape))).toEqual(e.reshape);
    const mm = raised(() => torch.tensor([[2, 4], [5, 7]], long).matmul(torch.tensor([[1.0, 1.0], [2.0, 3.0]])))!;
    expect([mm[0], mm[1].startsWith(e.matmul_int_float[1])]).toEqual([e.matmul_int_float[0], true]); // + the engine's hint
    expect(raised(() => model.forward(X_orig.to(torch.float64)))).toEqual(e.linear_double);
    expect(raised(() => loss_function(model.forward(X), y.float()))![0]).toBe(e.ce_float_labels[0]); // the engine's hint: see the header
    expect(raised(() => X_samples.item())).toEqual(e.item_many);
    expect(raised(() => output.numpy())).toEqual(e.numpy_grad);
    expect(raised(() => torch.zeros(-1, 2))).toEqual(e.zeros_negative);
    expect(raised(() => torch.randint(0, 10, [-3]))).toEqual(e.randint_negative);
  });
});

describe("W1D2: Linear deep learning", () => {
  const r = ref.w1d2;
  it("SimpleGraph: forward, sq_loss, grad_fn names, and autograd's gradients equal to the analytical ones", () => {
    class SimpleGraph {
      w: Tensor;
      b: Tensor;
      constructor(w: number, b: number) {
        this.w = torch.tensor([w], { requires_grad: true });
        this.b = torch.tensor([b], { requires_grad: true });
      }
      forward(x: Tensor): Tensor {
        return torch.tanh(x.mul(this.w).add(this.b));
      }
    }
    const sq_loss = (y_true: Tensor, y_prediction: Tensor) => y_true.sub(y_prediction).pow(2);
    const feature = torch.tensor([1], long), target = torch.tensor([7], long);
    const simple_graph = new SimpleGraph(-0.5, 0.5);
    const prediction = simple_graph.forward(feature);
    const square_loss = sq_loss(target, prediction);
    expect([`initial weight = ${simple_graph.w.item()}, \ninitial bias = ${simple_graph.b.item()}`,
      `for x=${feature.item()} and y=${target.item()}, prediction=${pyFloat(prediction.item())}, and L2 Loss = ${pyFloat(square_loss.item())}`]).toEqual(r.graph);
    const a = torch.tensor([1.0], { requires_grad: true }), b = torch.tensor([-1.0], { requires_grad: true });
    expect([`Gradient function = ${a.add(b).grad_fn}`, String(prediction.grad_fn), String(square_loss.grad_fn)]).toEqual(r.grad_fn);
    const p = prediction.detach();
    const ana_dloss_dw = feature.mul(-2).mul(target.sub(p)).mul(p.pow(2).neg().add(1));
    const ana_dloss_db = target.sub(p).mul(-2).mul(p.pow(2).neg().add(1));
    square_loss.backward();
    expect([String(ana_dloss_dw.eq(simple_graph.w.grad!)), String(ana_dloss_db.eq(simple_graph.b.grad!)), String(simple_graph.w.grad), String(simple_graph.b.grad),
      String(ana_dloss_dw)]).toEqual(r.backward);
  });

  it("WideNet: its print, one training iteration, the train loop, and the learner's shape and dtype slips", () => {
    class WideNet extends nn.Module {
      layers = new nn.Sequential(new nn.Linear(1, 32), new nn.Tanh(), new nn.Linear(32, 1));
      forward(x: Tensor): Tensor {
        return this.layers(x);
      }
    }
    torch.manual_seed(2021);
    const n_samples = 16;
    const inputs = torch.linspace(-1.0, 1.0, n_samples).reshape(n_samples, 1);
    const noise = torch.randn(n_samples, 1).div(4);
    const targets = torch.sin(inputs.mul(Math.PI)).add(noise);
    torch.manual_seed(2021);
    const wide_net = new WideNet();
    const loss_function = new nn.MSELoss();
    const sgd_optimizer = new torch.optim.SGD(wide_net.parameters(), { lr: 0.003, momentum: 0.9 });
    sgd_optimizer.zero_grad();
    const loss = loss_function(wide_net(inputs), targets);
    const first = loss.item();
    loss.backward();
    sgd_optimizer.step();
    const train = (features: Tensor, labels: Tensor, model: nn.Module, loss_fun: nn.MSELoss, optimizer: optim.SGD, n_epochs: number) => {
      const loss_record: number[] = [];
      for (let i = 0; i < n_epochs; i++) {
        optimizer.zero_grad();
        const l = loss_fun(model(features), labels);
        l.backward();
        optimizer.step();
        loss_record.push(l.item());
      }
      return loss_record;
    };
    torch.manual_seed(2021);
    const losses = train(inputs, targets, wide_net, loss_function, sgd_optimizer, 5);
    expect(String(wide_net)).toBe(r.widenet[0]);
    expectNums([first], [Number(r.widenet[1].slice("Loss: ".length))], 1e-6);
    expectNums(losses, r.widenet[2], 1e-5);
    expectT(wide_net(inputs.index(":4")), r.widenet[3], 1e-5);
    let mistake = 0;
    const w = warningsOf(() => (mistake = loss_function(wide_net(inputs), targets.squeeze()).item()));
    expectNums([mistake], [r.mse_shape_mistake[0]], 1e-5);
    expect(w).toEqual([r.mse_shape_mistake[1]]);
    expect(raised(() => loss_function(wide_net(inputs), torch.ones([n_samples, 1], long)).backward())).toEqual(r.mse_long_target);
  });

  it("Tutorial 3: ex_initializer_ re-draws each weight with nn.init.normal_, and the RSM of the hidden layer", () => {
    class LNNet extends nn.Module {
      in_hid: nn.Linear;
      hid_out: nn.Linear;
      constructor(in_dim: number, hid_dim: number, out_dim: number) {
        super();
        this.in_hid = new nn.Linear(in_dim, hid_dim, { bias: false });
        this.hid_out = new nn.Linear(hid_dim, out_dim, { bias: false });
      }
      forward(x: Tensor): [Tensor, Tensor] {
        const hid = this.in_hid(x);
        return [this.hid_out(hid), hid];
      }
    }
    const ex_initializer_ = (model: nn.Module, gamma = 1e-12) => {
      for (const weight of model.parameters()) {
        const [n_out, n_in] = weight.shape;
        nn.init.normal_(weight, { mean: 0.0, std: gamma / Math.sqrt(n_in + n_out) });
      }
    };
    const ex_net_rsm = (h: Tensor) => h.matmul(h.T);
    torch.manual_seed(2021);
    const lnnet = new LNNet(4, 3, 5);
    ex_initializer_(lnnet, 0.5);
    const [out, hid] = lnnet.forward(torch.eye(4));
    expect(String(lnnet)).toBe(r.t3[0]);
    expectT(lnnet.in_hid.weight, r.t3[1], 1e-6);
    expectT(lnnet.hid_out.weight, r.t3[2], 1e-6);
    expectT(ex_net_rsm(hid.detach()), r.t3[3], 1e-6);
    expectT(out, r.t3[4], 1e-6);
  });
});

describe("W1D3: Multi-layer perceptrons", () => {
  const r = ref.w1d3;
  const activations: Record<string, () => nn.Module> = { "LeakyReLU(0.1)": () => new nn.LeakyReLU(0.1), "ReLU()": () => new nn.ReLU() };
  class Net extends nn.Module {
    input_feature_num: number;
    mlp = new nn.Sequential();
    constructor(actv: string, input_feature_num: number, hidden_unit_nums: number[], output_feature_num: number) {
      super();
      this.input_feature_num = input_feature_num;
      let in_num = input_feature_num;
      for (let i = 0; i < hidden_unit_nums.length; i++) {
        const out_num = hidden_unit_nums[i];
        const layer = new nn.Linear(in_num, out_num);
        in_num = out_num;
        this.mlp.add_module(`Linear_${i}`, layer);
        this.mlp.add_module(`Activation_${i}`, activations[actv]());
      }
      this.mlp.add_module("Output_Linear", new nn.Linear(in_num, output_feature_num));
    }
    forward(x: Tensor): Tensor {
      return this.mlp(x.view(-1, this.input_feature_num));
    }
  }

  it("approximates sin with shifted ReLUs (coding exercise 1)", () => {
    const approximate_function = (x_train: Tensor, y_train: Tensor, n_x: number): [Tensor, Tensor, Tensor] => {
      const n_relus = x_train.shape[0] - 1;
      const x = torch.linspace(torch.min(x_train), torch.max(x_train), n_x);
      const b = x_train.index(":-1").neg();
      const relu_acts = torch.zeros([n_relus, x.shape[0]]);
      for (let i_relu = 0; i_relu < n_relus; i_relu++) relu_acts.index_put_([i_relu, ":"], torch.relu(x.add(b.index(i_relu))));
      const combination_weights = torch.zeros([n_relus]);
      let prev_slope: Tensor | number = 0;
      for (let i = 0; i < n_relus; i++) {
        const delta_x = x_train.index(i + 1).sub(x_train.index(i));
        const slope = y_train.index(i + 1).sub(y_train.index(i)).div(delta_x);
        combination_weights.index_put_([i], torch.sub(slope, prev_slope));
        prev_slope = slope;
      }
      return [combination_weights.matmul(relu_acts), relu_acts, x];
    };
    const x_train = torch.linspace(0, 2 * Math.PI, 10).view(-1, 1);
    const [y_hat, relu_acts, x] = approximate_function(x_train, torch.sin(x_train), 12);
    expectT(y_hat, r.approx[0], 1e-5);
    expectT(relu_acts, r.approx[1], 1e-5);
    expectT(x, r.approx[2], 1e-6);
  });

  it("the general-purpose Net built with add_module, and cross entropy by hand against nn.CrossEntropyLoss", () => {
    torch.manual_seed(2021);
    const input = torch.zeros([100, 2]);
    const net = new Net("LeakyReLU(0.1)", 2, [100, 10, 5], 1).to(DEVICE);
    const y = net(input.to(DEVICE));
    expect([String(net), `The output shape is ${y.shape} for an input of shape ${input.shape}`]).toEqual(r.net.slice(0, 2));
    expectT(y.index(":2"), r.net[2], 1e-6);
    const cross_entropy_loss = (x: Tensor, labels: Tensor) => {
      const x_of_labels = torch.zeros(labels.shape[0]);
      for (const [i, label] of [...labels].entries()) x_of_labels.index_put_([i], x.index(i, label));
      const losses = x_of_labels.neg().add(torch.log(torch.sum(torch.exp(x), { axis: 1 })));
      return losses.mean();
    };
    const labels = torch.tensor([0, 1], long);
    const x = torch.tensor([[10.0, 1.0, -1.0, -20.0], [10.0, 10.0, 2.0, -10.0]]);
    expectNums([cross_entropy_loss(x, labels).item(), new nn.CrossEntropyLoss()(x, labels).item()], r.ce, 1e-7);
  });

  it("the spiral set, its split and loaders, train_test_classification, the decision map and the parameter count", () => {
    const create_spiral_dataset = (K: number, sigma: number, N: number): [Tensor, Tensor] => {
      const t = torch.linspace(0, 1, N);
      const X = torch.zeros(K * N, 2), y = torch.zeros(K * N);
      for (let k = 0; k < K; k++) {
        const rows = `${k * N}:${(k + 1) * N}`;
        X.index_put_([rows, 0], t.mul(torch.sin(t.mul(2).add(k).mul((2 * Math.PI) / K)).add(torch.randn(N).mul(sigma))));
        X.index_put_([rows, 1], t.mul(torch.cos(t.mul(2).add(k).mul((2 * Math.PI) / K)).add(torch.randn(N).mul(sigma))));
        y.index_put_([rows], k);
      }
      return [X, y];
    };
    const SEED = 2021, K = 4;
    torch.manual_seed(SEED);
    const [X, y] = create_spiral_dataset(K, 0.16, 20);
    const shuffle_and_split_data = (X: Tensor, y: Tensor, seed: number) => {
      torch.manual_seed(seed);
      const N = X.shape[0];
      const shuffled_indices = torch.randperm(N);
      X = X.index(shuffled_indices);
      y = y.index(shuffled_indices);
      const test_size = Math.trunc(0.2 * N);
      return [X.index(`:${test_size}`), y.index(`:${test_size}`), X.index(`${test_size}:`), y.index(`${test_size}:`)];
    };
    const [X_test, y_test, X_train, y_train] = shuffle_and_split_data(X, y, SEED);
    expectT(X.index("::7"), r.spiral[0], 1e-6);
    expectT(y.index("::7"), r.spiral[1], 0);
    expectT(X_test.index(":4"), r.spiral[2], 1e-6);
    expectT(y_test, r.spiral[3], 0);
    expect([...X_train.shape]).toEqual(r.spiral[4]);

    const g_seed = new torch.Generator();
    g_seed.manual_seed(SEED);
    const test_loader = new DataLoader(new TensorDataset(X_test, y_test), { batch_size: 16, shuffle: false, generator: g_seed });
    const train_loader = new DataLoader(new TensorDataset(X_train, y_train), { batch_size: 16, drop_last: true, shuffle: true, generator: g_seed });
    const train_test_classification = (net: nn.Module, criterion: nn.CrossEntropyLoss, optimizer: optim.Adam, num_epochs: number, device = "cpu") => {
      net.train();
      const training_losses: number[] = [];
      for (let epoch = 0; epoch < num_epochs; epoch++) {
        for (let [inputs, labels] of train_loader) {
          inputs = inputs.to(device).float();
          labels = labels.to(device).long();
          optimizer.zero_grad();
          const loss = criterion(net(inputs), labels);
          loss.backward();
          optimizer.step();
          training_losses.push(loss.item());
        }
      }
      net.eval();
      const test = (data_loader: Iterable<Tensor[]>): [number, number] => {
        let correct = 0, total = 0;
        for (let [inputs, labels] of data_loader) {
          inputs = inputs.to(device).float();
          labels = labels.to(device).long();
          const [, predicted] = torch.max(net(inputs), 1);
          total += labels.size(0);
          correct += predicted.eq(labels).sum().item();
        }
        return [total, (100 * correct) / total];
      };
      const [train_total, train_acc] = test(train_loader);
      const [test_total, test_acc] = test(test_loader);
      return [training_losses, [`Accuracy on the ${train_total} training samples: ${pyFixed(train_acc, 2)}`, `Accuracy on the ${test_total} testing samples: ${pyFixed(test_acc, 2)}`]];
    };
    torch.manual_seed(SEED);
    const net = new Net("ReLU()", X_train.shape[1], [32], K).to(DEVICE);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(net.parameters(), { lr: 1e-2 });
    const [training_losses, lines] = train_test_classification(net, criterion, optimizer, 3, DEVICE);
    expectNums(training_losses as number[], r.train[0], 1e-5);
    expect(lines).toEqual(r.train[1]);

    const sample_grid = (M = 500, x_max = 2.0) => {
      const [ii, jj] = torch.meshgrid(torch.linspace(-x_max, x_max, M), torch.linspace(-x_max, x_max, M));
      return torch.cat([ii.unsqueeze(-1), jj.unsqueeze(-1)], { dim: -1 }).view(-1, 2);
    };
    let X_all!: Tensor;
    const w = warningsOf(() => (X_all = sample_grid(6)));
    const decision_map = torch.argmax(net(X_all), { dim: 1 });
    for (let i = 0; i < X_test.shape[0]; i++) {
      const indices = X_all.index(":", 0).sub(X_test.index(i, 0)).pow(2).add(X_all.index(":", 1).sub(X_test.index(i, 1)).pow(2)).lt(0.1);
      decision_map.index_put_([indices], y_test.index(i).add(K).long());
    }
    expectT(X_all, r.grid[0], 1e-6);
    expect([w, String(decision_map.view(6, 6))]).toEqual([[r.grid[1]], r.grid[2]]);
    expect(net.parameters().filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0)).toBe(r.parameters);
    expect(raised(() => criterion(net(X_test), y_test))![0]).toBe(r.ce_forgot_long[0]); // the engine's hint: see the header
  });

  it("run_LIF's membrane potential on a float arange, and the transfer curve's spike counts (bonus)", () => {
    const run_LIF = (I: number | Tensor, { T = 50, dt = 0.1, tau_ref = 10, Rm = 1, Cm = 10, Vth = 1, V_spike = 0.5 } = {}): [Tensor, Tensor] => {
      const time = torch.arange(0, T + dt, dt);
      const Vm = torch.zeros(time.shape[0]);
      let t_rest: number | Tensor = 0;
      for (const [i, t] of [...time].entries()) {
        if (t.gt(t_rest).item()) Vm.index_put_([i], Vm.index(i - 1).add(Vm.index(i - 1).neg().div(Rm).add(I).mul(1 / Cm).mul(dt)));
        if (Vm.index(i).ge(Vth).item()) {
          Vm.index_put_([i], Vm.index(i).add(V_spike));
          t_rest = t.add(tau_ref);
        }
      }
      return [time, Vm];
    };
    const [sim_time, Vm] = run_LIF(1.5, { T: 30 });
    const spike_counts: Tensor[] = [];
    for (const I of torch.linspace(0, 2, 5)) spike_counts.push(torch.sum(run_LIF(I, { T: 60, dt: 1, Vth: 1, Rm: 2.0, tau_ref: 4.0 })[1].gt(1)));
    expect([[...sim_time.shape], String(sim_time.dtype)]).toEqual(r.lif.slice(0, 2));
    expectT(Vm.index("::25"), r.lif[2], 1e-5);
    expect(spike_counts.map(String)).toEqual(r.lif[3]);
  });
});

describe("W1D5: Optimization", () => {
  const r = ref.w1d5;
  class MLP extends nn.Module {
    in_dim: number;
    out_dim: number;
    main: nn.Sequential;
    constructor({ in_dim = 784, out_dim = 10, hidden_dims = [] as number[], use_bias = true } = {}) {
      super();
      this.in_dim = in_dim;
      this.out_dim = out_dim;
      let layers: nn.Module[];
      if (hidden_dims.length === 0) layers = [new nn.Linear(in_dim, out_dim, { bias: use_bias })];
      else {
        layers = [new nn.Linear(in_dim, hidden_dims[0], { bias: use_bias }), new nn.ReLU()];
        hidden_dims.slice(0, -1).forEach((hidden_dim, i) => layers.push(new nn.Linear(hidden_dim, hidden_dims[i + 1], { bias: use_bias }), new nn.ReLU()));
        layers.push(new nn.Linear(hidden_dims[hidden_dims.length - 1], out_dim, { bias: use_bias }));
      }
      this.main = new nn.Sequential(...layers);
    }
    forward(x: Tensor): Tensor {
      return F.log_softmax(this.main(x.view(-1, this.in_dim)), { dim: 1 });
    }
  }
  const print_params = (model: nn.Module) => model.named_parameters().filter(([, p]) => p.requires_grad).map(([name, p]) => `${name} ${p.data.reshape(-1).index(":3")}`);
  const zero_grad = (params: Tensor[]) => params.forEach((par) => par.grad?.data.zero_());
  const random_update = (model: nn.Module, noise_scale = 0.1, normalized = false) => {
    for (const par of model.parameters()) {
      const noise = torch.randn_like(par);
      if (normalized) noise.div_(torch.norm(noise));
      par.data.add_(noise.mul(noise_scale));
    }
  };
  const gradient_update = (loss: Tensor, params: Tensor[], lr = 1e-3) => {
    zero_grad(params);
    loss.backward();
    torch.no_grad(() => params.forEach((par) => par.data.sub_(par.grad!.data.mul(lr))));
  };
  const momentum_update = (loss: Tensor, params: Tensor[], grad_vel: Tensor[], lr = 1e-3, beta = 0.8) => {
    zero_grad(params);
    loss.backward();
    torch.no_grad(() => params.forEach((par, i) => {
      const vel = grad_vel[i];
      vel.data = par.grad!.data.mul(-lr).add(vel.data.mul(beta));
      par.data.add_(vel.data);
    }));
  };
  const rmsprop_update = (loss: Tensor, params: Tensor[], grad_sq: Tensor[], lr = 1e-3, alpha = 0.8, epsilon = 1e-8) => {
    zero_grad(params);
    loss.backward();
    torch.no_grad(() => params.forEach((par, i) => {
      const gsq = grad_sq[i];
      gsq.data = gsq.data.mul(alpha).add(par.grad!.pow(2).mul(1 - alpha));
      par.data.sub_(par.grad!.div(gsq.data.add(epsilon).pow(0.5)).mul(lr));
    }));
  };
  const sample_minibatch = (input_data: Tensor, target_data: Tensor, num_points = 100) => {
    const batch_indices = torch.randint(0, input_data.shape[0], [num_points]);
    return [input_data.index(batch_indices, ":"), target_data.index(batch_indices)];
  };
  const SEED = 2021;
  const digits = syntheticDigits(24, 5);
  const X = digits.x.sub(digits.x.mean()).div(digits.x.std());
  const y = digits.y;
  const loss_fn = F.nll_loss;

  it("the linear MLP, gradient_update and random_update (sections 2-3)", () => {
    torch.manual_seed(SEED);
    const model = new MLP({ in_dim: 784, out_dim: 10, hidden_dims: [] });
    expect(String(model)).toBe(r.model[0]);
    expectNums([loss_fn(model(X), y).item()], [r.model[1]], 1e-6);
    torch.manual_seed(SEED);
    const model1 = new MLP({ in_dim: 784, out_dim: 10, hidden_dims: [] });
    const before = print_params(model1);
    gradient_update(loss_fn(model1(X), y), model1.parameters(), 1e-1);
    expect([before, print_params(model1)]).toEqual(r.gradient_update.slice(0, 2));
    expectNums([loss_fn(model1(X), y).item()], [r.gradient_update[2]], 1e-5);
    torch.manual_seed(SEED);
    const dummy_model = copy.deepcopy(model1);
    random_update(dummy_model, 1e-2);
    random_update(dummy_model, 1e-2, true);
    expectNums([loss_fn(dummy_model(X), y).item()], [r.random_update[0]], 1e-5);
    expectT((dummy_model.main.get(0) as nn.Linear).bias!, r.random_update[1], 1e-6);
  });

  it("momentum_update, rmsprop_update with grad_sq = [1e-6 * p], minibatches, and torch's optimizers (sections 4-8)", () => {
    torch.manual_seed(SEED);
    const model2 = new MLP({ in_dim: 784, out_dim: 10, hidden_dims: [8] });
    const params = model2.parameters();
    const grad_vel = params.map((p) => torch.zeros_like(p));
    const mom_losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = loss_fn(model2(X), y);
      momentum_update(loss, params, grad_vel, 1e-1, 0.8);
      mom_losses.push(loss.item());
    }
    expectNums(mom_losses, r.momentum[0], 1e-5);
    expectT(grad_vel[3], r.momentum[1], 1e-5);
    torch.manual_seed(SEED);
    const model3 = new MLP({ in_dim: 784, out_dim: 10, hidden_dims: [] });
    const grad_sq = model3.parameters().map((i) => i.mul(1e-6));
    const rms_losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = loss_fn(model3(X), y);
      rmsprop_update(loss, model3.parameters(), grad_sq, 1e-3);
      rms_losses.push(loss.item());
    }
    // grad_sq starts negative where the weight is, so a small gradient's square root is NaN, as in torch
    const nanAware = (vs: readonly number[]) => vs.map((v) => (Number.isNaN(v) ? "nan" : Math.round(v * 1e5) / 1e5));
    expect(nanAware(rms_losses)).toEqual(nanAware((r.rmsprop[0] as (number | string)[]).map(Number)));
    expect(nanAware(grad_sq[1].tolist() as number[])).toEqual(nanAware((r.rmsprop[1].data as (number | string)[]).map(Number)));
    expect(String(grad_sq[1].grad_fn)).toBe(r.rmsprop[2]);

    torch.manual_seed(SEED);
    const [x_batch, y_batch] = sample_minibatch(X, y, 10);
    expect([`The input shape is ${x_batch.shape} and the target shape is: ${y_batch.shape}`, String(y_batch)]).toEqual(r.minibatch);
    const makers: [string, (p: Tensor[]) => optim.Optimizer][] = [["SGD", (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9 })],
      ["RMSprop", (p) => new optim.RMSprop(p, { lr: 1e-3, alpha: 0.99 })], ["Adam", (p) => new optim.Adam(p, { lr: 7e-4 })]];
    for (const [name, make] of makers) {
      torch.manual_seed(SEED);
      const m = new MLP({ in_dim: 784, out_dim: 10, hidden_dims: [16, 8] });
      const opt = make(m.parameters());
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [xb, yb] = sample_minibatch(X, y, 12);
        const loss = loss_fn(m(xb), yb);
        opt.zero_grad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      expectNums(losses, r.optimizers[name], 1e-5);
    }
    const e = r.errors;
    expect(raised(() => new MLP({ in_dim: 4, out_dim: 2 }).parameters().map((p) => p.sub_(p.mul(0.1))))).toEqual(e.step_without_no_grad);
    expect(raised(() => loss_fn(model3(X), y.float()))![0]).toBe(e.nll_probabilities_float_target[0]); // the engine's hint: see the header
    expect(raised(() => model3(X.reshape(24, 28, 28).transpose(1, 2)))).toEqual(e.view_images);
  });
});

