/**
 * torch 1.13's docstring "Example::" sections, what learners copy first, for the nn modules and nn.functional
 * functions the engine has: each translated as a learner would (positional order, a trailing options object for
 * keywords, `m(input)` for module calls, `.index(...)` for subscripts), run after torch.manual_seed(0) as the
 * fixture script runs the docstring itself, and compared with what torch left: every tensor variable and every
 * bare expression (what the docstring prints), by shape, dtype, sum and first values.
 * Reference: tests/fixtures/torch/tutorials/docstring_examples7.json, scripts/fixtures/docstring_examples7_fixtures.py
 * (which lists the examples left out and why). Each example restores the global generator's state after it. The examples on large inputs (a few million values and more)
 * run only with DOCSTRING_EXAMPLES_LARGE=1: they pass, but take seconds each on a loaded machine.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type Num = number | "nan" | "inf" | "-inf";
type Summary = { shape: number[]; dtype: string; sum: Num; head: Num[] };
type Value = Summary | number[] | Summary[] | { bool: boolean } | { number: Num } | { error: [string, string] };
/** What a translation prints: a tensor, a size, a tuple of tensors, a Python bool or number, or the error a line raises. */
type Printed = Tensor | readonly number[] | Tensor[] | boolean | number | Error;
type Example = { vars: Record<string, Summary>; exprs: Value[]; numbers: Record<string, number>; strings: Record<string, string> } | { error: [string, string] };
const ref = tutorialFixture<{ examples: Record<string, Example>; skipped: Record<string, string> }>("docstring_examples7.json");

/** What an example leaves: its tensor variables (named as in the docstring) and its bare expressions' values. */
type Result = {
  vars: Record<string, Tensor>;
  exprs?: Printed[];
  shapeOnly?: string[];
  numbers?: Record<string, number>;
  /** Printed tensors whose values torch leaves unspecified (an SVD's signs): compared by shape. */
  exprShapeOnly?: number[];
  /** Printed (values, indices) pairs whose indices torch leaves unspecified: the values are compared, the indices by shape. */
  unspecifiedOrder?: number[];
  /** What the container drivers print: the registered names (Python's str of a list) and the model's repr. */
  strings?: Record<string, string>;
};

/** |got - want| within tol, NaN and infinities (stored as strings) matched exactly. */
function expectNear(got: number, want: Num, tol: number, label: string): void {
  if (typeof want === "string") expect(String(got), label).toBe({ nan: "NaN", inf: "Infinity", "-inf": "-Infinity" }[want]);
  else expect(Math.abs(got - want), label).toBeLessThanOrEqual(tol + 1e-4 * Math.abs(want));
}

function expectSummary(got: Tensor, want: Summary, label: string): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  expect(got.dtype.name, `${label}: dtype`).toBe(want.dtype);
  const flat = got.detach().reshape(-1);
  const head = (flat.index(`:${Math.min(8, flat.numel())}`).tolist() as (number | boolean)[]).map(Number);
  head.forEach((v, i) => expectNear(v, want.head[i], 1e-4, `${label}: element ${i} is ${v}, torch ${want.head[i]}`));
  const sum = flat.numel() ? Number(flat.double().sum().item()) : 0;
  expectNear(sum, want.sum, 1e-4 + 1e-6 * flat.numel(), `${label}: sum ${sum}, torch ${want.sum}`);
}

function expectValue(got: Printed, want: Value, label: string): void {
  if (!Array.isArray(want) && "bool" in want) {
    expect(got, label).toBe(want.bool);
  } else if (!Array.isArray(want) && "number" in want) {
    expectNear(got as number, want.number, 1e-6, label);
  } else if (!Array.isArray(want) && "error" in want) {
    expect(got, `${label} raises`).toBeInstanceOf(Error);
    expect([(got as Error).name, (got as Error).message], label).toEqual(want.error);
  } else if (Array.isArray(want) && (want.length === 0 || typeof want[0] === "number")) {
    expect([...(got as readonly number[])], `${label}: size`).toEqual(want);
  } else if (Array.isArray(want)) {
    const list = got as Tensor[];
    expect(list.length, `${label}: length`).toBe(want.length);
    list.forEach((t, i) => expectSummary(t, (want as Summary[])[i], `${label}[${i}]`));
  } else {
    expectSummary(got as Tensor, want as Summary, label);
  }
}

const LARGE = typeof process !== "undefined" && process.env.DOCSTRING_EXAMPLES_LARGE === "1";

const translated = new Set<string>();

/** One docstring's example: run after manual_seed(0) and compared with torch's run of the docstring. */
function example(name: string, body: () => Result, opts: { large?: boolean; timeout?: number } = {}): void {
  translated.add(name);
  it.skipIf(opts.large && !LARGE)(name, () => {
    const want = ref.examples[name];
    expect(want, `${name} is in the fixture`).toBeDefined();
    if ("error" in want) throw new Error(`torch raised on ${name}'s example: ${want.error.join(": ")}`);
    // The examples seed the global generator as the fixture script does; the state other files see is put back.
    const rngState = torch.get_rng_state();
    let got: Result;
    try {
      torch.manual_seed(0);
      got = body();
    } finally {
      torch.set_rng_state(rngState);
    }
    expect(Object.keys(got.vars).sort(), `${name}: the docstring's tensor variables`).toEqual(Object.keys(want.vars).sort());
    for (const [v, t] of Object.entries(got.vars)) {
      if (got.shapeOnly?.includes(v)) expect(t.shape, `${name}: ${v}'s shape`).toEqual(want.vars[v].shape);
      else expectSummary(t, want.vars[v], `${name}: ${v}`);
    }
    for (const [v, n] of Object.entries(got.numbers ?? {})) expect(n, `${name}: ${v}`).toBeCloseTo(want.numbers[v], 12);
    expect(Object.keys(got.strings ?? {}).sort(), `${name}: printed strings`).toEqual(Object.keys(want.strings ?? {}).sort());
    for (const [v, str] of Object.entries(got.strings ?? {})) expect(str, `${name}: ${v}`).toBe(want.strings[v]);
    const exprs = got.exprs ?? [];
    expect(exprs.length, `${name}: printed values`).toBe(want.exprs.length);
    exprs.forEach((e, i) => {
      if (got.exprShapeOnly?.includes(i)) return expect((e as Tensor).shape, `${name}: printed value ${i + 1}'s shape`).toEqual((want.exprs[i] as Summary).shape);
      if (!got.unspecifiedOrder?.includes(i)) return expectValue(e, want.exprs[i], `${name}: printed value ${i + 1}`);
      const [values, order] = e as Tensor[];
      const [wantValues, wantOrder] = want.exprs[i] as Summary[];
      expectSummary(values, wantValues, `${name}: printed value ${i + 1} (values)`);
      expect(order.shape, `${name}: printed value ${i + 1} (indices)`).toEqual(wantOrder.shape);
    });
  }, opts.timeout ?? (opts.large ? 120_000 : 30_000));
}

describe("torch 1.13 docstring examples: nn layers, activations and dropout", () => {
  example("nn.BatchNorm1d", () => {
    let m = new nn.BatchNorm1d(100);
    m = new nn.BatchNorm1d(100, { affine: false });
    const input = torch.randn(20, 100);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.Dropout", () => {
    const m = new nn.Dropout({ p: 0.2 });
    const input = torch.randn(20, 16);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.Flatten", () => {
    const input = torch.randn(32, 1, 5, 5);
    let m = new nn.Flatten();
    let output = m(input);
    const e1 = output.size();
    m = new nn.Flatten(0, 2);
    output = m(input);
    return { vars: { input, output }, exprs: [e1, output.size()] };
  });
  example("nn.Identity", () => {
    const m = new nn.Identity(54, { unused_argument1: 0.1, unused_argument2: false });
    const input = torch.randn(128, 20);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.Linear", () => {
    const m = new nn.Linear(20, 30);
    const input = torch.randn(128, 20);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.Bilinear", () => {
    const m = new nn.Bilinear(20, 30, 40);
    const input1 = torch.randn(128, 20);
    const input2 = torch.randn(128, 30);
    const output = m(input1, input2);
    return { vars: { input1, input2, output } };
  });
  // One activation per docstring: m = nn.X(args); input = torch.randn(shape); output = m(input)
  const activations: [string, () => nn.Module, number[]][] = [
    ["nn.ELU", () => new nn.ELU(), [2]],
    ["nn.GELU", () => new nn.GELU(), [2]],
    ["nn.Hardtanh", () => new nn.Hardtanh(-2, 2), [2]],
    ["nn.LeakyReLU", () => new nn.LeakyReLU(0.1), [2]],
    ["nn.LogSoftmax", () => new nn.LogSoftmax({ dim: 1 }), [2, 3]],
    ["nn.PReLU", () => new nn.PReLU(), [2]],
    ["nn.ReLU6", () => new nn.ReLU6(), [2]],
    ["nn.SELU", () => new nn.SELU(), [2]],
    ["nn.SiLU", () => new nn.SiLU(), [2]],
    ["nn.Sigmoid", () => new nn.Sigmoid(), [2]],
    ["nn.Softmax", () => new nn.Softmax({ dim: 1 }), [2, 3]],
    ["nn.Softplus", () => new nn.Softplus(), [2]],
    ["nn.Tanh", () => new nn.Tanh(), [2]],
    ["nn.CELU", () => new nn.CELU(), [2]],
    ["nn.GLU", () => new nn.GLU(), [4, 2]],
    ["nn.Hardshrink", () => new nn.Hardshrink(), [2]],
    ["nn.Hardsigmoid", () => new nn.Hardsigmoid(), [2]],
    ["nn.Hardswish", () => new nn.Hardswish(), [2]],
    ["nn.LogSigmoid", () => new nn.LogSigmoid(), [2]],
    ["nn.Mish", () => new nn.Mish(), [2]],
    ["nn.RReLU", () => new nn.RReLU(0.1, 0.3), [2]],
    ["nn.Softmax2d", () => new nn.Softmax2d(), [2, 3, 12, 13]],
    ["nn.Softmin", () => new nn.Softmin({ dim: 1 }), [2, 3]],
    ["nn.Softshrink", () => new nn.Softshrink(), [2]],
    ["nn.Softsign", () => new nn.Softsign(), [2]],
    ["nn.Tanhshrink", () => new nn.Tanhshrink(), [2]],
    ["nn.Threshold", () => new nn.Threshold(0.1, 20), [2]],
    ["nn.AlphaDropout", () => new nn.AlphaDropout({ p: 0.2 }), [20, 16]],
    ["nn.Dropout1d", () => new nn.Dropout1d({ p: 0.2 }), [20, 16, 32]],
    ["nn.Dropout2d", () => new nn.Dropout2d({ p: 0.2 }), [20, 16, 32, 32]],
    ["nn.Dropout3d", () => new nn.Dropout3d({ p: 0.2 }), [20, 16, 4, 32, 32]],
    ["nn.FeatureAlphaDropout", () => new nn.FeatureAlphaDropout({ p: 0.2 }), [20, 16, 4, 32, 32]],
  ];
  for (const [name, make, shape] of activations) {
    example(name, () => {
      const m = make();
      const input = torch.randn(...shape);
      const output = m(input);
      return { vars: { input, output } };
    });
  }
  example("nn.ReLU", () => {
    let m = new nn.ReLU();
    let input = torch.randn(2);
    let output = m(input);
    m = new nn.ReLU();
    input = torch.randn(2).unsqueeze(0);
    output = torch.cat([m(input), m(input.neg())]);
    return { vars: { input, output } };
  });
  example("nn.Embedding", () => {
    let embedding = new nn.Embedding(10, 3);
    let input = torch.LongTensor([[1, 2, 4, 5], [4, 3, 2, 9]]);
    const e1 = embedding(input);
    embedding = new nn.Embedding(10, 3, { padding_idx: 0 });
    input = torch.LongTensor([[0, 2, 0, 5]]);
    const e2 = embedding(input);
    const padding_idx = 0;
    embedding = new nn.Embedding(3, 3, { padding_idx });
    const e3 = embedding.weight.clone(); // printed before the write
    torch.no_grad(() => embedding.weight.index_put_([padding_idx], torch.ones(3)));
    return { vars: { input }, exprs: [e1, e2, e3, embedding.weight] };
  });
  example("nn.LayerNorm", () => {
    const [batch, sentence_length, embedding_dim] = [20, 5, 10];
    const embedding = torch.randn(batch, sentence_length, embedding_dim);
    let layer_norm = new nn.LayerNorm(embedding_dim);
    const e1 = layer_norm(embedding);
    const [N, C, H, W] = [20, 5, 10, 10];
    const input = torch.randn(N, C, H, W);
    layer_norm = new nn.LayerNorm([C, H, W]);
    const output = layer_norm(input);
    return { vars: { embedding, input, output }, exprs: [e1] };
  });
  example("nn.GroupNorm", () => {
    const input = torch.randn(20, 6, 10, 10);
    let m = new nn.GroupNorm(3, 6);
    m = new nn.GroupNorm(6, 6);
    m = new nn.GroupNorm(1, 6);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.InstanceNorm1d", () => {
    let m = new nn.InstanceNorm1d(100);
    m = new nn.InstanceNorm1d(100, { affine: true });
    const input = torch.randn(20, 100, 40);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.LocalResponseNorm", () => {
    const lrn = new nn.LocalResponseNorm(2);
    const signal_2d = torch.randn(32, 5, 24, 24);
    const signal_4d = torch.randn(16, 5, 7, 7, 7, 7);
    const output_2d = lrn(signal_2d);
    const output_4d = lrn(signal_4d);
    return { vars: { signal_2d, signal_4d, output_2d, output_4d } };
  });
  example("nn.PixelShuffle", () => {
    const pixel_shuffle = new nn.PixelShuffle(3);
    const input = torch.randn(1, 9, 4, 4);
    const output = pixel_shuffle(input);
    return { vars: { input, output } };
  });
  example("nn.PixelUnshuffle", () => {
    const pixel_unshuffle = new nn.PixelUnshuffle(3);
    const input = torch.randn(1, 1, 12, 12);
    const output = pixel_unshuffle(input);
    return { vars: { input, output } };
  });
  example("nn.ChannelShuffle", () => {
    const channel_shuffle = new nn.ChannelShuffle(2);
    const input = torch.randn(1, 4, 2, 2);
    const output = channel_shuffle(input);
    return { vars: { input, output } };
  });
  example("nn.BatchNorm2d", () => {
    let m = new nn.BatchNorm2d(100);
    m = new nn.BatchNorm2d(100, { affine: false });
    const input = torch.randn(20, 100, 35, 45);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.InstanceNorm2d", () => {
    let m = new nn.InstanceNorm2d(100);
    m = new nn.InstanceNorm2d(100, { affine: true });
    const input = torch.randn(20, 100, 35, 45);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.InstanceNorm3d", () => {
    let m = new nn.InstanceNorm3d(100);
    m = new nn.InstanceNorm3d(100, { affine: true });
    const input = torch.randn(20, 100, 35, 45, 10);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.BatchNorm3d", () => {
    let m = new nn.BatchNorm3d(100);
    m = new nn.BatchNorm3d(100, { affine: false });
    const input = torch.randn(20, 100, 35, 45, 10);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
});

describe("torch 1.13 docstring examples: losses and distances", () => {
  example("nn.BCELoss", () => {
    const m = new nn.Sigmoid();
    const loss = new nn.BCELoss();
    const input = torch.randn(3, { requires_grad: true });
    const target = torch.empty(3).random_(2);
    const output = loss(m(input), target);
    output.backward();
    return { vars: { input, target, output } };
  });
  example("nn.BCEWithLogitsLoss", () => {
    let target = torch.ones([10, 64], { dtype: torch.float32 });
    let output = torch.full([10, 64], 1.5);
    const pos_weight = torch.ones([64]);
    const criterion = new nn.BCEWithLogitsLoss({ pos_weight });
    const e1 = criterion(output, target);
    // the docstring's second example
    const loss = new nn.BCEWithLogitsLoss();
    const input = torch.randn(3, { requires_grad: true });
    target = torch.empty(3).random_(2);
    output = loss(input, target);
    output.backward();
    return { vars: { target, output, pos_weight, input }, exprs: [e1] };
  });
  example("nn.CosineSimilarity", () => {
    const input1 = torch.randn(100, 128);
    const input2 = torch.randn(100, 128);
    const cos = new nn.CosineSimilarity({ dim: 1, eps: 1e-6 });
    const output = cos(input1, input2);
    return { vars: { input1, input2, output } };
  });
  example("nn.CrossEntropyLoss", () => {
    const loss = new nn.CrossEntropyLoss();
    let input = torch.randn([3, 5], { requires_grad: true });
    let target = torch.empty(3, { dtype: torch.long }).random_(5);
    let output = loss(input, target);
    output.backward();
    input = torch.randn([3, 5], { requires_grad: true });
    target = torch.randn(3, 5).softmax({ dim: 1 });
    output = loss(input, target);
    output.backward();
    return { vars: { input, target, output } };
  });
  example("nn.KLDivLoss", () => {
    let kl_loss = new nn.KLDivLoss({ reduction: "batchmean" });
    const input = F.log_softmax(torch.randn([3, 5], { requires_grad: true }), { dim: 1 });
    const target = F.softmax(torch.rand(3, 5), { dim: 1 });
    let output = kl_loss(input, target);
    kl_loss = new nn.KLDivLoss({ reduction: "batchmean", log_target: true });
    const log_target = F.log_softmax(torch.rand(3, 5), { dim: 1 });
    output = kl_loss(input, log_target);
    return { vars: { input, target, output, log_target } };
  });
  for (const [name, make] of [["nn.L1Loss", () => new nn.L1Loss()], ["nn.MSELoss", () => new nn.MSELoss()]] as const) {
    example(name, () => {
      const loss = make();
      const input = torch.randn([3, 5], { requires_grad: true });
      const target = torch.randn(3, 5);
      const output = loss(input, target);
      output.backward();
      return { vars: { input, target, output } };
    });
  }
  example("nn.NLLLoss", () => {
    let m = new nn.LogSoftmax({ dim: 1 });
    let loss = new nn.NLLLoss();
    const input = torch.randn([3, 5], { requires_grad: true });
    let target = torch.tensor([1, 0, 4], { dtype: torch.long }); // JS numbers do not say int (core.ts)
    let output = loss(m(input), target);
    output.backward();
    const [N, C] = [5, 4];
    loss = new nn.NLLLoss();
    const data = torch.randn(N, 16, 10, 10);
    const conv = new nn.Conv2d(16, C, [3, 3]);
    m = new nn.LogSoftmax({ dim: 1 });
    target = torch.empty([N, 8, 8], { dtype: torch.long }).random_(0, C);
    output = loss(m(conv(data)), target);
    output.backward();
    return { vars: { input, target, output, data } };
  });
  example("nn.GaussianNLLLoss", () => {
    let loss = new nn.GaussianNLLLoss();
    let input = torch.randn([5, 2], { requires_grad: true });
    let target = torch.randn(5, 2);
    let v = torch.ones([5, 2], { requires_grad: true });
    let output = loss(input, target, v);
    output.backward();
    loss = new nn.GaussianNLLLoss();
    input = torch.randn([5, 2], { requires_grad: true });
    target = torch.randn(5, 2);
    v = torch.ones([5, 1], { requires_grad: true });
    output = loss(input, target, v);
    output.backward();
    return { vars: { input, target, var: v, output } };
  });
  example("nn.MarginRankingLoss", () => {
    const loss = new nn.MarginRankingLoss();
    const input1 = torch.randn(3, { requires_grad: true });
    const input2 = torch.randn(3, { requires_grad: true });
    const target = torch.randn(3).sign();
    const output = loss(input1, input2, target);
    output.backward();
    return { vars: { input1, input2, target, output } };
  });
  example("nn.MultiLabelMarginLoss", () => {
    const loss = new nn.MultiLabelMarginLoss();
    const x = torch.FloatTensor([[0.1, 0.2, 0.4, 0.8]]);
    const y = torch.LongTensor([[3, 0, -1, 1]]);
    return { vars: { x, y }, exprs: [loss(x, y)] };
  });
  example("nn.MultiMarginLoss", () => {
    const loss = new nn.MultiMarginLoss();
    const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]]);
    const y = torch.tensor([3], { dtype: torch.long });
    return { vars: { x, y }, exprs: [loss(x, y)] };
  });
  example("nn.PairwiseDistance", () => {
    const pdist = new nn.PairwiseDistance({ p: 2 });
    const input1 = torch.randn(100, 128);
    const input2 = torch.randn(100, 128);
    const output = pdist(input1, input2);
    return { vars: { input1, input2, output } };
  });
  example("nn.PoissonNLLLoss", () => {
    const loss = new nn.PoissonNLLLoss();
    const log_input = torch.randn([5, 2], { requires_grad: true });
    const target = torch.randn(5, 2);
    const output = loss(log_input, target);
    output.backward();
    return { vars: { log_input, target, output } };
  });
  example("nn.TripletMarginLoss", () => {
    const triplet_loss = new nn.TripletMarginLoss({ margin: 1.0, p: 2 });
    const anchor = torch.randn([100, 128], { requires_grad: true });
    const positive = torch.randn([100, 128], { requires_grad: true });
    const negative = torch.randn([100, 128], { requires_grad: true });
    const output = triplet_loss(anchor, positive, negative);
    output.backward();
    return { vars: { anchor, positive, negative, output } };
  });
  example("F.binary_cross_entropy", () => {
    const input = torch.randn([3, 2], { requires_grad: true });
    const target = torch.rand([3, 2], { requires_grad: false });
    const loss = F.binary_cross_entropy(torch.sigmoid(input), target);
    loss.backward();
    return { vars: { input, target, loss } };
  });
  example("F.binary_cross_entropy_with_logits", () => {
    const input = torch.randn(3, { requires_grad: true });
    const target = torch.empty(3).random_(2);
    const loss = F.binary_cross_entropy_with_logits(input, target);
    loss.backward();
    return { vars: { input, target, loss } };
  });
  example("F.cross_entropy", () => {
    let input = torch.randn([3, 5], { requires_grad: true });
    let target = torch.randint(5, [3], { dtype: torch.int64 });
    let loss = F.cross_entropy(input, target);
    loss.backward();
    input = torch.randn([3, 5], { requires_grad: true });
    target = torch.randn(3, 5).softmax({ dim: 1 });
    loss = F.cross_entropy(input, target);
    loss.backward();
    return { vars: { input, target, loss } };
  });
  example("F.nll_loss", () => {
    const input = torch.randn([3, 5], { requires_grad: true });
    const target = torch.tensor([1, 0, 4], { dtype: torch.long }); // JS numbers do not say int (core.ts)
    const output = F.nll_loss(F.log_softmax(input, { dim: 1 }), target);
    output.backward();
    return { vars: { input, target, output } };
  });
  example("F.cosine_similarity", () => {
    const input1 = torch.randn(100, 128);
    const input2 = torch.randn(100, 128);
    const output = F.cosine_similarity(input1, input2);
    return { vars: { input1, input2, output } };
  });
  example("F.ctc_loss", () => {
    const log_probs = torch.randn(50, 16, 20).log_softmax(2).detach().requires_grad_();
    const targets = torch.randint(1, 20, [16, 30], { dtype: torch.long });
    const input_lengths = torch.full([16], 50, { dtype: torch.long });
    const target_lengths = torch.randint(10, 30, [16], { dtype: torch.long });
    const loss = F.ctc_loss(log_probs, targets, input_lengths, target_lengths);
    loss.backward();
    return { vars: { log_probs, targets, input_lengths, target_lengths, loss } };
  });
  example("nn.CTCLoss", () => {
    // Target are to be padded
    let [T, C, N] = [50, 20, 16];
    const [S, S_min] = [30, 10];
    let input = torch.randn(T, N, C).log_softmax(2).detach().requires_grad_();
    let target = torch.randint({ low: 1, high: C, size: [N, S], dtype: torch.long });
    let input_lengths = torch.full({ size: [N], fill_value: T, dtype: torch.long });
    let target_lengths = torch.randint({ low: S_min, high: S, size: [N], dtype: torch.long });
    let ctc_loss = new nn.CTCLoss();
    let loss = ctc_loss(input, target, input_lengths, target_lengths);
    loss.backward();
    // Target are to be un-padded
    [T, C, N] = [50, 20, 16];
    input = torch.randn(T, N, C).log_softmax(2).detach().requires_grad_();
    input_lengths = torch.full({ size: [N], fill_value: T, dtype: torch.long });
    target_lengths = torch.randint({ low: 1, high: T, size: [N], dtype: torch.long });
    // Python's sum(target_lengths) adds the 0-d rows: a one-element tensor, which a size takes
    target = torch.randint({ low: 1, high: C, size: [[...target_lengths].reduce((a, b) => a.add(b))], dtype: torch.long });
    ctc_loss = new nn.CTCLoss();
    loss = ctc_loss(input, target, input_lengths, target_lengths);
    loss.backward();
    return { vars: { input, target, input_lengths, target_lengths, loss } };
  });
  example("nn.TripletMarginWithDistanceLoss", () => {
    const embedding = new nn.Embedding(1000, 128);
    const anchor_ids = torch.randint(0, 1000, [1]);
    const positive_ids = torch.randint(0, 1000, [1]);
    const negative_ids = torch.randint(0, 1000, [1]);
    const anchor = embedding(anchor_ids);
    const positive = embedding(positive_ids);
    const negative = embedding(negative_ids);
    const triplet_loss = new nn.TripletMarginWithDistanceLoss({ distance_function: new nn.PairwiseDistance() });
    const output = triplet_loss(anchor, positive, negative);
    output.backward();
    return { vars: { anchor_ids, positive_ids, negative_ids, anchor, positive, negative, output } };
  });
});

describe("torch 1.13 docstring examples: convolution, pooling, padding, folding", () => {
  example("nn.Conv1d", () => {
    const m = new nn.Conv1d(16, 33, 3, { stride: 2 });
    const input = torch.randn(20, 16, 50);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.Conv2d", () => {
    let m = new nn.Conv2d(16, 33, 3, { stride: 2 });
    m = new nn.Conv2d(16, 33, [3, 5], { stride: [2, 1], padding: [4, 2] });
    m = new nn.Conv2d(16, 33, [3, 5], { stride: [2, 1], padding: [4, 2], dilation: [3, 1] });
    const input = torch.randn(20, 16, 50, 100);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.ConvTranspose2d", () => {
    let m = new nn.ConvTranspose2d(16, 33, 3, { stride: 2 });
    m = new nn.ConvTranspose2d(16, 33, [3, 5], { stride: [2, 1], padding: [4, 2] });
    let input = torch.randn(20, 16, 50, 100);
    let output = m(input);
    input = torch.randn(1, 16, 12, 12);
    const downsample = new nn.Conv2d(16, 16, 3, { stride: 2, padding: 1 });
    const upsample = new nn.ConvTranspose2d(16, 16, 3, { stride: 2, padding: 1 });
    const h = downsample(input);
    const e1 = h.size();
    output = upsample(h, { output_size: input.size() });
    return { vars: { input, output, h }, exprs: [e1, output.size()] };
  }, { large: true });
  example("F.conv1d", () => {
    const inputs = torch.randn(33, 16, 30);
    const filters = torch.randn(20, 16, 5);
    return { vars: { inputs, filters }, exprs: [F.conv1d(inputs, filters)] };
  });
  example("F.conv2d", () => {
    const filters = torch.randn(8, 4, 3, 3);
    const inputs = torch.randn(1, 4, 5, 5);
    return { vars: { filters, inputs }, exprs: [F.conv2d(inputs, filters, { padding: 1 })] };
  });
  example("F.conv_transpose1d", () => {
    const inputs = torch.randn(20, 16, 50);
    const weights = torch.randn(16, 33, 5);
    return { vars: { inputs, weights }, exprs: [F.conv_transpose1d(inputs, weights)] };
  });
  example("F.conv_transpose2d", () => {
    const inputs = torch.randn(1, 4, 5, 5);
    const weights = torch.randn(4, 8, 3, 3);
    return { vars: { inputs, weights }, exprs: [F.conv_transpose2d(inputs, weights, { padding: 1 })] };
  });
  const adaptive: [string, (s: number | (number | null)[]) => nn.Module][] = [
    ["nn.AdaptiveAvgPool2d", (s) => new nn.AdaptiveAvgPool2d(s)],
    ["nn.AdaptiveMaxPool2d", (s) => new nn.AdaptiveMaxPool2d(s)],
  ];
  for (const [name, make] of adaptive) {
    example(name, () => {
      let m = make([5, 7]);
      let input = torch.randn(1, 64, 8, 9);
      let output = m(input);
      m = make(7);
      input = torch.randn(1, 64, 10, 9);
      output = m(input);
      m = make([null, 7]);
      input = torch.randn(1, 64, 10, 9);
      output = m(input);
      return { vars: { input, output } };
    });
  }
  const adaptive3d: [string, (s: number | (number | null)[]) => nn.Module][] = [
    ["nn.AdaptiveAvgPool3d", (s) => new nn.AdaptiveAvgPool3d(s)],
    ["nn.AdaptiveMaxPool3d", (s) => new nn.AdaptiveMaxPool3d(s)],
  ];
  for (const [name, make] of adaptive3d) {
    example(name, () => {
      let m = make([5, 7, 9]);
      let input = torch.randn(1, 64, 8, 9, 10);
      let output = m(input);
      m = make(7);
      input = torch.randn(1, 64, 10, 9, 8);
      output = m(input);
      m = make([7, null, null]);
      input = torch.randn(1, 64, 10, 9, 8);
      output = m(input);
      return { vars: { input, output } };
    });
  }
  for (const [name, make] of [["nn.AdaptiveAvgPool1d", () => new nn.AdaptiveAvgPool1d(5)], ["nn.AdaptiveMaxPool1d", () => new nn.AdaptiveMaxPool1d(5)]] as const) {
    example(name, () => {
      const m = make();
      const input = torch.randn(1, 64, 8);
      const output = m(input);
      return { vars: { input, output } };
    });
  }
  example("nn.AvgPool1d", () => {
    const m = new nn.AvgPool1d(3, { stride: 2 });
    return { vars: {}, exprs: [m(torch.tensor([[[1, 2, 3, 4, 5, 6, 7]]]))] };
  });
  example("F.avg_pool1d", () => {
    const input = torch.tensor([[[1, 2, 3, 4, 5, 6, 7]]], { dtype: torch.float32 });
    return { vars: { input }, exprs: [F.avg_pool1d(input, { kernel_size: 3, stride: 2 })] };
  });
  example("nn.AvgPool2d", () => {
    let m = new nn.AvgPool2d(3, { stride: 2 });
    m = new nn.AvgPool2d([3, 2], { stride: [2, 1] });
    const input = torch.randn(20, 16, 50, 32);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.MaxPool1d", () => {
    const m = new nn.MaxPool1d(3, { stride: 2 });
    const input = torch.randn(20, 16, 50);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.MaxPool2d", () => {
    let m = new nn.MaxPool2d(3, { stride: 2 });
    m = new nn.MaxPool2d([3, 2], { stride: [2, 1] });
    const input = torch.randn(20, 16, 50, 32);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.AvgPool3d", () => {
    let m = new nn.AvgPool3d(3, { stride: 2 });
    m = new nn.AvgPool3d([3, 2, 2], { stride: [2, 1, 2] });
    const input = torch.randn(20, 16, 50, 44, 31);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.MaxPool3d", () => {
    let m = new nn.MaxPool3d(3, { stride: 2 });
    m = new nn.MaxPool3d([3, 2, 2], { stride: [2, 1, 2] });
    const input = torch.randn(20, 16, 50, 44, 31);
    const output = m(input);
    return { vars: { input, output } };
  }, { large: true });
  example("nn.LPPool1d", () => {
    const m = new nn.LPPool1d(2, 3, { stride: 2 });
    const input = torch.randn(20, 16, 50);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.LPPool2d", () => {
    let m = new nn.LPPool2d(2, 3, { stride: 2 });
    m = new nn.LPPool2d(1.2, [3, 2], { stride: [2, 1] });
    const input = torch.randn(20, 16, 50, 32);
    const output = m(input);
    return { vars: { input, output } };
  });
  example("nn.MaxUnpool1d", () => {
    const pool = new nn.MaxPool1d(2, { stride: 2, return_indices: true });
    const unpool = new nn.MaxUnpool1d(2, { stride: 2 });
    let input = torch.tensor([[[1, 2, 3, 4, 5, 6, 7, 8]]]);
    let [output, indices] = pool(input) as unknown as [Tensor, Tensor];
    const e1 = unpool(output, indices);
    input = torch.tensor([[[1, 2, 3, 4, 5, 6, 7, 8, 9]]]);
    [output, indices] = pool(input) as unknown as [Tensor, Tensor];
    const e2 = unpool(output, indices, { output_size: input.size() });
    const e3 = unpool(output, indices);
    return { vars: { input, output, indices }, exprs: [e1, e2, e3] };
  });
  example("nn.MaxUnpool2d", () => {
    const pool = new nn.MaxPool2d(2, { stride: 2, return_indices: true });
    const unpool = new nn.MaxUnpool2d(2, { stride: 2 });
    let input = torch.tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    let [output, indices] = pool(input) as unknown as [Tensor, Tensor];
    const e1 = unpool(output, indices);
    input = torch.tensor([[[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15], [16, 17, 18, 19, 20]]]]);
    [output, indices] = pool(input) as unknown as [Tensor, Tensor];
    return { vars: { input, output, indices }, exprs: [e1, unpool(output, indices, { output_size: input.size() })] };
  });
  example("nn.FractionalMaxPool2d", () => {
    let m = new nn.FractionalMaxPool2d(3, { output_size: [13, 12] });
    m = new nn.FractionalMaxPool2d(3, { output_ratio: [0.5, 0.5] });
    const input = torch.randn(20, 16, 50, 32);
    const output = m(input) as Tensor; // typed Tensor | [Tensor, Tensor] (return_indices)
    return { vars: { input, output } };
  });
  for (const name of ["F.fractional_max_pool2d", "F.fractional_max_pool2d_with_indices"]) {
    example(name, () => {
      const input = torch.randn(20, 16, 50, 32);
      const e1 = F.fractional_max_pool2d(input, 3, { output_size: [13, 12] });
      const e2 = F.fractional_max_pool2d(input, 3, { output_ratio: [0.5, 0.5] });
      return { vars: { input }, exprs: [e1, e2] };
    });
  }
  example("nn.ConstantPad1d", () => {
    let m = new nn.ConstantPad1d(2, 3.5);
    let input = torch.randn(1, 2, 4);
    const e1 = input;
    const e2 = m(input);
    m = new nn.ConstantPad1d(2, 3.5);
    input = torch.randn(1, 2, 3);
    const e3 = input;
    const e4 = m(input);
    m = new nn.ConstantPad1d([3, 1], 3.5);
    return { vars: { input }, exprs: [e1, e2, e3, e4, m(input)] };
  });
  example("nn.ConstantPad2d", () => {
    let m = new nn.ConstantPad2d(2, 3.5);
    const input = torch.randn(1, 2, 2);
    const e1 = m(input);
    m = new nn.ConstantPad2d([3, 0, 2, 1], 3.5);
    return { vars: { input }, exprs: [input, e1, m(input)] };
  });
  example("nn.ConstantPad3d", () => {
    let m = new nn.ConstantPad3d(3, 3.5);
    const input = torch.randn(16, 3, 10, 20, 30);
    let output = m(input);
    m = new nn.ConstantPad3d([3, 3, 6, 6, 0, 1], 3.5);
    output = m(input);
    return { vars: { input, output } };
  });
  for (const [name, make, shape] of [
    ["nn.ReflectionPad1d", (p: number | number[]) => new nn.ReflectionPad1d(p), [1, 2, 4]],
    ["nn.ReplicationPad1d", (p: number | number[]) => new nn.ReplicationPad1d(p), [1, 2, 4]],
  ] as const) {
    example(name, () => {
      let m = make(2);
      const input = torch.arange(8, { dtype: torch.float }).reshape(...shape);
      const e1 = m(input);
      m = make([3, 1]);
      return { vars: { input }, exprs: [input, e1, m(input)] };
    });
  }
  for (const [name, make] of [
    ["nn.ReflectionPad2d", (p: number | number[]) => new nn.ReflectionPad2d(p)],
    ["nn.ReplicationPad2d", (p: number | number[]) => new nn.ReplicationPad2d(p)],
  ] as const) {
    example(name, () => {
      let m = make(2);
      const input = torch.arange(9, { dtype: torch.float }).reshape(1, 1, 3, 3);
      const e1 = m(input);
      m = make([1, 1, 2, 0]);
      return { vars: { input }, exprs: [input, e1, m(input)] };
    });
  }
  example("nn.ReflectionPad3d", () => {
    const m = new nn.ReflectionPad3d(1);
    const input = torch.arange(8, { dtype: torch.float }).reshape(1, 1, 2, 2, 2);
    return { vars: { input }, exprs: [m(input)] };
  });
  example("nn.ZeroPad2d", () => {
    let m = new nn.ZeroPad2d(2);
    const input = torch.randn(1, 1, 3, 3);
    const e1 = m(input);
    m = new nn.ZeroPad2d([1, 1, 2, 0]);
    return { vars: { input }, exprs: [input, e1, m(input)] };
  });
  example("F.pad", () => {
    let t4d = torch.empty(3, 3, 4, 2);
    const p1d = [1, 1];
    let out = F.pad(t4d, p1d, "constant", 0);
    const p2d = [1, 1, 2, 2];
    out = F.pad(t4d, p2d, "constant", 0);
    t4d = torch.empty(3, 3, 4, 2);
    const p3d = [0, 1, 2, 1, 3, 3];
    out = F.pad(t4d, p3d, "constant", 0);
    // torch.empty's values are whatever memory held: only the shapes are compared
    return { vars: { t4d, out }, shapeOnly: ["t4d", "out"] };
  });
  example("nn.Fold", () => {
    const fold = new nn.Fold({ output_size: [4, 5], kernel_size: [2, 2] });
    const input = torch.randn(1, 3 * 2 * 2, 12);
    const output = fold(input);
    return { vars: { input, output }, exprs: [output.size()] };
  });
  example("nn.Unfold", () => {
    const unfold = new nn.Unfold({ kernel_size: [2, 3] });
    const input = torch.randn(2, 5, 3, 4);
    const output = unfold(input);
    const e1 = output.size();
    const inp = torch.randn(1, 3, 10, 12);
    const w = torch.randn(2, 3, 4, 5);
    const inp_unf = torch.nn.functional.unfold(inp, [4, 5]);
    const out_unf = inp_unf.transpose(1, 2).matmul(w.view(w.size(0), -1).t()).transpose(1, 2);
    const out = torch.nn.functional.fold(out_unf, [7, 8], [1, 1]);
    return { vars: { input, output, inp, w, inp_unf, out_unf, out }, exprs: [e1, torch.nn.functional.conv2d(inp, w).sub(out).abs().max()] };
  });
});

describe("torch 1.13 docstring examples: recurrent, attention, embedding, resampling and nn.functional", () => {
  example("nn.RNN", () => {
    const rnn = new nn.RNN(10, 20, 2);
    const input = torch.randn(5, 3, 10);
    const h0 = torch.randn(2, 3, 20);
    const [output, hn] = rnn(input, h0);
    return { vars: { input, h0, output, hn } };
  });
  example("nn.GRU", () => {
    const rnn = new nn.GRU(10, 20, 2);
    const input = torch.randn(5, 3, 10);
    const h0 = torch.randn(2, 3, 20);
    const [output, hn] = rnn(input, h0);
    return { vars: { input, h0, output, hn } };
  });
  example("nn.LSTM", () => {
    const rnn = new nn.LSTM(10, 20, 2);
    const input = torch.randn(5, 3, 10);
    const h0 = torch.randn(2, 3, 20);
    const c0 = torch.randn(2, 3, 20);
    const [output, [hn, cn]] = rnn(input, [h0, c0]);
    return { vars: { input, h0, c0, output, hn, cn } };
  });
  for (const [name, make] of [["nn.RNNCell", () => new nn.RNNCell(10, 20)], ["nn.GRUCell", () => new nn.GRUCell(10, 20)]] as const) {
    example(name, () => {
      const rnn = make();
      const input = torch.randn(6, 3, 10);
      let hx = torch.randn(3, 20);
      const output: Tensor[] = [];
      for (let i = 0; i < 6; i++) {
        hx = rnn(input.index(i), hx);
        output.push(hx);
      }
      return { vars: { input, hx } };
    });
  }
  example("nn.LSTMCell", () => {
    const rnn = new nn.LSTMCell(10, 20);
    const input = torch.randn(2, 3, 10);
    let hx = torch.randn(3, 20);
    let cx = torch.randn(3, 20);
    const steps: Tensor[] = [];
    for (let i = 0; i < input.size()[0]; i++) {
      [hx, cx] = rnn(input.index(i), [hx, cx]);
      steps.push(hx);
    }
    const output = torch.stack(steps, { dim: 0 });
    return { vars: { input, hx, cx, output } };
  });
  example("nn.TransformerEncoderLayer", () => {
    let encoder_layer = new nn.TransformerEncoderLayer({ d_model: 512, nhead: 8 });
    let src = torch.rand(10, 32, 512);
    let out = encoder_layer(src);
    encoder_layer = new nn.TransformerEncoderLayer({ d_model: 512, nhead: 8, batch_first: true });
    src = torch.rand(32, 10, 512);
    out = encoder_layer(src);
    return { vars: { src, out } };
  }, { timeout: 60_000 });
  example("nn.TransformerDecoderLayer", () => {
    let decoder_layer = new nn.TransformerDecoderLayer({ d_model: 512, nhead: 8 });
    let memory = torch.rand(10, 32, 512);
    let tgt = torch.rand(20, 32, 512);
    let out = decoder_layer(tgt, memory);
    decoder_layer = new nn.TransformerDecoderLayer({ d_model: 512, nhead: 8, batch_first: true });
    memory = torch.rand(32, 10, 512);
    tgt = torch.rand(32, 20, 512);
    out = decoder_layer(tgt, memory);
    return { vars: { memory, tgt, out } };
  }, { timeout: 60_000 });
  example("F.embedding", () => {
    let input = torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]], { dtype: torch.long });
    let embedding_matrix = torch.rand(10, 3);
    const e1 = F.embedding(input, embedding_matrix);
    const weights = torch.rand(10, 3);
    const e2 = weights.index(0, null).zero_();
    embedding_matrix = weights;
    input = torch.tensor([[0, 2, 0, 5]], { dtype: torch.long });
    return { vars: { input, embedding_matrix, weights }, exprs: [e1, e2, F.embedding(input, embedding_matrix, { padding_idx: 0 })] };
  });
  example("nn.EmbeddingBag", () => {
    let embedding_sum = new nn.EmbeddingBag(10, 3, { mode: "sum" });
    let input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: torch.long });
    let offsets = torch.tensor([0, 4], { dtype: torch.long });
    const e1 = embedding_sum(input, offsets);
    embedding_sum = new nn.EmbeddingBag(10, 3, { mode: "sum", padding_idx: 2 });
    input = torch.tensor([2, 2, 2, 2, 4, 3, 2, 9], { dtype: torch.long });
    offsets = torch.tensor([0, 4], { dtype: torch.long });
    const e2 = embedding_sum(input, offsets);
    const embedding = new nn.Embedding(10, 3, { padding_idx: 2 });
    embedding_sum = nn.EmbeddingBag.from_pretrained(embedding.weight, { padding_idx: embedding.padding_idx, mode: "sum" });
    expect(embedding_sum.weight.equal(embedding.weight)).toBe(true);
    return { vars: { input, offsets }, exprs: [e1, e2] };
  });
  example("F.embedding_bag", () => {
    let embedding_matrix = torch.rand(10, 3);
    let input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: torch.long });
    let offsets = torch.tensor([0, 4], { dtype: torch.long });
    const e1 = F.embedding_bag(input, embedding_matrix, offsets);
    embedding_matrix = torch.rand(10, 3);
    input = torch.tensor([2, 2, 2, 2, 4, 3, 2, 9], { dtype: torch.long });
    offsets = torch.tensor([0, 4], { dtype: torch.long });
    return { vars: { embedding_matrix, input, offsets }, exprs: [e1, F.embedding_bag(input, embedding_matrix, offsets, { padding_idx: 2, mode: "sum" })] };
  });
  example("F.one_hot", () => ({
    vars: {},
    exprs: [
      F.one_hot(torch.arange(0, 5).remainder(3)),
      F.one_hot(torch.arange(0, 5).remainder(3), { num_classes: 5 }),
      F.one_hot(torch.arange(0, 6).view(3, 2).remainder(3)),
    ],
  }));
  example("nn.Upsample", () => {
    const input = torch.arange(1, 5, { dtype: torch.float32 }).view(1, 1, 2, 2);
    const exprs: Tensor[] = [input.clone()];
    let m = new nn.Upsample({ scale_factor: 2, mode: "nearest" });
    exprs.push(m(input));
    m = new nn.Upsample({ scale_factor: 2, mode: "bilinear" });
    exprs.push(m(input));
    m = new nn.Upsample({ scale_factor: 2, mode: "bilinear", align_corners: true });
    exprs.push(m(input));
    const input_3x3 = torch.zeros(3, 3).view(1, 1, 3, 3);
    exprs.push(input_3x3.index(null, null, ":2", ":2").copy_(input));
    exprs.push(input_3x3);
    m = new nn.Upsample({ scale_factor: 2, mode: "bilinear" });
    exprs.push(m(input_3x3));
    m = new nn.Upsample({ scale_factor: 2, mode: "bilinear", align_corners: true });
    exprs.push(m(input_3x3));
    return { vars: { input, input_3x3 }, exprs };
  });
  for (const [name, make] of [
    ["nn.UpsamplingBilinear2d", () => new nn.UpsamplingBilinear2d({ scale_factor: 2 })],
    ["nn.UpsamplingNearest2d", () => new nn.UpsamplingNearest2d({ scale_factor: 2 })],
  ] as const) {
    example(name, () => {
      const input = torch.arange(1, 5, { dtype: torch.float32 }).view(1, 1, 2, 2);
      const m = make();
      return { vars: { input }, exprs: [input, m(input)] };
    });
  }
  example("F.pixel_shuffle", () => {
    const input = torch.randn(1, 9, 4, 4);
    const output = torch.nn.functional.pixel_shuffle(input, 3);
    return { vars: { input, output } };
  });
  example("F.pixel_unshuffle", () => {
    const input = torch.randn(1, 1, 12, 12);
    const output = torch.nn.functional.pixel_unshuffle(input, 3);
    return { vars: { input, output } };
  });
  for (const name of ["F.channel_shuffle", "F.native_channel_shuffle"] as const) {
    example(name, () => {
      const input = torch.randn(1, 4, 2, 2);
      const output = name === "F.channel_shuffle" ? torch.nn.functional.channel_shuffle(input, 2) : torch.nn.functional.native_channel_shuffle(input, 2);
      return { vars: { input, output } };
    });
  }
  example("F.gumbel_softmax", () => {
    const logits = torch.randn(20, 32);
    const e1 = F.gumbel_softmax(logits, { tau: 1, hard: false });
    return { vars: { logits }, exprs: [e1, F.gumbel_softmax(logits, { tau: 1, hard: true })] };
  });
});

describe("torch 1.13 docstring examples: nn.init, nn.utils and nn.utils.rnn", () => {
  const init: [string, (w: Tensor) => Tensor][] = [
    ["nn.init.uniform_", (w) => nn.init.uniform_(w)],
    ["nn.init.normal_", (w) => nn.init.normal_(w)],
    ["nn.init.constant_", (w) => nn.init.constant_(w, 0.3)],
    ["nn.init.zeros_", (w) => nn.init.zeros_(w)],
    ["nn.init.ones_", (w) => nn.init.ones_(w)],
    ["nn.init.xavier_uniform_", (w) => nn.init.xavier_uniform_(w, { gain: nn.init.calculate_gain("relu") })],
    ["nn.init.xavier_normal_", (w) => nn.init.xavier_normal_(w)],
    ["nn.init.kaiming_uniform_", (w) => nn.init.kaiming_uniform_(w, { mode: "fan_in", nonlinearity: "relu" })],
    ["nn.init.kaiming_normal_", (w) => nn.init.kaiming_normal_(w, { mode: "fan_out", nonlinearity: "relu" })],
    ["nn.init.eye_", (w) => nn.init.eye_(w)],
    ["nn.init.trunc_normal_", (w) => nn.init.trunc_normal_(w)],
    ["nn.init.orthogonal_", (w) => nn.init.orthogonal_(w)],
    ["nn.init.sparse_", (w) => nn.init.sparse_(w, { sparsity: 0.1 })],
  ];
  for (const [name, fill] of init) {
    example(name, () => {
      const w = torch.empty(3, 5);
      return { vars: { w }, exprs: [fill(w)] };
    });
  }
  example("nn.init.calculate_gain", () => {
    const gain = nn.init.calculate_gain("leaky_relu", 0.2);
    return { vars: {}, numbers: { gain } };
  });
  example("nn.init.dirac_", () => {
    let w = torch.empty(3, 16, 5, 5);
    const e1 = nn.init.dirac_(w);
    w = torch.empty(3, 24, 5, 5);
    return { vars: { w }, exprs: [e1, nn.init.dirac_(w, 3)] };
  });
  example("nn.utils.rnn.pad_sequence", () => {
    const { pad_sequence } = nn.utils.rnn;
    const a = torch.ones(25, 300);
    const b = torch.ones(22, 300);
    const c = torch.ones(15, 300);
    return { vars: { a, b, c }, exprs: [pad_sequence([a, b, c]).size()] };
  });
  example("nn.utils.rnn.pad_packed_sequence", () => {
    const { pack_padded_sequence, pad_packed_sequence } = nn.utils.rnn;
    const seq = torch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]], { dtype: torch.long });
    const lens = [2, 1, 3];
    const packed = pack_padded_sequence(seq, lens, { batch_first: true, enforce_sorted: false });
    const e1 = [packed.data, packed.batch_sizes, packed.sorted_indices!, packed.unsorted_indices!];
    const [seq_unpacked, lens_unpacked] = pad_packed_sequence(packed, { batch_first: true });
    return { vars: { seq, seq_unpacked, lens_unpacked }, exprs: [e1, seq_unpacked, lens_unpacked] };
  });
  example("nn.utils.rnn.pack_sequence", () => {
    const { pack_sequence } = nn.utils.rnn;
    const a = torch.tensor([1, 2, 3], { dtype: torch.long });
    const b = torch.tensor([4, 5], { dtype: torch.long });
    const c = torch.tensor([6], { dtype: torch.long });
    const p = pack_sequence([a, b, c]);
    return { vars: { a, b, c }, exprs: [[p.data, p.batch_sizes]] };
  });
  example("nn.utils.weight_norm", () => {
    const { weight_norm } = nn.utils;
    const m = weight_norm(new nn.Linear(20, 40), { name: "weight" });
    // weight_g / weight_v are added at run time, as in PyTorch: TypeScript's Linear does not declare them
    const added = m as unknown as { weight_g: Tensor; weight_v: Tensor };
    return { vars: {}, exprs: [added.weight_g.size(), added.weight_v.size()] };
  });
  example("nn.utils.remove_weight_norm", () => {
    const { weight_norm, remove_weight_norm } = nn.utils;
    const m = weight_norm(new nn.Linear(20, 40));
    remove_weight_norm(m);
    return { vars: {} };
  });
  example("nn.utils.spectral_norm", () => {
    const { spectral_norm } = nn.utils;
    const m = spectral_norm(new nn.Linear(20, 40));
    return { vars: {}, exprs: [(m as unknown as { weight_u: Tensor }).weight_u.size()] };
  });
  example("nn.utils.remove_spectral_norm", () => {
    const { spectral_norm, remove_spectral_norm } = nn.utils;
    const m = spectral_norm(new nn.Linear(40, 10));
    remove_spectral_norm(m);
    return { vars: {} };
  });
});

/** Python's str() of a list of strings: ['a', 'b']. */
const pyList = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(", ")}]`;

describe("torch 1.13 docstring examples: the containers (plain code, driven with a seeded input)", () => {
  example("nn.Sequential", () => {
    let model = new nn.Sequential(new nn.Conv2d(1, 20, 5), new nn.ReLU(), new nn.Conv2d(20, 64, 5), new nn.ReLU());
    model = new nn.Sequential(
      new Map<string, nn.Module>([
        ["conv1", new nn.Conv2d(1, 20, 5)],
        ["relu1", new nn.ReLU()],
        ["conv2", new nn.Conv2d(20, 64, 5)],
        ["relu2", new nn.ReLU()],
      ]),
    );
    const x = torch.randn(1, 1, 28, 28);
    const out = model(x);
    return { vars: { x, out }, strings: { names: pyList([...model.named_children()].map(([n]) => n)), shown: String(model) } };
  });
  example("nn.ModuleList", () => {
    class MyModule extends nn.Module {
      linears = new nn.ModuleList(Array.from({ length: 10 }, () => new nn.Linear(10, 10)));
      forward(x: Tensor): Tensor {
        // ModuleList can act as an iterable, or be indexed using ints
        [...this.linears].forEach((l, i) => {
          x = this.linears.get(Math.floor(i / 2))(x).add(l(x));
        });
        return x;
      }
    }
    const m = new MyModule();
    const x = torch.randn(3, 10);
    const out = m(x);
    return { vars: { x, out }, strings: { names: pyList([...m.named_parameters()].slice(0, 4).map(([n]) => n)), shown: String(m) } };
  });
  example("nn.ModuleDict", () => {
    class MyModule extends nn.Module {
      choices = new nn.ModuleDict({ conv: new nn.Conv2d(10, 10, 3), pool: new nn.MaxPool2d(3) });
      activations = new nn.ModuleDict([
        ["lrelu", new nn.LeakyReLU()],
        ["prelu", new nn.PReLU()],
      ]);
      forward(x: Tensor, choice: string, act: string): Tensor {
        x = this.choices.get(choice)(x);
        x = this.activations.get(act)(x);
        return x;
      }
    }
    const m = new MyModule();
    const x = torch.randn(1, 10, 8, 8);
    const out = m(x, "conv", "prelu");
    return { vars: { x, out }, strings: { names: pyList([...m.named_modules()].map(([n]) => n)), shown: String(m) } };
  });
  example("nn.ParameterList", () => {
    class MyModule extends nn.Module {
      params = new nn.ParameterList(Array.from({ length: 10 }, () => new nn.Parameter(torch.randn(10, 10))));
      forward(x: Tensor): Tensor {
        // ParameterList can act as an iterable, or be indexed using ints
        [...this.params].forEach((p, i) => {
          x = this.params.get(Math.floor(i / 2)).mm(x).add(p.mm(x));
        });
        return x;
      }
    }
    const m = new MyModule();
    const x = torch.randn(10, 3);
    const out = m(x);
    return { vars: { x, out }, strings: { names: pyList([...m.named_parameters()].slice(0, 3).map(([n]) => n)), shown: String(m) } };
  });
  example("nn.ParameterDict", () => {
    class MyModule extends nn.Module {
      params = new nn.ParameterDict({ left: new nn.Parameter(torch.randn(5, 10)), right: new nn.Parameter(torch.randn(5, 10)) });
      forward(x: Tensor, choice: string): Tensor {
        x = this.params.get(choice).mm(x);
        return x;
      }
    }
    const m = new MyModule();
    const x = torch.randn(10, 3);
    const out = m(x, "left");
    return { vars: { x, out }, strings: { names: pyList([...m.named_parameters()].map(([n]) => n)), shown: String(m) } };
  });
});

describe("torch 1.13 docstring examples: a first batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.arange", () => ({ vars: {}, exprs: [torch.arange(5), torch.arange(1, 4), torch.arange(1, 2.5, 0.5)] }));
  example("torch.linspace", () => ({
    vars: {},
    exprs: [torch.linspace(3, 10, { steps: 5 }), torch.linspace(-10, 10, { steps: 5 }), torch.linspace({ start: -10, end: 10, steps: 5 }), torch.linspace({ start: -10, end: 10, steps: 1 })],
  }));
  example("torch.zeros", () => ({ vars: {}, exprs: [torch.zeros(2, 3), torch.zeros(5)] }));
  example("torch.ones", () => ({ vars: {}, exprs: [torch.ones(2, 3), torch.ones(5)] }));
  example("torch.full", () => ({ vars: {}, exprs: [torch.full([2, 3], 3.141592)] }));
  example("torch.eye", () => ({ vars: {}, exprs: [torch.eye(3)] }));
  example("torch.cat", () => {
    const x = torch.randn(2, 3);
    return { vars: { x }, exprs: [x, torch.cat([x, x, x], 0), torch.cat([x, x, x], 1)] };
  });
  example("torch.reshape", () => {
    const a = torch.arange(4, { dtype: torch.float32 }); // Python's 4. is a float; JS's 4.0 is 4 (core.ts)
    const e1 = torch.reshape(a, [2, 2]);
    const b = torch.tensor([[0, 1], [2, 3]], L);
    return { vars: { a, b }, exprs: [e1, torch.reshape(b, [-1])] };
  });
  example("torch.flatten", () => {
    const t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], L);
    return { vars: { t }, exprs: [torch.flatten(t), torch.flatten(t, { start_dim: 1 })] };
  });
  example("torch.squeeze", () => {
    const x = torch.zeros(2, 1, 2, 1, 2);
    const exprs: Printed[] = [x.size()];
    let y = torch.squeeze(x);
    exprs.push(y.size());
    y = torch.squeeze(x, 0);
    exprs.push(y.size());
    y = torch.squeeze(x, 1);
    exprs.push(y.size());
    return { vars: { x, y }, exprs };
  });
  example("torch.unsqueeze", () => {
    const x = torch.tensor([1, 2, 3, 4], L);
    return { vars: { x }, exprs: [torch.unsqueeze(x, 0), torch.unsqueeze(x, 1)] };
  });
  example("torch.transpose", () => {
    const x = torch.randn(2, 3);
    return { vars: { x }, exprs: [x, torch.transpose(x, 0, 1)] };
  });
  example("torch.permute", () => {
    const x = torch.randn(2, 3, 5);
    return { vars: { x }, exprs: [x.size(), torch.permute(x, [2, 0, 1]).size()] };
  });
  example("torch.sum", () => {
    let a = torch.randn(1, 3);
    const exprs: Printed[] = [a, torch.sum(a)];
    a = torch.randn(4, 4);
    exprs.push(a, torch.sum(a, 1));
    const b = torch.arange(4 * 5 * 6).view(4, 5, 6);
    exprs.push(torch.sum(b, [2, 1]));
    return { vars: { a, b }, exprs };
  });
  example("torch.mean", () => {
    let a = torch.randn(1, 3);
    const exprs: Printed[] = [a, torch.mean(a)];
    a = torch.randn(4, 4);
    exprs.push(a, torch.mean(a, 1), torch.mean(a, 1, true));
    return { vars: { a }, exprs };
  });
  for (const name of ["torch.max", "torch.min"] as const) {
    example(name, () => {
      const f = name === "torch.max" ? torch.max : torch.min;
      let a = torch.randn(1, 3);
      const exprs: Printed[] = [a, f(a)];
      a = torch.randn(4, 4);
      exprs.push(a, [...(f(a, 1) as unknown as [Tensor, Tensor])]);
      return { vars: { a }, exprs };
    });
  }
  example("torch.argmax", () => {
    let a = torch.randn(4, 4);
    const exprs: Printed[] = [a, torch.argmax(a)];
    a = torch.randn(4, 4);
    exprs.push(a, torch.argmax(a, { dim: 1 }));
    return { vars: { a }, exprs };
  });
  example("torch.topk", () => {
    const x = torch.arange(1, 6, { dtype: torch.float32 });
    return { vars: { x }, exprs: [x, [...torch.topk(x, 3)]] };
  });
  example("torch.sort", () => {
    let x = torch.randn(3, 4);
    let [sorted, indices] = torch.sort(x);
    const exprs: Printed[] = [sorted, indices];
    [sorted, indices] = torch.sort(x, 0);
    exprs.push(sorted, indices);
    x = torch.tensor(Array.from({ length: 18 }, (_, i) => i % 2), L);
    exprs.push([...x.sort()], [...x.sort({ stable: true })]);
    // x.sort()'s indices among equal values are unspecified (the docstring shows it to contrast stable=True)
    return { vars: { x, sorted, indices }, exprs, unspecifiedOrder: [4] };
  });
  example("torch.where", () => {
    let x = torch.randn(3, 2);
    const y = torch.ones(3, 2);
    const exprs: Printed[] = [x, torch.where(x.gt(0), x, y)];
    x = torch.randn([2, 2], { dtype: torch.double });
    exprs.push(x, torch.where(x.gt(0), x, 0.0));
    return { vars: { x, y }, exprs };
  });
  example("torch.gather", () => {
    const t = torch.tensor([[1, 2], [3, 4]], L);
    return { vars: { t }, exprs: [torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]], L))] };
  });
  example("torch.clamp", () => {
    const a = torch.randn(4);
    const exprs: Printed[] = [a, torch.clamp(a, { min: -0.5, max: 0.5 })];
    const min = torch.linspace(-1, 1, { steps: 4 });
    exprs.push(torch.clamp(a, { min }));
    return { vars: { a, min }, exprs };
  });
  example("torch.matmul", () => {
    const exprs: Printed[] = [];
    let tensor1 = torch.randn(3);
    let tensor2 = torch.randn(3);
    exprs.push(torch.matmul(tensor1, tensor2).size());
    tensor1 = torch.randn(3, 4);
    tensor2 = torch.randn(4);
    exprs.push(torch.matmul(tensor1, tensor2).size());
    tensor1 = torch.randn(10, 3, 4);
    tensor2 = torch.randn(4);
    exprs.push(torch.matmul(tensor1, tensor2).size());
    tensor1 = torch.randn(10, 3, 4);
    tensor2 = torch.randn(10, 4, 5);
    exprs.push(torch.matmul(tensor1, tensor2).size());
    tensor1 = torch.randn(10, 3, 4);
    tensor2 = torch.randn(4, 5);
    exprs.push(torch.matmul(tensor1, tensor2).size());
    return { vars: { tensor1, tensor2 }, exprs };
  });
  example("torch.mm", () => {
    const mat1 = torch.randn(2, 3);
    const mat2 = torch.randn(3, 3);
    return { vars: { mat1, mat2 }, exprs: [torch.mm(mat1, mat2)] };
  });
  example("torch.bmm", () => {
    const input = torch.randn(10, 3, 4);
    const mat2 = torch.randn(10, 4, 5);
    const res = torch.bmm(input, mat2);
    return { vars: { input, mat2, res }, exprs: [res.size()] };
  });
  example("torch.einsum", () => {
    const exprs: Printed[] = [torch.einsum("ii", torch.randn(4, 4)), torch.einsum("ii->i", torch.randn(4, 4))];
    const x = torch.randn(5);
    const y = torch.randn(4);
    exprs.push(torch.einsum("i,j->ij", x, y));
    const As = torch.randn(3, 2, 5);
    const Bs = torch.randn(3, 5, 4);
    exprs.push(torch.einsum("bij,bjk->bik", As, Bs));
    exprs.push(torch.einsum(As, ["...", 0, 1], Bs, ["...", 1, 2], ["...", 0, 2]));
    let A = torch.randn(2, 3, 4, 5);
    exprs.push(torch.einsum("...ij->...ji", A).shape);
    A = torch.randn(3, 5, 4);
    const l = torch.randn(2, 5);
    const r = torch.randn(2, 4);
    exprs.push(torch.einsum("bn,anm,bm->ba", l, A, r));
    return { vars: { x, y, As, Bs, A, l, r }, exprs };
  });
  example("torch.cumsum", () => {
    const a = torch.randn(10);
    return { vars: { a }, exprs: [a, torch.cumsum(a, { dim: 0 })] };
  });
  example("torch.tril", () => {
    const a = torch.randn(3, 3);
    const exprs: Printed[] = [a, torch.tril(a)];
    const b = torch.randn(4, 6);
    exprs.push(b, torch.tril(b, { diagonal: 1 }), torch.tril(b, { diagonal: -1 }));
    return { vars: { a, b }, exprs };
  });
  example("torch.triu", () => {
    const a = torch.randn(3, 3);
    const exprs: Printed[] = [a, torch.triu(a), torch.triu(a, { diagonal: 1 }), torch.triu(a, { diagonal: -1 })];
    const b = torch.randn(4, 6);
    exprs.push(b, torch.triu(b, { diagonal: 1 }), torch.triu(b, { diagonal: -1 }));
    return { vars: { a, b }, exprs };
  });
  example("torch.chunk", () => ({ vars: {}, exprs: [torch.arange(11).chunk(6), torch.arange(12).chunk(6), torch.arange(13).chunk(6)] }));
  example("torch.index_select", () => {
    const x = torch.randn(3, 4);
    const indices = torch.tensor([0, 2], L);
    return { vars: { x, indices }, exprs: [x, torch.index_select(x, 0, indices), torch.index_select(x, 1, indices)] };
  });
  example("torch.masked_select", () => {
    const x = torch.randn(3, 4);
    const mask = x.ge(0.5);
    return { vars: { x, mask }, exprs: [x, mask, torch.masked_select(x, mask)] };
  });
  example("torch.nonzero", () => {
    const m = [[0.6, 0.0, 0.0, 0.0], [0.0, 0.4, 0.0, 0.0], [0.0, 0.0, 1.2, 0.0], [0.0, 0.0, 0.0, -0.4]];
    return {
      vars: {},
      exprs: [
        torch.nonzero(torch.tensor([1, 1, 1, 0, 1], L)),
        torch.nonzero(torch.tensor(m)),
        torch.nonzero(torch.tensor([1, 1, 1, 0, 1], L), { as_tuple: true }),
        torch.nonzero(torch.tensor(m), { as_tuple: true }),
        torch.nonzero(torch.tensor(5, L), { as_tuple: true }),
      ],
    };
  });
  example("torch.unique", () => {
    let output = torch.unique(torch.tensor([1, 3, 2, 3], { dtype: torch.long })) as Tensor;
    const exprs: Printed[] = [output];
    let inverse_indices: Tensor;
    [output, inverse_indices] = torch.unique(torch.tensor([1, 3, 2, 3], { dtype: torch.long }), { sorted: true, return_inverse: true }) as [Tensor, Tensor];
    exprs.push(output, inverse_indices);
    [output, inverse_indices] = torch.unique(torch.tensor([[1, 3], [2, 3]], { dtype: torch.long }), { sorted: true, return_inverse: true }) as [Tensor, Tensor];
    exprs.push(output, inverse_indices);
    return { vars: { output, inverse_indices }, exprs };
  });
  for (const name of ["torch.std", "torch.var"] as const) {
    example(name, () => {
      const a = torch.tensor([[-0.8166, -1.3802, -0.356]]);
      return { vars: { a }, exprs: [name === "torch.std" ? torch.std(a, { unbiased: false }) : torch.var(a, { unbiased: false })] };
    });
  }
  example("torch.norm", () => {
    const a = torch.arange(9, { dtype: torch.float }).sub(4);
    const b = a.reshape([3, 3]);
    const exprs: Printed[] = [torch.norm(a), torch.norm(b), torch.norm(a, Infinity), torch.norm(b, Infinity)];
    const c = torch.tensor([[1, 2, 3], [-1, 1, 4]], { dtype: torch.float });
    exprs.push(torch.norm(c, { dim: 0 }), torch.norm(c, { dim: 1 }), torch.norm(c, { p: 1, dim: 1 }));
    const d = torch.arange(8, { dtype: torch.float }).reshape(2, 2, 2);
    exprs.push(torch.norm(d, { dim: [1, 2] }), [torch.norm(d.index(0, null, null)), torch.norm(d.index(1, null, null))]);
    return { vars: { a, b, c, d }, exprs };
  });
  example("torch.allclose", () => ({
    vars: {},
    exprs: [
      torch.allclose(torch.tensor([10000, 1e-7]), torch.tensor([10000.1, 1e-8])),
      torch.allclose(torch.tensor([10000, 1e-8]), torch.tensor([10000.1, 1e-9])),
      torch.allclose(torch.tensor([1.0, NaN]), torch.tensor([1.0, NaN])),
      torch.allclose(torch.tensor([1.0, NaN]), torch.tensor([1.0, NaN]), { equal_nan: true }),
    ],
  }));
  example("torch.isclose", () => ({
    vars: {},
    exprs: [torch.isclose(torch.tensor([1, 2, 3]), torch.tensor([1 + 1e-10, 3, 4])), torch.isclose(torch.tensor([Infinity, 4]), torch.tensor([Infinity, 6]), { rtol: 0.5 })],
  }));
  example("torch.flip", () => {
    const x = torch.arange(8).view(2, 2, 2);
    return { vars: { x }, exprs: [x, torch.flip(x, [0, 1])] };
  });
  example("torch.roll", () => {
    const x = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8], L).view(4, 2);
    return { vars: { x }, exprs: [x, torch.roll(x, 1), torch.roll(x, 1, 0), torch.roll(x, -1, 0), torch.roll(x, { shifts: [2, 1], dims: [0, 1] })] };
  });
  example("torch.repeat_interleave", () => {
    const x = torch.tensor([1, 2, 3], L);
    const y = torch.tensor([[1, 2], [3, 4]], L);
    return {
      vars: { x, y },
      exprs: [
        x.repeat_interleave(2),
        torch.repeat_interleave(y, 2),
        torch.repeat_interleave(y, 3, { dim: 1 }),
        torch.repeat_interleave(y, torch.tensor([1, 2], L), { dim: 0 }),
        torch.repeat_interleave(y, torch.tensor([1, 2], L), { dim: 0, output_size: 3 }),
      ],
    };
  });
  example("torch.meshgrid", () => {
    const x = torch.tensor([1, 2, 3], L);
    const y = torch.tensor([4, 5, 6], L);
    const [grid_x, grid_y] = torch.meshgrid(x, y, { indexing: "ij" });
    return { vars: { x, y, grid_x, grid_y }, exprs: [grid_x, grid_y, torch.equal(torch.cat([...torch.dstack([grid_x, grid_y])]), torch.cartesian_prod(x, y))] };
  });
  example("torch.outer", () => {
    const v1 = torch.arange(1, 5, { dtype: torch.float32 });
    const v2 = torch.arange(1, 4, { dtype: torch.float32 });
    return { vars: { v1, v2 }, exprs: [torch.outer(v1, v2)] };
  });
  example("torch.diag", () => {
    let a = torch.randn(3);
    const exprs: Printed[] = [a, torch.diag(a), torch.diag(a, 1)];
    a = torch.randn(3, 3);
    exprs.push(a, torch.diag(a, 0), torch.diag(a, 1));
    return { vars: { a }, exprs };
  });
  example("torch.randperm", () => ({ vars: {}, exprs: [torch.randperm(4)] }));
  example("torch.multinomial", () => {
    const weights = torch.tensor([0, 10, 3, 0], { dtype: torch.float });
    return { vars: { weights }, exprs: [torch.multinomial(weights, 2), torch.multinomial(weights, 4), torch.multinomial(weights, 4, { replacement: true })] };
  });
  example("torch.t", () => {
    let x = torch.randn([]);
    const exprs: Printed[] = [x, torch.t(x)];
    x = torch.randn(3);
    exprs.push(x, torch.t(x));
    x = torch.randn(2, 3);
    exprs.push(x, torch.t(x));
    return { vars: { x }, exprs };
  });
  example("torch.numel", () => {
    let a = torch.randn(1, 2, 3, 4, 5);
    const e1 = torch.numel(a);
    a = torch.zeros(4, 4);
    return { vars: { a }, exprs: [e1, torch.numel(a)] };
  });
  example("torch.logsumexp", () => {
    const a = torch.randn(3, 3);
    return { vars: { a }, exprs: [torch.logsumexp(a, 1), torch.dist(torch.logsumexp(a, 1), torch.log(torch.sum(torch.exp(a), 1)))] };
  });
  example("torch.amax", () => {
    const a = torch.randn(4, 4);
    return { vars: { a }, exprs: [a, torch.amax(a, 1)] };
  });
  example("torch.argsort", () => {
    const a = torch.randn(4, 4);
    return { vars: { a }, exprs: [a, torch.argsort(a, { dim: 1 })] };
  });
  example("torch.split", () => {
    const a = torch.arange(10).reshape(5, 2);
    return { vars: { a }, exprs: [a, torch.split(a, 2), torch.split(a, [1, 4])] };
  });
});

describe("torch 1.13 docstring examples: a second batch of torch functions (elementwise, comparison, reshaping)", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  // a = torch.randn(4) (or rand); a; torch.f(a)
  const unary: [string, (a: Tensor) => Tensor, () => Tensor][] = [
    ["acos", torch.acos, () => torch.randn(4)], ["asin", torch.asin, () => torch.randn(4)], ["atan", torch.atan, () => torch.randn(4)],
    ["cosh", torch.cosh, () => torch.randn(4)], ["sinh", torch.sinh, () => torch.randn(4)], ["tan", torch.tan, () => torch.randn(4)],
    ["tanh", torch.tanh, () => torch.randn(4)], ["trunc", torch.trunc, () => torch.randn(4)], ["neg", torch.neg, () => torch.randn(5)],
    ["log1p", torch.log1p, () => torch.randn(5)], ["sqrt", torch.sqrt, () => torch.randn(4)], ["rsqrt", torch.rsqrt, () => torch.randn(4)],
    ["square", torch.square, () => torch.randn(4)], ["reciprocal", torch.reciprocal, () => torch.randn(4)], ["sin", torch.sin, () => torch.randn(4)],
    ["cos", torch.cos, () => torch.randn(4)], ["floor", torch.floor, () => torch.randn(4)], ["ceil", torch.ceil, () => torch.randn(4)],
    ["log2", torch.log2, () => torch.rand(5)], ["log10", torch.log10, () => torch.rand(5)], ["log", torch.log, () => torch.rand(5).mul(5)],
    ["atan2", (a) => torch.atan2(a, torch.randn(4)), () => torch.randn(4)],
  ];
  for (const [f, fn, make] of unary) {
    example(`torch.${f}`, () => {
      const a = make();
      return { vars: { a }, exprs: [a, fn(a)] };
    });
  }
  example("torch.sign", () => {
    const a = torch.tensor([0.7, -1.2, 0, 2.3]);
    return { vars: { a }, exprs: [a, torch.sign(a)] };
  });
  example("torch.abs", () => ({ vars: {}, exprs: [torch.abs(torch.tensor([-1, -2, 3], L))] }));
  example("torch.add", () => {
    const a = torch.randn(4);
    const exprs: Printed[] = [a, torch.add(a, 20)];
    const b = torch.randn(4);
    const c = torch.randn(4, 1);
    exprs.push(b, c, torch.add(b, c, { alpha: 10 }));
    return { vars: { a, b, c }, exprs };
  });
  example("torch.sub", () => {
    const a = torch.tensor([1, 2], L);
    const b = torch.tensor([0, 1], L);
    return { vars: { a, b }, exprs: [torch.sub(a, b, { alpha: 2 })] };
  });
  example("torch.mul", () => {
    const a = torch.randn(3);
    const exprs: Printed[] = [a, torch.mul(a, 100)];
    const b = torch.randn(4, 1);
    const c = torch.randn(1, 4);
    exprs.push(b, c, torch.mul(b, c));
    return { vars: { a, b, c }, exprs };
  });
  example("torch.floor_divide", () => {
    const a = torch.tensor([4.0, 3.0]);
    const b = torch.tensor([2.0, 2.0]);
    return { vars: { a, b }, exprs: [torch.floor_divide(a, b), torch.floor_divide(a, 1.4)] };
  });
  for (const [name, f] of [["torch.remainder", torch.remainder], ["torch.fmod", torch.fmod]] as const) {
    example(name, () => ({ vars: {}, exprs: [f(torch.tensor([-3, -2, -1, 1, 2, 3]), 2), f(torch.tensor([1, 2, 3, 4, 5], L), -1.5)] }));
  }
  for (const [name, f] of [["torch.maximum", torch.maximum], ["torch.minimum", torch.minimum]] as const) {
    example(name, () => {
      const a = torch.tensor([1, 2, -1], L);
      const b = torch.tensor([3, 0, 4], L);
      return { vars: { a, b }, exprs: [f(a, b)] };
    });
  }
  for (const [name, f] of [["torch.addcmul", torch.addcmul], ["torch.addcdiv", torch.addcdiv]] as const) {
    example(name, () => {
      const t = torch.randn(1, 3);
      const t1 = torch.randn(3, 1);
      const t2 = torch.randn(1, 3);
      return { vars: { t, t1, t2 }, exprs: [f(t, t1, t2, { value: 0.1 })] };
    });
  }
  example("torch.argmin", () => {
    const a = torch.randn(4, 4);
    return { vars: { a }, exprs: [a, torch.argmin(a), torch.argmin(a, { dim: 1 }), torch.argmin(a, { dim: 1, keepdim: true })] };
  });
  example("torch.prod", () => {
    let a = torch.randn(1, 3);
    const exprs: Printed[] = [a, torch.prod(a)];
    a = torch.randn(4, 2);
    exprs.push(a, torch.prod(a, 1));
    return { vars: { a }, exprs };
  });
  example("torch.median", () => {
    let a = torch.randn(1, 3);
    const exprs: Printed[] = [a, torch.median(a)];
    a = torch.randn(4, 5);
    exprs.push(a, [...(torch.median(a, 1) as unknown as [Tensor, Tensor])]);
    return { vars: { a }, exprs };
  });
  example("torch.cumprod", () => {
    const a = torch.randn(10);
    const exprs: Printed[] = [a.clone() /* printed before a[5] = 0.0 */, torch.cumprod(a, { dim: 0 })];
    a.index_put_([5], 0.0);
    exprs.push(torch.cumprod(a, { dim: 0 }));
    return { vars: { a }, exprs };
  });
  example("torch.cross", () => {
    const a = torch.randn(4, 3);
    const b = torch.randn(4, 3);
    return { vars: { a, b }, exprs: [a, b, torch.cross(a, b, { dim: 1 }), torch.cross(a, b)] };
  });
  example("torch.diagonal", () => {
    const a = torch.randn(3, 3);
    const exprs: Printed[] = [a, torch.diagonal(a, 0), torch.diagonal(a, 1)];
    const x = torch.randn(2, 5, 4, 2);
    exprs.push(torch.diagonal(x, { offset: -1, dim1: 1, dim2: 2 }));
    return { vars: { a, x }, exprs };
  });
  example("torch.trace", () => {
    const x = torch.arange(1, 10, { dtype: torch.float32 }).view(3, 3);
    return { vars: { x }, exprs: [x, torch.trace(x)] };
  });
  example("torch.tile", () => {
    const x = torch.tensor([1, 2, 3], L);
    const y = torch.tensor([[1, 2], [3, 4]], L);
    return { vars: { x, y }, exprs: [x.tile([2]), torch.tile(y, [2, 2])] };
  });
  for (const [name, f] of [["torch.hstack", torch.hstack], ["torch.vstack", torch.vstack], ["torch.dstack", torch.dstack]] as const) {
    example(name, () => {
      let a = torch.tensor([1, 2, 3], L);
      let b = torch.tensor([4, 5, 6], L);
      const e1 = f([a, b]);
      a = torch.tensor([[1], [2], [3]], L);
      b = torch.tensor([[4], [5], [6]], L);
      return { vars: { a, b }, exprs: [e1, f([a, b])] };
    });
  }
  example("torch.narrow", () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], L);
    return { vars: { x }, exprs: [torch.narrow(x, 0, 0, 2), torch.narrow(x, 1, 1, 2)] };
  });
  example("torch.take", () => {
    const src = torch.tensor([[4, 3, 5], [6, 7, 8]], L);
    return { vars: { src }, exprs: [torch.take(src, torch.tensor([0, 2, 5], L))] };
  });
  example("torch.take_along_dim", () => {
    const t = torch.tensor([[10, 30, 20], [60, 40, 50]], L);
    const max_idx = torch.argmax(t);
    const e1 = torch.take_along_dim(t, max_idx);
    const sorted_idx = torch.argsort(t, { dim: 1 });
    return { vars: { t, max_idx, sorted_idx }, exprs: [e1, torch.take_along_dim(t, sorted_idx, { dim: 1 })] };
  });
  example("torch.rot90", () => {
    let x = torch.arange(4).view(2, 2);
    const exprs: Printed[] = [x, torch.rot90(x, 1, [0, 1])];
    x = torch.arange(8).view(2, 2, 2);
    exprs.push(x, torch.rot90(x, 1, [1, 2]));
    return { vars: { x }, exprs };
  });
  example("torch.kron", () => {
    let mat1 = torch.eye(2);
    let mat2 = torch.ones(2, 2);
    const e1 = torch.kron(mat1, mat2);
    mat1 = torch.eye(2);
    mat2 = torch.arange(1, 5).reshape(2, 2);
    return { vars: { mat1, mat2 }, exprs: [e1, torch.kron(mat1, mat2)] };
  });
  example("torch.bucketize", () => {
    const boundaries = torch.tensor([1, 3, 5, 7, 9], L);
    const v = torch.tensor([[3, 6, 9], [3, 6, 9]], L);
    return { vars: { boundaries, v }, exprs: [boundaries, v, torch.bucketize(v, boundaries), torch.bucketize(v, boundaries, { right: true })] };
  });
  example("torch.diff", () => {
    const a = torch.tensor([1, 3, 2], L);
    const e1 = torch.diff(a);
    const b = torch.tensor([4, 5], L);
    const e2 = torch.diff(a, { append: b });
    const c = torch.tensor([[1, 2, 3], [3, 4, 5]], L);
    return { vars: { a, b, c }, exprs: [e1, e2, torch.diff(c, { dim: 0 }), torch.diff(c, { dim: 1 })] };
  });
  example("torch.isnan", () => ({ vars: {}, exprs: [torch.isnan(torch.tensor([1, NaN, 2]))] }));
  example("torch.isinf", () => ({ vars: {}, exprs: [torch.isinf(torch.tensor([1, Infinity, 2, -Infinity, NaN]))] }));
  example("torch.isfinite", () => ({ vars: {}, exprs: [torch.isfinite(torch.tensor([1, Infinity, 2, -Infinity, NaN]))] }));
  for (const [name, f] of [["torch.eq", torch.eq], ["torch.ne", torch.ne], ["torch.gt", torch.gt], ["torch.ge", torch.ge], ["torch.lt", torch.lt], ["torch.le", torch.le]] as const) {
    example(name, () => ({ vars: {}, exprs: [f(torch.tensor([[1, 2], [3, 4]], L), torch.tensor([[1, 1], [4, 4]], L))] }));
  }
  example("torch.frac", () => ({ vars: {}, exprs: [torch.frac(torch.tensor([1, 2.5, -3.2]))] }));
  example("torch.deg2rad", () => {
    const a = torch.tensor([[180.0, -180.0], [360.0, -360.0], [90.0, -90.0]]);
    return { vars: { a }, exprs: [torch.deg2rad(a)] };
  });
  example("torch.rad2deg", () => {
    const a = torch.tensor([[3.142, -3.142], [6.283, -6.283], [1.57, -1.57]]);
    return { vars: { a }, exprs: [torch.rad2deg(a)] };
  });
  example("torch.logaddexp", () => ({
    vars: {},
    exprs: [
      torch.logaddexp(torch.tensor([-1.0]), torch.tensor([-1.0, -2, -3])),
      torch.logaddexp(torch.tensor([-100.0, -200, -300]), torch.tensor([-1.0, -2, -3])),
      torch.logaddexp(torch.tensor([1.0, 2000, 30000]), torch.tensor([-1.0, -2, -3])),
    ],
  }));
  example("torch.lerp", () => {
    const start = torch.arange(1, 5, { dtype: torch.float32 });
    const end = torch.empty(4).fill_(10);
    return { vars: { start, end }, exprs: [start, end, torch.lerp(start, end, 0.5), torch.lerp(start, end, torch.full_like(start, 0.5))] };
  });
  for (const [name, f] of [["torch.var_mean", torch.var_mean], ["torch.std_mean", torch.std_mean]] as const) {
    example(name, () => {
      const a = torch.tensor([[-0.8166, -1.3802, -0.356]]);
      return { vars: { a }, exprs: [[...f(a, { unbiased: false })]] };
    });
  }
  example("torch.count_nonzero", () => {
    const x = torch.zeros(3, 3);
    x.index_put_([torch.randn(3, 3).gt(0.5)], 1);
    return { vars: { x }, exprs: [x, torch.count_nonzero(x), torch.count_nonzero(x, { dim: 0 })] };
  });
  example("torch.bincount", () => {
    const input = torch.randint(0, 8, [5], { dtype: torch.int64 });
    const weights = torch.linspace(0, 1, { steps: 5 });
    return { vars: { input, weights }, exprs: [[input, weights], torch.bincount(input), input.bincount(weights)] };
  });
  example("torch.histc", () => ({ vars: {}, exprs: [torch.histc(torch.tensor([1, 2, 1]), { bins: 4, min: 0, max: 3 })] }));
  example("torch.movedim", () => {
    const t = torch.randn(3, 2, 1);
    return {
      vars: { t },
      exprs: [t, torch.movedim(t, 1, 0).shape, torch.movedim(t, 1, 0), torch.movedim(t, [1, 2], [0, 1]).shape, torch.movedim(t, [1, 2], [0, 1])],
    };
  });
  example("torch.hypot", () => {
    const a = torch.hypot(torch.tensor([4.0]), torch.tensor([3.0, 4.0, 5.0]));
    return { vars: { a } };
  });
});

describe("torch 1.13 docstring examples: a third batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.rand", () => ({ vars: {}, exprs: [torch.rand(4), torch.rand(2, 3)] }));
  example("torch.randn", () => ({ vars: {}, exprs: [torch.randn(4), torch.randn(2, 3)] }));
  example("torch.randint", () => ({ vars: {}, exprs: [torch.randint(3, 5, [3]), torch.randint(10, [2, 2]), torch.randint(3, 10, [2, 2])] }));
  for (const [name, f] of [["torch.zeros_like", torch.zeros_like], ["torch.ones_like", torch.ones_like]] as const) {
    example(name, () => {
      const input = torch.empty(2, 3);
      // torch.empty's values are whatever memory held: only its shape is compared
      return { vars: { input }, exprs: [f(input)], shapeOnly: ["input"] };
    });
  }
  example("torch.round", () => ({
    vars: {},
    exprs: [
      torch.round(torch.tensor([4.7, -2.3, 9.1, -7.7])),
      torch.round(torch.tensor([-0.5, 0.5, 1.5, 2.5])),
      torch.round(torch.tensor([0.1234567]), { decimals: 3 }),
      torch.round(torch.tensor([1200.1234567]), { decimals: -3 }),
    ],
  }));
  example("torch.lgamma", () => {
    const a = torch.arange(0.5, 2, 0.5);
    return { vars: { a }, exprs: [torch.lgamma(a)] };
  });
  example("torch.signbit", () => {
    let a = torch.tensor([0.7, -1.2, 0, 2.3]);
    const e1 = torch.signbit(a);
    a = torch.tensor([-0.0, 0.0]);
    return { vars: { a }, exprs: [e1, torch.signbit(a)] };
  });
  const hyperbolic: [string, (a: Tensor) => Tensor, () => Tensor][] = [
    ["torch.asinh", torch.asinh, () => torch.randn(4)],
    ["torch.acosh", torch.acosh, () => torch.randn(4).uniform_(1, 2)],
    ["torch.atanh", torch.atanh, () => torch.randn(4).uniform_(-1, 1)],
    ["torch.positive", torch.positive, () => torch.randn(5)],
  ];
  for (const [name, f, make] of hyperbolic) {
    example(name, (): Result => {
      const a = make();
      // positive's docstring names its input t
      return { vars: name === "torch.positive" ? { t: a } : { a }, exprs: [a, f(a)] };
    });
  }
  for (const [name, f] of [["torch.isposinf", torch.isposinf], ["torch.isneginf", torch.isneginf]] as const) {
    example(name, () => {
      const a = torch.tensor([-Infinity, Infinity, 1.2]);
      return { vars: { a }, exprs: [f(a)] };
    });
  }
  example("torch.fmax", () => {
    const a = torch.tensor([9.7, NaN, 3.1, NaN]);
    const b = torch.tensor([-2.2, 0.5, NaN, NaN]);
    return { vars: { a, b }, exprs: [torch.fmax(a, b)] };
  });
  example("torch.fmin", () => {
    const a = torch.tensor([2.2, NaN, 2.1, NaN]);
    const b = torch.tensor([-9.3, 0.1, NaN, NaN]);
    return { vars: { a, b }, exprs: [torch.fmin(a, b)] };
  });
  example("torch.heaviside", () => {
    const input = torch.tensor([-1.5, 0, 2.0]);
    let values = torch.tensor([0.5]);
    const e1 = torch.heaviside(input, values);
    values = torch.tensor([1.2, -2.0, 3.5]);
    return { vars: { input, values }, exprs: [e1, torch.heaviside(input, values)] };
  });
  example("torch.logspace", () => ({
    vars: {},
    exprs: [
      torch.logspace({ start: -10, end: 10, steps: 5 }),
      torch.logspace({ start: 0.1, end: 1.0, steps: 5 }),
      torch.logspace({ start: 0.1, end: 1.0, steps: 1 }),
      torch.logspace({ start: 2, end: 2, steps: 1, base: 2 }),
    ],
  }));
  for (const [name, f] of [["torch.gcd", torch.gcd], ["torch.lcm", torch.lcm]] as const) {
    example(name, () => {
      const a = torch.tensor([5, 10, 15], L);
      const b = torch.tensor([3, 4, 5], L);
      const c = torch.tensor([3], L);
      return { vars: { a, b, c }, exprs: [f(a, b), f(a, c)] };
    });
  }
  example("torch.ldexp", () => ({
    vars: {},
    exprs: [torch.ldexp(torch.tensor([1.0]), torch.tensor([1], L)), torch.ldexp(torch.tensor([1.0]), torch.tensor([1, 2, 3, 4], L))],
  }));
  example("torch.frexp", () => {
    const x = torch.arange(9, { dtype: torch.float32 }); // torch.arange(9.)
    const [mantissa, exponent] = torch.frexp(x); // exponent: torch.int32, as torch's
    return { vars: { x, mantissa, exponent }, exprs: [mantissa, exponent, torch.ldexp(mantissa, exponent)] };
  });
  example("torch.lu_solve", () => {
    const A = torch.randn(2, 3, 3);
    const b = torch.randn(2, 3, 1);
    const [LU, pivots] = torch.linalg.lu_factor(A); // pivots: torch.int32, as torch's
    const x = torch.lu_solve(b, LU, pivots);
    // torch.dist(A @ x, b) is a rounding residual (torch: 4.5e-7): compared by shape
    return { vars: { A, b, LU, pivots, x }, exprs: [torch.dist(A.matmul(x), b)], exprShapeOnly: [0] };
  });
  example("torch.addmm", () => {
    const M = torch.randn(2, 3);
    const mat1 = torch.randn(2, 3);
    const mat2 = torch.randn(3, 3);
    return { vars: { M, mat1, mat2 }, exprs: [torch.addmm(M, mat1, mat2)] };
  });
  example("torch.dot", () => ({ vars: {}, exprs: [torch.dot(torch.tensor([2, 3], L), torch.tensor([2, 1], L))] }));
  example("torch.mv", () => {
    const mat = torch.randn(2, 3);
    const vec = torch.randn(3);
    return { vars: { mat, vec }, exprs: [torch.mv(mat, vec)] };
  });
  example("torch.equal", () => ({ vars: {}, exprs: [torch.equal(torch.tensor([1, 2], L), torch.tensor([1, 2], L))] }));
  for (const [name, f] of [["torch.tril_indices", torch.tril_indices], ["torch.triu_indices", torch.triu_indices]] as const) {
    example(name, () => {
      const exprs: Printed[] = [f(3, 3), f(4, 3, -1)];
      const a = f(4, 3, 1);
      exprs.push(a);
      return { vars: { a }, exprs };
    });
  }
  for (const [name, f] of [["torch.fliplr", torch.fliplr], ["torch.flipud", torch.flipud]] as const) {
    example(name, () => {
      const x = torch.arange(4).view(2, 2);
      return { vars: { x }, exprs: [x, f(x)] };
    });
  }
  example("torch.diag_embed", () => {
    const a = torch.randn(2, 3);
    return { vars: { a }, exprs: [torch.diag_embed(a), torch.diag_embed(a, { offset: 1, dim1: 0, dim2: 2 })] };
  });
  example("torch.column_stack", () => {
    let a = torch.tensor([1, 2, 3], L);
    let b = torch.tensor([4, 5, 6], L);
    const e1 = torch.column_stack([a, b]);
    a = torch.arange(5);
    b = torch.arange(10).reshape(5, 2);
    return { vars: { a, b }, exprs: [e1, torch.column_stack([a, b, b])] };
  });
  example("torch.block_diag", () => {
    const A = torch.tensor([[0, 1], [1, 0]], L);
    const B = torch.tensor([[3, 4, 5], [6, 7, 8]], L);
    const C = torch.tensor(7, L);
    const D = torch.tensor([1, 2, 3], L);
    const E = torch.tensor([[4], [5], [6]], L);
    return { vars: { A, B, C, D, E }, exprs: [torch.block_diag(A, B, C, D, E)] };
  });
  example("torch.vander", () => {
    const x = torch.tensor([1, 2, 3, 5], L);
    return { vars: { x }, exprs: [torch.vander(x), torch.vander(x, { N: 3 }), torch.vander(x, { N: 3, increasing: true })] };
  });
  example("torch.msort", () => {
    const t = torch.randn(3, 4);
    return { vars: { t }, exprs: [t, torch.msort(t)] };
  });
  example("torch.nansum", () => {
    let a = torch.tensor([1, 2, NaN, 4]);
    const exprs: Printed[] = [torch.nansum(a), torch.nansum(torch.tensor([1, NaN]))];
    a = torch.tensor([[1, 2], [3, NaN]]);
    exprs.push(torch.nansum(a), torch.nansum(a, { dim: 0 }), torch.nansum(a, { dim: 1 }));
    return { vars: { a }, exprs };
  });
  example("torch.aminmax", () => {
    const exprs: Printed[] = [[...torch.aminmax(torch.tensor([1, -3, 5], L))], [...torch.aminmax(torch.tensor([1, -3, 5, NaN]))]];
    const t = torch.arange(10).view(2, 5);
    exprs.push(t, [...t.aminmax({ dim: 0, keepdim: true })]);
    return { vars: { t }, exprs };
  });
  for (const [name, f] of [["torch.cummax", torch.cummax], ["torch.cummin", torch.cummin]] as const) {
    example(name, () => {
      const a = torch.randn(10);
      return { vars: { a }, exprs: [a, [...f(a, { dim: 0 })]] };
    });
  }
  example("torch.logcumsumexp", () => {
    const a = torch.randn(10);
    return { vars: { a }, exprs: [torch.logcumsumexp(a, { dim: 0 })] };
  });
  example("torch.isin", () => ({ vars: {}, exprs: [torch.isin(torch.tensor([[1, 2], [3, 4]], L), torch.tensor([2, 3], L))] }));
  example("torch.cdist", () => {
    const a = torch.tensor([[0.9041, 0.0196], [-0.3108, -2.4423], [-0.4821, 1.059]]);
    const b = torch.tensor([[-2.1763, -0.4713], [-0.6986, 1.3702]]);
    return { vars: { a, b }, exprs: [a, b, torch.cdist(a, b, { p: 2 })] };
  });
});

describe("torch 1.13 docstring examples: a fourth batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.amin", () => {
    const a = torch.randn(4, 4);
    return { vars: { a }, exprs: [a, torch.amin(a, 1)] };
  });
  example("torch.nan_to_num", () => {
    const x = torch.tensor([NaN, Infinity, -Infinity, 3.14]);
    return { vars: { x }, exprs: [torch.nan_to_num(x), torch.nan_to_num(x, { nan: 2.0 }), torch.nan_to_num(x, { nan: 2.0, posinf: 1.0 })] };
  });
  example("torch.diagflat", () => {
    let a = torch.randn(3);
    const exprs: Printed[] = [a, torch.diagflat(a), torch.diagflat(a, 1)];
    a = torch.randn(2, 2);
    exprs.push(a, torch.diagflat(a));
    return { vars: { a }, exprs };
  });
  example("torch.moveaxis", () => {
    const t = torch.randn(3, 2, 1);
    return {
      vars: { t },
      exprs: [t, torch.moveaxis(t, 1, 0).shape, torch.moveaxis(t, 1, 0), torch.moveaxis(t, [1, 2], [0, 1]).shape, torch.moveaxis(t, [1, 2], [0, 1])],
    };
  });
  for (const [name, f] of [["torch.swapaxes", torch.swapaxes], ["torch.swapdims", torch.swapdims]] as const) {
    example(name, () => {
      const x = torch.tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], L);
      return { vars: { x }, exprs: [x, f(x, 0, 1), f(x, 0, 2)] };
    });
  }
  example("torch.ravel", () => {
    const t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], L);
    return { vars: { t }, exprs: [torch.ravel(t)] };
  });
  example("torch.broadcast_to", () => {
    const x = torch.tensor([1, 2, 3], L);
    return { vars: { x }, exprs: [torch.broadcast_to(x, [3, 3])] };
  });
  example("torch.broadcast_tensors", () => {
    const x = torch.arange(3).view(1, 3);
    const y = torch.arange(2).view(2, 1);
    const [a, b] = torch.broadcast_tensors(x, y);
    return { vars: { x, y, a, b }, exprs: [a.size(), a] };
  });
  example("torch.broadcast_shapes", () => ({ vars: {}, exprs: [torch.broadcast_shapes([2], [3, 1], [1, 1, 1])] }));
  example("torch.inner", () => {
    const e1 = torch.inner(torch.tensor([1, 2, 3], L), torch.tensor([0, 2, 1], L));
    const a = torch.randn(2, 3);
    const b = torch.randn(2, 4, 3);
    return { vars: { a, b }, exprs: [e1, a, b, torch.inner(a, b), torch.inner(a, torch.tensor(2, L))] };
  });
  example("torch.select_scatter", () => {
    const a = torch.zeros(2, 2);
    const b = torch.ones(2);
    return { vars: { a, b }, exprs: [a.select_scatter(b, 0, 0)] };
  });
  example("torch.nanmedian", () => {
    let a = torch.tensor([1, NaN, 3, 2]);
    const exprs: Printed[] = [a.median(), a.nanmedian()];
    a = torch.tensor([[2, 3, 1], [NaN, 1, NaN]]);
    exprs.push(a, [...(a.median(0) as unknown as [Tensor, Tensor])], [...(a.nanmedian(0) as unknown as [Tensor, Tensor])]);
    return { vars: { a }, exprs };
  });
  example("torch.nanmean", () => {
    const x = torch.tensor([[NaN, 1, 2], [1, 2, 3]]);
    return { vars: { x }, exprs: [x.mean(), x.nanmean(), x.mean({ dim: 0 }), x.nanmean({ dim: 0 }), torch.tensor([NaN]).nanmean()] };
  });
  example("torch.corrcoef", () => {
    let x = torch.tensor([[0, 1, 2], [2, 1, 0]], L);
    const e1 = torch.corrcoef(x);
    x = torch.randn(2, 4);
    return { vars: { x }, exprs: [e1, x, torch.corrcoef(x), torch.corrcoef(x.index(0))] };
  });
  example("torch.dist", () => {
    const x = torch.randn(4);
    const y = torch.randn(4);
    return { vars: { x, y }, exprs: [x, y, torch.dist(x, y, 3.5), torch.dist(x, y, 3), torch.dist(x, y, 0), torch.dist(x, y, 1)] };
  });
  for (const [name, f, shape] of [["torch.hsplit", torch.hsplit, [4, 4]], ["torch.vsplit", torch.vsplit, [4, 4]], ["torch.dsplit", torch.dsplit, [2, 2, 4]]] as const) {
    example(name, () => {
      const t = torch.arange(16, { dtype: torch.float32 }).reshape(...shape);
      return { vars: { t }, exprs: [t, f(t, 2), f(t, [3, 6])] };
    });
  }
});

/** The error a docstring line raises in torch too (printed as the error). */
function raised(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return new Error("did not raise");
}

describe("torch 1.13 docstring examples: a fifth batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.argwhere", () => {
    let t = torch.tensor([1, 0, 1], L);
    const e1 = torch.argwhere(t);
    t = torch.tensor([[1, 0, 1], [0, 1, 1]], L);
    return { vars: { t }, exprs: [e1, torch.argwhere(t)] };
  });
  example("torch.atleast_1d", () => {
    let x = torch.arange(2);
    const exprs: Printed[] = [x, torch.atleast_1d(x) as Tensor];
    x = torch.tensor(1.0);
    exprs.push(x, torch.atleast_1d(x) as Tensor);
    x = torch.tensor(0.5);
    const y = torch.tensor(1.0);
    exprs.push(torch.atleast_1d([x, y]) as Tensor[]);
    return { vars: { x, y }, exprs };
  });
  example("torch.atleast_2d", () => {
    let x = torch.tensor(1.0);
    const exprs: Printed[] = [x, torch.atleast_2d(x) as Tensor];
    x = torch.arange(4).view(2, 2);
    exprs.push(x, torch.atleast_2d(x) as Tensor);
    x = torch.tensor(0.5);
    const y = torch.tensor(1.0);
    exprs.push(torch.atleast_2d([x, y]) as Tensor[]);
    return { vars: { x, y }, exprs };
  });
  example("torch.atleast_3d", () => {
    let x = torch.tensor(0.5);
    const exprs: Printed[] = [x, torch.atleast_3d(x) as Tensor];
    let y = torch.arange(4).view(2, 2);
    exprs.push(y, torch.atleast_3d(y) as Tensor);
    x = torch.tensor(1, L).view(1, 1, 1);
    exprs.push(x, torch.atleast_3d(x) as Tensor);
    x = torch.tensor(0.5);
    y = torch.tensor(1.0);
    exprs.push(torch.atleast_3d([x, y]) as Tensor[]);
    return { vars: { x, y }, exprs };
  });
  example("torch.cartesian_prod", () => {
    const [a, b] = [[1, 2, 3], [4, 5]];
    const tensor_a = torch.tensor(a, L);
    const tensor_b = torch.tensor(b, L);
    return { vars: { tensor_a, tensor_b }, exprs: [torch.cartesian_prod(tensor_a, tensor_b)] };
  });
  example("torch.combinations", () => {
    const tensor_a = torch.tensor([1, 2, 3], L);
    return { vars: { tensor_a }, exprs: [torch.combinations(tensor_a), torch.combinations(tensor_a, { r: 3 }), torch.combinations(tensor_a, { with_replacement: true })] };
  });
  example("torch.tensor_split", () => {
    let x = torch.arange(8);
    const exprs: Printed[] = [torch.tensor_split(x, 3)];
    x = torch.arange(7);
    exprs.push(torch.tensor_split(x, 3), torch.tensor_split(x, [1, 6]));
    x = torch.arange(14).reshape(2, 7);
    exprs.push(x, torch.tensor_split(x, 3, { dim: 1 }), torch.tensor_split(x, [1, 6], { dim: 1 }));
    return { vars: { x }, exprs };
  });
  example("torch.unique_consecutive", () => {
    const x = torch.tensor([1, 1, 2, 2, 3, 1, 1, 2], L);
    const first = torch.unique_consecutive(x) as Tensor;
    const exprs: Printed[] = [first];
    const [second, inverse_indices] = torch.unique_consecutive(x, { return_inverse: true }) as [Tensor, Tensor];
    exprs.push(second, inverse_indices);
    const [output, counts] = torch.unique_consecutive(x, { return_counts: true }) as [Tensor, Tensor];
    exprs.push(output, counts);
    return { vars: { x, output, inverse_indices, counts }, exprs };
  });
  example("torch.searchsorted", () => {
    const sorted_sequence = torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]], L);
    const values = torch.tensor([[3, 6, 9], [3, 6, 9]], L);
    const sorted_sequence_1d = torch.tensor([1, 3, 5, 7, 9], L);
    return {
      vars: { sorted_sequence, values, sorted_sequence_1d },
      exprs: [sorted_sequence, values, torch.searchsorted(sorted_sequence, values), torch.searchsorted(sorted_sequence, values, { side: "right" }), sorted_sequence_1d, torch.searchsorted(sorted_sequence_1d, values)],
    };
  });
  example("torch.quantile", () => {
    let a = torch.randn(2, 3);
    const q = torch.tensor([0.25, 0.5, 0.75]);
    const exprs: Printed[] = [a, torch.quantile(a, q, { dim: 1, keepdim: true }), torch.quantile(a, q, { dim: 1, keepdim: true }).shape];
    a = torch.arange(4, { dtype: torch.float32 });
    exprs.push(a);
    for (const interpolation of ["linear", "lower", "higher", "midpoint", "nearest"] as const) exprs.push(torch.quantile(a, 0.6, { interpolation }));
    exprs.push(torch.quantile(a, 0.4, { interpolation: "nearest" }));
    return { vars: { a, q }, exprs };
  });
  example("torch.cov", () => {
    const x = torch.tensor([[0, 2], [1, 1], [2, 0]], L).T;
    const exprs: Printed[] = [x, torch.cov(x), torch.cov(x, { correction: 0 })];
    const fw = torch.randint(1, 10, [3]);
    const aw = torch.rand(3);
    exprs.push(fw, aw, torch.cov(x, { fweights: fw, aweights: aw }));
    return { vars: { x, fw, aw }, exprs };
  });
  example("torch.diagonal_scatter", () => {
    const a = torch.zeros(3, 3);
    return { vars: { a }, exprs: [a, torch.diagonal_scatter(a, torch.ones(3), 0), torch.diagonal_scatter(a, torch.ones(2), 1)] };
  });
  example("torch.bernoulli", () => {
    let a = torch.empty(3, 3).uniform_(0, 1);
    const exprs: Printed[] = [a, torch.bernoulli(a)];
    a = torch.ones(3, 3);
    exprs.push(torch.bernoulli(a));
    a = torch.zeros(3, 3);
    exprs.push(torch.bernoulli(a));
    return { vars: { a }, exprs };
  });
  example("torch.normal", () => ({
    vars: {},
    exprs: [
      torch.normal({ mean: torch.arange(1, 11, { dtype: torch.float32 }), std: torch.arange(1, 0, -0.1) }),
      torch.normal({ mean: 0.5, std: torch.arange(1, 6, { dtype: torch.float32 }) }),
      torch.normal({ mean: torch.arange(1, 6, { dtype: torch.float32 }) }),
      torch.normal(2, 3, { size: [1, 4] }),
    ],
  }));
  example("torch.poisson", () => {
    const rates = torch.rand(4, 4).mul(5);
    return { vars: { rates }, exprs: [torch.poisson(rates)] };
  });
  example("torch.renorm", () => {
    const x = torch.ones(3, 3);
    const e1 = x.index(1).fill_(2).clone();
    const e2 = x.index(2).fill_(3).clone();
    return { vars: { x }, exprs: [e1, e2, x, torch.renorm(x, 1, 0, 5)] };
  });
  example("torch.float_power", () => {
    let a = torch.randint(10, [4]);
    const exprs: Printed[] = [a, torch.float_power(a, 2)];
    a = torch.arange(1, 5);
    const exp = torch.tensor([2, -3, 4, -5], L);
    exprs.push(a, exp, torch.float_power(a, exp));
    return { vars: { a, exp }, exprs };
  });
  example("torch.cholesky", () => {
    let a = torch.randn(3, 3);
    a = a.matmul(a.mT).add(1e-3);
    let l = torch.cholesky(a);
    const exprs: Printed[] = [a, l, l.matmul(l.mT)];
    a = torch.randn(3, 2, 2);
    a = a.matmul(a.mT).add(1e-3);
    l = torch.cholesky(a);
    const z = l.matmul(l.mT);
    exprs.push(torch.dist(z, a));
    return { vars: { a, l, z }, exprs };
  });
  example("torch.qr", () => {
    let a = torch.tensor([[12, -51, 4], [6, 167, -68], [-4, 24, -41]]);
    let [q, r] = torch.qr(a);
    const exprs: Printed[] = [q, r, torch.mm(q, r).round(), torch.mm(q.t(), q).round()];
    a = torch.randn(3, 4, 5);
    [q, r] = torch.qr(a, { some: false });
    const qq = q;
    // the docstring's last line compares a 4x4 product with eye(5): torch raises, and so does the engine
    exprs.push(torch.allclose(torch.matmul(q, r), a), raised(() => torch.allclose(torch.matmul(qq.mT, qq), torch.eye(5))));
    return { vars: { a, q, r }, exprs };
  });
  example("torch.svd", () => {
    const a = torch.randn(5, 3);
    let [u, s, v] = torch.svd(a);
    const exprs: Printed[] = [a, u, s, v, torch.dist(a, torch.mm(torch.mm(u, torch.diag(s)), v.t()))];
    const a_big = torch.randn(7, 5, 3);
    [u, s, v] = torch.svd(a_big);
    exprs.push(torch.dist(a_big, torch.matmul(torch.matmul(u, torch.diag_embed(s)), v.mT)));
    // singular vectors are unique up to sign (torch.svd's note): u and v by shape, s and the reconstructions by value
    return { vars: { a, a_big, u, s, v }, exprs, shapeOnly: ["u", "v"], exprShapeOnly: [1, 3] };
  });
  example("torch.logdet", () => {
    const A = torch.randn(3, 3);
    return { vars: { A }, exprs: [torch.det(A), torch.logdet(A), A, A.det(), A.det().log()] };
  });
  example("torch.triangular_solve", () => {
    const A = torch.randn(2, 2).triu();
    const b = torch.randn(2, 3);
    return { vars: { A, b }, exprs: [A, b, [...torch.triangular_solve(b, A)]] };
  });
});

describe("torch 1.13 docstring examples: a sixth batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.copysign", () => {
    let a = torch.randn(5);
    const exprs: Printed[] = [a, torch.copysign(a, 1)];
    a = torch.randn(4, 4);
    let b = torch.randn(4);
    exprs.push(a, torch.copysign(a, b));
    a = torch.tensor([1.0]);
    b = torch.tensor([-0.0]);
    exprs.push(torch.copysign(a, b));
    return { vars: { a, b }, exprs };
  });
  example("torch.mode", () => {
    const a = torch.randint(10, [5]);
    const b = a.add(torch.randn(50, 1).mul(5).long());
    // which occurrence of the mode indices points to torch leaves unspecified: values by value, indices by shape
    return { vars: { a, b }, exprs: [a, [...torch.mode(b, 0)]], unspecifiedOrder: [1] };
  });
  example("torch.histogram", () => {
    const opts = { bins: 4, range: [0, 3] as [number, number], weight: torch.tensor([1, 2, 4]) };
    return {
      vars: {},
      exprs: [[...torch.histogram(torch.tensor([1, 2, 1]), opts)], [...torch.histogram(torch.tensor([1, 2, 1]), { ...opts, density: true })]],
    };
  });
  example("torch.addmv", () => {
    const M = torch.randn(2);
    const mat = torch.randn(2, 3);
    const vec = torch.randn(3);
    return { vars: { M, mat, vec }, exprs: [torch.addmv(M, mat, vec)] };
  });
  example("torch.addr", () => {
    const vec1 = torch.arange(1, 4, { dtype: torch.float32 });
    const vec2 = torch.arange(1, 3, { dtype: torch.float32 });
    const M = torch.zeros(3, 2);
    return { vars: { vec1, vec2, M }, exprs: [torch.addr(M, vec1, vec2)] };
  });
  example("torch.baddbmm", () => {
    const M = torch.randn(10, 3, 5);
    const batch1 = torch.randn(10, 3, 4);
    const batch2 = torch.randn(10, 4, 5);
    return { vars: { M, batch1, batch2 }, exprs: [torch.baddbmm(M, batch1, batch2).size()] };
  });
  example("torch.addbmm", () => {
    const M = torch.randn(3, 5);
    const batch1 = torch.randn(10, 3, 4);
    const batch2 = torch.randn(10, 4, 5);
    return { vars: { M, batch1, batch2 }, exprs: [torch.addbmm(M, batch1, batch2)] };
  });
  example("torch.unbind", () => ({ vars: {}, exprs: [torch.unbind(torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], L))] }));
  example("torch.unflatten", () => ({
    vars: {},
    exprs: [
      torch.unflatten(torch.randn(3, 4, 1), 1, [2, 2]).shape,
      torch.unflatten(torch.randn(3, 4, 1), 1, [-1, 2]).shape,
      // the docstring's last line unflattens dim -1 (size 3) into 12 values: torch raises, and so does the engine
      raised(() => torch.unflatten(torch.randn(5, 12, 3), -1, [2, 2, 3, 1, 1])),
    ],
  }));
  example("torch.range", () => ({ vars: {}, exprs: [torch.range(1, 4), torch.range(1, 4, 0.5)] }));
  example("torch.chain_matmul", () => {
    const a = torch.randn(3, 4);
    const b = torch.randn(4, 5);
    const c = torch.randn(5, 6);
    const d = torch.randn(6, 7);
    return { vars: { a, b, c, d }, exprs: [torch.chain_matmul(a, b, c, d)] };
  });
  example("torch.as_strided", () => {
    const x = torch.randn(3, 3);
    let t = torch.as_strided(x, [2, 2], [1, 2]);
    const exprs: Printed[] = [x, t];
    t = torch.as_strided(x, [2, 2], [1, 2], 1);
    return { vars: { x, t }, exprs };
  });
  example("torch.nanquantile", () => {
    let t = torch.tensor([NaN, 1, 2]);
    const exprs: Printed[] = [t.quantile(0.5), t.nanquantile(0.5)];
    t = torch.tensor([[NaN, NaN], [1, 2]]);
    exprs.push(t, t.nanquantile(0.5, { dim: 0 }), t.nanquantile(0.5, { dim: 1 }));
    return { vars: { t }, exprs };
  });
});

describe("torch 1.13 docstring examples: a seventh batch of torch functions", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  example("torch.div", () => {
    const x = torch.tensor([0.381, 1.2774, -0.2972, -0.3719, 0.4637]);
    const a = torch.tensor([[-0.3711, -1.9353, -0.4605, -0.2917], [0.1815, -1.0111, 0.9805, -1.5923], [0.1062, 1.4581, 0.7759, -1.2344], [-0.183, -0.0313, 1.1908, -1.4757]]);
    const b = torch.tensor([0.8032, 0.293, -0.8113, -0.2308]);
    return {
      vars: { x, a, b },
      exprs: [torch.div(x, 0.5), torch.div(a, b), torch.div(a, b, { rounding_mode: "trunc" }), torch.div(a, b, { rounding_mode: "floor" })],
    };
  });
  example("torch.pow", () => {
    let a = torch.randn(4);
    const exprs: Printed[] = [a, torch.pow(a, 2)];
    let exp = torch.arange(1, 5, { dtype: torch.float32 });
    a = torch.arange(1, 5, { dtype: torch.float32 });
    exprs.push(a, exp, torch.pow(a, exp));
    exp = torch.arange(1, 5, { dtype: torch.float32 });
    const base = 2;
    exprs.push(torch.pow(base, exp));
    return { vars: { a, exp }, exprs, numbers: { base } };
  });
  example("torch.is_tensor", () => {
    const x = torch.tensor([1, 2, 3], L);
    return { vars: { x }, exprs: [torch.is_tensor(x)] };
  });
  example("torch.any", () => {
    let a = torch.rand(1, 2).bool();
    const exprs: Printed[] = [a, torch.any(a)];
    a = torch.arange(0, 3);
    exprs.push(a, torch.any(a));
    a = torch.randn(4, 2).lt(0);
    exprs.push(a, torch.any(a, 1), torch.any(a, 0));
    return { vars: { a }, exprs };
  });
  example("torch.all", () => {
    let a = torch.rand(1, 2).bool();
    const exprs: Printed[] = [a, torch.all(a)];
    a = torch.arange(0, 3);
    exprs.push(a, torch.all(a));
    a = torch.rand(4, 2).bool();
    exprs.push(a, torch.all(a, { dim: 1 }), torch.all(a, { dim: 0 }));
    return { vars: { a }, exprs };
  });
  example("torch.nextafter", () => {
    const eps = torch.finfo(torch.float32).eps;
    return { vars: {}, numbers: { eps }, exprs: [torch.nextafter(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 1.0])).eq(torch.tensor([eps + 1, 2 - eps]))] };
  });
  example("torch.cholesky_solve", () => {
    let a = torch.randn(3, 3);
    a = torch.mm(a, a.t());
    const u = torch.linalg.cholesky(a);
    const b = torch.randn(3, 2);
    return { vars: { a, u, b }, exprs: [a, b, torch.cholesky_solve(b, u), torch.mm(a.inverse(), b)] };
  });
  example("torch.cholesky_inverse", () => {
    let a = torch.randn(3, 3);
    a = torch.mm(a, a.t()).add(torch.eye(3).mul(1e-5));
    const u = torch.linalg.cholesky(a);
    const exprs: Printed[] = [a, torch.cholesky_inverse(u), a.inverse()];
    a = torch.randn(3, 2, 2);
    a = a.matmul(a.mT).add(1e-3);
    const l = torch.linalg.cholesky(a);
    const z = l.matmul(l.mT);
    exprs.push(torch.dist(z, a));
    return { vars: { a, u, l, z }, exprs };
  });
});

describe("torch 1.13 docstring examples: the trapezoidal rules", () => {
  const L = { dtype: torch.long }; // Python's int literals infer int64; JS numbers do not say int (core.ts)
  for (const [name, f] of [["torch.trapezoid", torch.trapezoid], ["torch.cumulative_trapezoid", torch.cumulative_trapezoid]] as const) {
    example(name, () => {
      const cumulative = name === "torch.cumulative_trapezoid";
      let y = torch.tensor([1, 5, 10], L);
      const exprs: Printed[] = [f(y)];
      // the docstring checks by hand (plain Python numbers)
      exprs.push(...(cumulative ? [(1 + 5) / 2, (1 + 10 + 10) / 2] : [(1 + 10 + 10) / 2]));
      exprs.push(f(y, { dx: 2 }));
      let x = torch.tensor([1, 3, 6], L);
      exprs.push(f(y, x));
      exprs.push(...(cumulative ? [((3 - 1) * (1 + 5)) / 2, ((3 - 1) * (1 + 5) + (6 - 3) * (5 + 10)) / 2] : [((3 - 1) * (1 + 5) + (6 - 3) * (5 + 10)) / 2]));
      y = torch.arange(9).reshape(3, 3);
      exprs.push(f(y), f(y, { dim: 0 }));
      y = torch.ones(3, 3);
      x = torch.tensor([1, 3, 6], L);
      exprs.push(f(y, x));
      y = torch.ones(3, 3);
      x = torch.tensor([[1, 2, 3], [1, 3, 5], [1, 4, 7]], L);
      exprs.push(f(y, x));
      return { vars: { x, y }, exprs };
    });
  }
});

describe("the sweep is complete", () => {
  it("every docstring example the fixture script ran is translated here (the others are listed with the reason)", () => {
    expect([...translated].sort()).toEqual(Object.keys(ref.examples).sort());
    expect(Object.keys(ref.skipped).length).toBeGreaterThan(0);
    for (const name of Object.keys(ref.skipped)) expect(translated.has(name), name).toBe(false);
  });
});
