/**
 * Calls a learner writes as in PyTorch, which the engine runs, type-checked against the declarations the editor loads
 * (engine-types-cells.ts) AND run on the engine, so the types promise what runs: a loss module or F.* loss with the
 * target by keyword (loss_fn(out, { target: y }), torch 1.13's loss_fn(out, target=y)), the axis= alias of dim=
 * (x.sum({ axis: 0 }), torch.max(x, { axis: 1 })), torch.randint by keywords only, and torch.* functions on complex tensors (torch.abs(z),
 * torch.real(torch.fft.fft(x))). Each valid cell must compile with no diagnostics and run, its keyword form giving
 * what the positional form gives (same(a, b)); the invalid ones, which torch 1.13 refuses too, must be flagged.
 */
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { engineGlobals } from "../../../lib/kernel/worker/engine";
import { ComplexTensor, Tensor, torch } from "../../../lib/tensor/index";
import { cellTypeChecker } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

/** same(a, b) in a cell: the keyword form's result equals the positional form's. */
const SAME = "declare function same(a: unknown, b: unknown): void;\n";

/** Plain values of a result: tensors as nested lists (a complex one as its [..., 2] real view), tuples element-wise. */
function plain(v: unknown): unknown {
  if (v instanceof ComplexTensor) return { complex: torch.view_as_real(v).tolist() };
  if (v instanceof Tensor) return { dtype: String(v.dtype), value: v.tolist() };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && "values" in v && "indices" in v) return [plain(v.values), plain(v.indices)];
  return v;
}

/** Runs the cell (transpiled as the kernel does, the engine's globals in scope) and returns how many same() checks it made. */
function runCell(source: string): number {
  const js = ts.transpileModule(SAME + source, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext } }).outputText;
  const globals = engineGlobals();
  let checks = 0;
  const same = (a: unknown, b: unknown) => {
    checks++;
    expect(plain(a)).toEqual(plain(b));
  };
  const print = () => {};
  // the cell is this file's own source text, run as the kernel runs a cell
  new Function(...Object.keys(globals), "same", "print", js)(...Object.values(globals), same, print);
  return checks;
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
