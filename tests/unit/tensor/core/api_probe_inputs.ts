/**
 * What the public-API audits share (unknown_keywords.test.ts, keyword_forms_audit.test.ts): the
 * functions left out and why, small valid inputs, and the candidate argument lists an audit tries
 * in order until a call succeeds, so that every function is reached with an input it accepts.
 */
import { nn, optim, torch, utils } from "../../../../lib/tensor/index";

/**
 * Not probed, with the reason: they take free-form objects by design, change process-wide
 * state when called with a probe value, or need inputs no generic probe can build.
 */
export const EXCLUDED: Record<string, string> = {
  "torch.save": "takes any object (a checkpoint dict) as its first argument",
  "torch.load": "reads a stored file by name; the probe has none",
  "torch.tensor": "data may be any nested structure",
  "torch.as_tensor": "data may be any nested structure", "torch.asarray": "obj may be any nested structure",
  "torch.set_default_dtype": "process-wide state", "torch.set_default_tensor_type": "process-wide state",
  "torch.set_num_threads": "process-wide state (the kernel thread pool)", "torch.set_grad_enabled": "process-wide state",
  "torch.set_printoptions": "process-wide state (tested in printing.test.ts)",
  "torch.set_rng_state": "its argument is itself a plain object (tested in random_namespace.test.ts)",
  "torch.manual_seed": "process-wide state (tested in random_namespace.test.ts)", "torch.seed": "process-wide state (tested in random_namespace.test.ts)",
  "torch.use_deterministic_algorithms": "process-wide state",
  "torch.autograd.set_detect_anomaly": "process-wide state",
  "nn.Identity": "takes and ignores any argument, as PyTorch's Identity(*args, **kwargs)",
  "nn.ModuleDict": "its argument is a dict of modules", "nn.ParameterDict": "its argument is a dict of parameters",
  "nn.Container": "deprecated; its keyword arguments are submodules by name (PyTorch's Container(**kwargs))",
  "utils.data.WorkerInfo": "its keyword arguments are its fields (PyTorch's WorkerInfo(**kwargs))",
  "utils.data.default_collate": "takes any batch structure, dicts included", "utils.data.default_convert": "takes any structure, dicts included",
};

export const x = () => torch.arange(6).float().reshape(2, 3).div(7).add(0.1);
const sq = () => torch.tensor([[2, 0.5, 0.1], [0.5, 3, 0.2], [0.1, 0.2, 4]]);
const vec = () => torch.tensor([0.3, 0.6, 0.9]);
const img = () => torch.arange(2 * 3 * 4 * 4).float().reshape(2, 3, 4, 4).div(50);
const seq = () => torch.arange(2 * 3 * 4).float().reshape(2, 3, 4).div(20);
const mask = () => torch.tensor([[true, false, true], [false, true, true]]);
const idx = () => torch.tensor([0, 2], { dtype: torch.long });
/** An index shaped like x() for gather / scatter along dim 1. */
const gatherIndex = () => torch.tensor([[0, 1, 2], [2, 1, 0]], { dtype: torch.long });
const labels = () => torch.tensor([0, 2], { dtype: torch.long });
const params = () => [new nn.Parameter(torch.ones(2))];

/** Candidate argument lists, tried in order until one call succeeds without the bogus key. */
export const FN_CANDIDATES: (() => unknown[])[] = [
  () => [x()], () => [x(), x()], () => [x(), 1], () => [x(), 0], () => [sq()], () => [sq(), sq()], () => [vec()], () => [vec(), vec()],
  () => [x(), labels()], () => [mask(), x(), x()], () => [x(), x(), x()], () => [vec(), vec(), vec()], () => [sq(), vec()],
  () => [img()], () => [img(), torch.ones(3, 3, 3, 3)], () => [seq()], () => [seq(), torch.ones(3, 3, 2)], () => [img(), 2], () => [seq(), 2],
  () => [x(), 1, 1], () => [x(), 0, idx()], () => [x(), 1, idx()], () => [x(), [3, 2]], () => [x(), [0, 1]], () => [x(), mask()], () => [x(), mask(), 0],
  () => [x(), 0, idx(), x().narrow(1, 0, 2)], () => [x(), 1, idx(), x().narrow(1, 0, 2)],
  () => [x(), torch.ones(3, 2)], () => [x(), torch.ones(3, 2), torch.ones(3)], () => [torch.ones(3), x(), torch.ones(3, 2)],
  () => [[x(), x()]], () => [[x(), x()], 0], () => [[2, 3]], () => [2, 3], () => [3], () => [0, 1, 3], () => [0, 1], () => [[1, 2, 3]],
  () => [], () => [params()], () => [new nn.Linear(2, 2)], () => [new nn.Linear(2, 2), "weight"], () => [new nn.Linear(2, 2), "weight", 0.5],
  () => [x(), 0.5], () => [torch.tensor([0.2, 0.5, 0.3]), 2], () => [torch.float32],
  // Integer and index-shaped inputs (bincount, one_hot, the bitwise ops, gather / scatter, embedding), batched
  // matrices (bmm, addmm) and a norm's shape: the functions none of the lists above reach.
  () => [idx()], () => [idx(), idx()], () => [x(), 1, gatherIndex()], () => [x(), 1, gatherIndex(), x()],
  () => [torch.ones(2, 2, 3), torch.ones(2, 3, 2)], () => [x(), torch.ones(2, 2), torch.ones(2, 3)], () => [idx(), torch.ones(3, 2)],
  () => [x(), [3]], () => [x(), 1, 0, 2],
];

export const CTOR_CANDIDATES: (() => unknown[])[] = [
  () => [], () => [2], () => [2, 3], () => [2, 3, 3], () => [[2, 3]], () => [params()], () => [new nn.Linear(2, 2)], () => [[new nn.Linear(2, 2)]],
  () => [2, 2], () => [3, 2, 1], () => [x()], () => [x(), x()], () => [[params()[0]]],
  () => [new optim.SGD(params(), { lr: 0.1 })],
  () => [new optim.SGD(params(), { lr: 0.1 }), 2], () => [new optim.SGD(params(), { lr: 0.1 }), [2]],
  () => [new optim.SGD(params(), { lr: 0.1 }), (e: number) => 1 / (e + 1)], () => [new optim.SGD(params(), { lr: 0.1 }), 0.5],
  () => [new optim.SGD(params(), { lr: 0.1, momentum: 0.9 }), 0.01, 0.1], () => [new optim.SGD(params(), { lr: 0.1 }), 0.1, 10],
  () => [new utils.data.TensorDataset(x(), labels())], () => [new utils.data.TensorDataset(x(), labels()), 1],
  () => [[new utils.data.TensorDataset(x(), labels())]], () => [new utils.data.TensorDataset(x(), labels()), [0, 1]],
  () => [[0.5, 0.5], 2], () => [[0, 1]], () => [[1, 0]],
];

/** True for a class (called with new), false for a function. */
export function isClass(f: unknown): boolean {
  return typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));
}
