/**
 * Calls a learner writes as in PyTorch, which the engine runs, type-checked against the declarations the editor loads
 * (engine-types-cells.ts) AND run on the engine, so the types promise what runs: a loss module or F.* loss with the
 * target by keyword (loss_fn(out, { target: y }), torch 1.13's loss_fn(out, target=y)), the axis= alias of dim=
 * (x.sum({ axis: 0 }), torch.max(x, { axis: 1 })), torch.randint by keywords only, and torch.* functions on complex tensors (torch.abs(z),
 * torch.real(torch.fft.fft(x))). Each valid cell must compile with no diagnostics and run, its keyword form giving
 * what the positional form gives (same(a, b)); the invalid ones, which torch 1.13 refuses too, must be flagged.
 */
import { describe, expect, it } from "vitest";
import { engineGlobals } from "../../../lib/kernel/worker/engine";
import { ComplexTensor, Tensor, torch } from "../../../lib/tensor/index";
import { cellTypeChecker, runCell as runCellWith, SAME } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

/** Plain values of a result: tensors as nested lists (a complex one as its [..., 2] real view), tuples element-wise. */
function plain(v: unknown): unknown {
  if (v instanceof ComplexTensor) return { complex: torch.view_as_real(v).tolist() };
  if (v instanceof Tensor) return { dtype: String(v.dtype), value: v.tolist() };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && "values" in v && "indices" in v) return [plain(v.values), plain(v.indices)];
  return v;
}

/** Runs the cell as the kernel does; its same(a, b): the keyword form's result equals the positional form's. Returns how many it made. */
function runCell(source: string): number {
  return runCellWith(source, engineGlobals(), (a, b) => expect(plain(a)).toEqual(plain(b)));
}

/** The cell compiles against the editor's declarations and runs to its end (every same() it has was called). */
function expectValid(cell: string): void {
  expect(cellDiagnostics(SAME + cell)).toEqual([]);
  expect(runCell(cell)).toBe(cell.split("same(").length - 1);
}

describe("torch-style calls that run also type-check in a learner's cell", () => {
  it("loss modules and F.* losses with the target (or every operand) by keyword", () => {
    const cell = `
const logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]);
const y = torch.tensor([1, 2], { dtype: torch.long });
const a = torch.tensor([1.0, 2.0, 3.0]);
const b = torch.tensor([1.5, 2.0, 2.0]);
const loss_fn = new nn.MSELoss();
const l1: Tensor = loss_fn(a, { target: b });
same(l1, loss_fn(a, b));
same(loss_fn({ input: a, target: b }), loss_fn(a, b));
const criterion = new nn.CrossEntropyLoss({ label_smoothing: 0.1 });
same(criterion(logits, { target: y }), criterion(logits, y));
same(new nn.NLLLoss()(logits.log_softmax(1), { target: y }), F.nll_loss(logits.log_softmax(1), y));
same(new nn.L1Loss()({ input: a, target: b }), F.l1_loss(a, b));
same(new nn.BCEWithLogitsLoss()(a, { target: b.sigmoid() }), F.binary_cross_entropy_with_logits(a, b.sigmoid()));
same(new nn.BCELoss()(a.sigmoid(), { target: b.sigmoid() }), F.binary_cross_entropy(a.sigmoid(), b.sigmoid()));
same(new nn.SmoothL1Loss()(a, { target: b }), F.smooth_l1_loss(a, b));
same(new nn.HuberLoss({ delta: 0.5 })(a, { target: b }), F.huber_loss(a, b, { delta: 0.5 }));
same(new nn.KLDivLoss({ reduction: "batchmean" })(logits.log_softmax(1), { target: logits.softmax(1) }), F.kl_div(logits.log_softmax(1), logits.softmax(1), { reduction: "batchmean" }));
const signs = torch.tensor([1.0, -1.0]);
same(new nn.CosineEmbeddingLoss()(logits, logits.flip(0), { target: signs }), F.cosine_embedding_loss(logits, logits.flip(0), signs));
same(new nn.MarginRankingLoss()(a, b, { target: torch.ones(3) }), F.margin_ranking_loss(a, b, torch.ones(3)));
same(new nn.TripletMarginLoss()(logits, logits.flip(0), { negative: logits.mul(2) }), F.triplet_margin_loss(logits, logits.flip(0), logits.mul(2)));
same(new nn.GaussianNLLLoss()(a, b, { var: torch.ones(3) }), F.gaussian_nll_loss(a, b, torch.ones(3)));
same(new nn.PoissonNLLLoss()({ log_input: a, target: b }), F.poisson_nll_loss(a, b));
same(new nn.CosineSimilarity()({ x1: logits, x2: logits.flip(0) }), F.cosine_similarity(logits, logits.flip(0)));
same(F.cross_entropy(logits, { target: y }), F.cross_entropy(logits, y));
same(F.cross_entropy({ input: logits, target: y, reduction: "sum" }), F.cross_entropy(logits, y, { reduction: "sum" }));
same(F.mse_loss(a, { target: b }), F.mse_loss(a, b));
same(F.mse_loss({ input: a, target: b }), F.mse_loss(a, b));
same(F.nll_loss(logits.log_softmax(1), { target: y, ignore_index: 0 }), F.nll_loss(logits.log_softmax(1), y, { ignore_index: 0 }));
same(F.smooth_l1_loss(a, { target: b, beta: 0.5 }), F.smooth_l1_loss(a, b, { beta: 0.5 }));
same(F.linear({ input: logits, weight: torch.eye(3), bias: torch.ones(3) }), F.linear(logits, torch.eye(3), torch.ones(3)));
`;
    expectValid(cell);
  });

  it("a learner's subclass that overrides forward keeps its own positional call (d2l's MaskedSoftmaxCELoss)", () => {
    const cell = `
class MaskedMSE extends nn.MSELoss {
  forward(pred: Tensor, label: Tensor, weight?: Tensor): Tensor {
    return super.forward(pred.mul(weight ?? 1), label.mul(weight ?? 1));
  }
}
const a = torch.tensor([1.0, 2.0, 3.0]);
const b = torch.tensor([1.5, 2.0, 2.0]);
const w = torch.tensor([1.0, 0.0, 1.0]);
same(new MaskedMSE()(a, b, w), F.mse_loss(a.mul(w), b.mul(w)));
`;
    expectValid(cell);
  });

  it("axis= and keepdims=, NumPy's names for dim= and keepdim=, on the reductions", () => {
    const cell = `
const x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]);
same(x.sum({ axis: 0 }), x.sum(0));
same(torch.sum(x, { axis: 1 }), x.sum(1));
same(x.mean({ axis: 1, keepdims: true }), x.mean(1, true));
same(torch.mean(x, { axis: 0 }), x.mean(0));
same(x.max({ axis: 1 }), x.max(1));
same(x.argmax({ axis: -1 }), x.argmax(-1));
same(x.std({ axis: 0 }), x.std(0));
same(x.prod({ axis: 1 }), x.prod(1));
same(x.amax({ axis: 1 }), x.amax(1));
same(x.all({ axis: 1 }), x.all(1));
same(x.cumsum({ axis: 1 }), x.cumsum(1));
same(x.softmax({ axis: 1 }), x.softmax(1));
same(torch.cat([x, x], { axis: 0 }), torch.cat([x, x], 0));
same(torch.stack([x, x], { axis: 1 }), torch.stack([x, x], 1));
same(x.logsumexp({ axis: 1, keepdims: true }), x.logsumexp(1, true));
same(torch.logsumexp(x, { axis: 0 }), x.logsumexp(0));
same(torch.argmax(x, { axis: 1, keepdims: true }), x.argmax(1, true));
same(torch.argmin(x, { axis: 0 }), x.argmin(0));
same(torch.max(x, { axis: 1, keepdims: true }), x.max(1, true));
same(torch.min(x, { axis: 0 }), x.min(0));
`;
    expectValid(cell);
  });

  it("axis= / keepdims= on every function whose dim / keepdim goes through torch 1.13's C++ argument parser", () => {
    // torch 1.13: x.median(axis=1), x.nansum(1, keepdims=True), y.squeeze(axis=1), x.narrow(axis=1, start=0, length=2), x.sort(axis=1) ...
    const cell = `
const x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]);
const y = x.unsqueeze(1);
const i = torch.tensor([[0], [2]], { dtype: torch.long });
same(x.median({ axis: 1 }), x.median(1));
same(torch.median(x, { axis: 1, keepdims: true }), x.median(1, true));
same(x.nanmedian({ axis: 1 }), x.nanmedian(1));
same(x.nansum(1, { keepdims: true }), x.nansum(1, true));
same(torch.nanmean(x, { axis: 1 }), x.nanmean(1));
same(y.squeeze({ axis: 1 }), y.squeeze(1));
same(torch.squeeze(y, { axis: 1 }), y.squeeze(1));
same(x.unsqueeze({ axis: 1 }), x.unsqueeze(1));
same(torch.unsqueeze(x, { axis: 0 }), x.unsqueeze(0));
same(x.count_nonzero({ axis: 1 }), x.count_nonzero(1));
same(torch.count_nonzero(x, { axis: 0 }), x.count_nonzero(0));
same(x.sort({ axis: 1, descending: true }), x.sort(1, true));
same(torch.argsort(x, { axis: 1 }), x.argsort(1));
same(x.topk(1, { axis: 0 }), x.topk(1, 0));
same(x.mode({ axis: 1 }), x.mode(1));
same(x.kthvalue(1, { axis: 1 }), x.kthvalue(1, 1));
same(x.cummax({ axis: 1 }), x.cummax(1));
same(x.logcumsumexp({ axis: 1 }), x.logcumsumexp(1));
same(x.unbind({ axis: 1 }), x.unbind(1));
same(torch.chunk(x, 3, { axis: 1 }), x.chunk(3, 1));
same(x.narrow({ axis: 1, start: 0, length: 2 }), x.narrow(1, 0, 2));
same(x.select({ axis: 1, index: 0 }), x.select(1, 0));
same(x.gather({ axis: 1, index: i }), x.gather(1, i));
same(torch.gather(x, { axis: 1, index: i }), x.gather(1, i));
same(x.aminmax({ axis: 1 }), x.aminmax({ dim: 1 }));
same(x.quantile(0.5, { axis: 1, keepdims: true }), x.quantile(0.5, 1, true));
same(x.diff({ axis: 0 }), x.diff(1, 0));
same(x.repeat_interleave(2, { axis: 0 }), x.repeat_interleave(2, 0));
same(F.cosine_similarity(x, x.flip(0), { axis: 1 }), F.cosine_similarity(x, x.flip(0), 1));
same(F.pairwise_distance(x, x.flip(0), { keepdims: true }), F.pairwise_distance(x, x.flip(0), 2, 1e-6, true));
`;
    expectValid(cell);
  });

  it("the shape ops' own keywords: reshape(shape=), view(size=), expand(size=), permute(dims=), repeat(repeats=), type(dtype=)", () => {
    const cell = `
const x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]);
const row = x.narrow(0, 0, 1);
same(x.reshape({ shape: [3, 2] }), x.reshape(3, 2));
same(torch.reshape(x, { shape: [3, 2] }), x.reshape(3, 2));
same(x.view({ size: [3, 2] }), x.view(3, 2));
same(row.expand({ size: [4, 3] }), row.expand(4, 3));
same(x.permute({ dims: [1, 0] }), x.permute(1, 0));
same(torch.permute(x, { dims: [1, 0] }), x.permute(1, 0));
same(x.repeat({ repeats: [2, 1] }), x.repeat(2, 1));
same(x.transpose({ dim0: 0, dim1: 1 }), x.t());
same(x.tile({ dims: [2] }), x.tile(2));
const d: Tensor = x.type({ dtype: torch.float64 });
same(d, x.double());
same(x.type({ dtype: "torch.LongTensor" }), x.long());
`;
    expectValid(cell);
  });

  it("the keyword forms torch 1.13 refuses are flagged, and raise at run time", () => {
    // torch 1.13: flip(axis=) (its parameter is dims), view(shape=), expand(sizes=), repeat(sizes=) and the functions
    // it writes in Python (Tensor.split, F.normalize, nn.Softmax, nn.utils.weight_norm, nn.PairwiseDistance) raise TypeError.
    const refused = [
      "x.flip({ axis: 0 });",
      "x.view({ shape: [3, 2] });",
      "x.narrow(0, 0, 1).expand({ sizes: [4, 3] });",
      "x.repeat({ sizes: [2, 1] });",
      "x.split(1, { axis: 1 });",
      "x.norm({ axis: 1 });",
      "torch.split(x, 1, { axis: 1 });",
      "F.normalize(x, { axis: 1 });",
      "F.softmax(x, { axis: 1 });",
      "new nn.Softmax({ axis: 1 });",
      "new nn.PairwiseDistance({ keepdims: true });",
      "nn.utils.weight_norm(new nn.Linear(2, 2), { axis: 0 });",
      "x.median({ axs: 1 });",
      "x.reshape({ shap: [6] });",
      "x.type({ dtpye: torch.float64 });",
    ];
    const pre = "const x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]);\n";
    // one diagnostic a line (one program for all: each takes seconds)
    const messages = cellDiagnostics(pre + refused.join("\n"));
    expect(messages).toHaveLength(refused.length);
    expect(messages[messages.length - 3]).toContain("axs");
    expect(messages[messages.length - 2]).toContain("shap");
    for (const line of refused) expect(() => runCell(pre + line), line).toThrow(/unexpected keyword argument/);
  });

  it("torch.randint with keywords only, or the high positional and the size by keyword", () => {
    // Random values: the shapes, ranges and the positional form's values for one seed are what is checked.
    const cell = `
const a: Tensor = torch.randint({ low: 0, high: 10, size: [3] });
const b: Tensor = torch.randint(10, { size: [3] });
const c: Tensor = torch.randint({ high: 5, size: [2, 2], dtype: torch.int32 });
same([a.shape, b.shape, c.shape, String(c.dtype)], [[3], [3], [2, 2], "torch.int32"]);
same([a.lt(10).all().item(), b.ge(0).all().item()], [true, true]);
torch.manual_seed(0);
const d = torch.randint({ high: 10, size: [5] });
torch.manual_seed(0);
same(d, torch.randint(0, 10, [5]));
same(torch.randint(3, { high: 4, size: [2] }), torch.full([2], 3, { dtype: torch.long }));
`;
    expectValid(cell);
  });

  it("torch.* functions on complex tensors, as the ComplexTensor methods they run", () => {
    const cell = `
const x = torch.tensor([1.0, 2.0, 3.0, 4.0]);
const z = torch.complex(x, x.flip(0));
const spectrum = torch.fft.fft(x);
const magnitude: Tensor = torch.abs(z);
same(magnitude, z.abs());
const e: typeof z = torch.exp(z);
same(e, z.exp());
const re: Tensor = torch.real(spectrum);
same(re, spectrum.real);
same(torch.imag(spectrum), spectrum.imag);
const phase: Tensor = torch.angle(spectrum);
same(phase, spectrum.angle());
const pairs: Tensor = torch.view_as_real(spectrum);
same(pairs.shape, [4, 2]);
same(torch.conj(z), z.conj());
same(torch.mul(z, z), z.mul(z));
same(torch.mul(x, z), z.mul(x));
same(torch.add(z, 1), z.add(1));
same(torch.pow(z, 2), z.pow(2));
same(torch.sqrt(z), z.sqrt());
same(torch.sum(z), z.sum());
same(torch.mean(z, { dim: 0 }), z.mean(0));
same(torch.reshape(z, [2, 2]), z.reshape(2, 2));
same(torch.matmul(z.reshape(2, 2), z.reshape(2, 2)), z.reshape(2, 2).matmul(z.reshape(2, 2)));
const parts: (typeof z)[] = torch.chunk(z, 2);
same(parts, z.chunk(2));
const joined: typeof z = torch.cat([z, z], 0);
same(joined.shape, [8]);
same(torch.stack([z, x], { dim: 1 }).shape, [4, 2]);
same(torch.zeros_like(z), z.mul(0));
same([torch.is_complex(z), torch.numel(z)], [true, 4]);
same(torch.view_as_complex(torch.view_as_real(z)), z);
`;
    expectValid(cell);
  });

  it("the forms torch 1.13 refuses (and the engine does at run time) are flagged", () => {
    const messages = cellDiagnostics(`
const a = torch.tensor([1.0, 2.0, 3.0]);
const z = torch.complex(a, a);
const loss_fn = new nn.MSELoss();
loss_fn(a, { targt: a });
loss_fn(a);
class MaskedMSE extends nn.MSELoss {
  forward(pred: Tensor, label: Tensor, weight?: Tensor): Tensor { return super.forward(pred.mul(weight), label.mul(weight)); }
}
new MaskedMSE()(a, { target: a });
torch.sin(z);
const r: typeof z = torch.abs(z);
a.sum({ axs: 0 });
torch.randint({ lo: 0, high: 10, size: [3] });
F.mse_loss(a, { targt: a });
F.cross_entropy({ input: a, target: a, reduktion: "sum" });
`);
    expect(messages).toHaveLength(9);
    expect(messages[0]).toContain("targt");
    expect(messages[1]).toContain("{ input: Tensor; target: Tensor; }");
    expect(messages[2]).toContain("No overload matches this call");
    expect(messages[3]).toContain("'ComplexTensor' is not assignable to parameter of type 'Tensor'");
    expect(messages[4]).toContain("Type 'Tensor' is missing the following properties from type 'ComplexTensor'");
    expect(messages[5]).toContain("axs");
    expect(messages[6]).toContain("'lo' does not exist");
    expect(messages[7]).toContain("targt");
    expect(messages[8]).toContain("reduktion");
  });

  it("the refused forms raise at run time too (torch 1.13's errors: unknown keyword, missing target, complex sin)", () => {
    const run = (cell: string) => () => runCell(cell);
    expect(run("new nn.MSELoss()(torch.ones(2), { targt: torch.ones(2) });")).toThrow("MSELoss.forward() got an unexpected keyword argument 'targt'");
    expect(run("new nn.MSELoss()(torch.ones(2));")).toThrow();
    expect(run("torch.sin(torch.complex(torch.ones(2), torch.ones(2)));")).toThrow("torch.sin is not supported for complex tensors");
    expect(run("F.mse_loss(torch.ones(2), { targt: torch.ones(2) });")).toThrow();
    expect(run('F.cross_entropy({ input: torch.ones(2, 2), target: torch.ones(2, 2), reduktion: "sum" });')).toThrow("reduktion");
  });
});
