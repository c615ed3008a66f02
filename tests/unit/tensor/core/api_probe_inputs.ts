/**
 * What the public-API audits share (unknown_keywords.test.ts, keyword_forms_audit.test.ts): the
 * functions left out and why, small valid inputs, and the candidate argument lists an audit tries
 * in order until a call succeeds, so that every function is reached with an input it accepts.
 */
import { F, nn, optim, torch, utils, Tensor } from "../../../../lib/tensor/index";

/**
 * Not probed, with the reason: they take free-form objects by design, change process-wide
 * state when called with a probe value, or need inputs no generic probe can build.
 */
export const EXCLUDED: Record<string, string> = {
  "torch.save": "takes any object (a checkpoint dict) as its first argument",
  "torch.load": "reads a stored file by name; the probe has none",
  "torch.tensor": "data may be any nested structure",
  "torch.Tensor": "the class (callable as the legacy constructor, a Proxy isClass cannot tell from a function); data may be any nested structure",
  "torch.as_tensor": "data may be any nested structure", "torch.asarray": "obj may be any nested structure",
  "torch.set_default_dtype": "process-wide state", "torch.set_default_tensor_type": "process-wide state",
  "torch.set_num_threads": "process-wide state (the kernel thread pool)", "torch.set_grad_enabled": "process-wide state",
  "torch.set_printoptions": "process-wide state (tested in printing.test.ts)",
  "torch.set_rng_state": "its argument is itself a plain object (tested in random_namespace.test.ts)",
  "torch.manual_seed": "process-wide state (tested in random_namespace.test.ts)", "torch.seed": "process-wide state (tested in random_namespace.test.ts)",
  "torch.use_deterministic_algorithms": "process-wide state", "torch.set_deterministic_debug_mode": "process-wide state",
  "torch.set_anomaly_enabled": "process-wide state", "torch.random.set_rng_state": "process-wide state (as torch.set_rng_state)",
  "nn.register_module": "process-wide state (the registry of module classes torch.load finds)",
  "torch.autocast": "takes its block as a callback last: the probe's trailing keyword would follow it",
  "torch.autograd.detect_anomaly": "takes its block as a callback last: the probe's trailing keyword would follow it",
  "torch.random.fork_rng": "takes its block as a callback last: the probe's trailing keyword would follow it",
  "torch.autograd.Node": "the graph's node class: made by operations, not called",
  "nn.RNNBase": "the engine's abstract base, constructed as (cls, mode, input_size, hidden_size, options), not torch's (mode, input_size, ...)",
  "nn.RNNCellBase": "the engine's abstract base, constructed as (cls, mode, input_size, hidden_size, bias, dtype), not torch's",
  "optim.Optimizer": "its second argument, defaults, is itself a plain object",
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
const sgd = () => new optim.SGD(params(), { lr: 0.1 });

// FN_HINTS' inputs
const one = () => torch.tensor([1.5]);
const vol = () => torch.arange(2 * 3 * 4 * 4 * 4).float().reshape(2, 3, 4, 4, 4).div(300);
const img4 = () => torch.arange(2 * 4 * 2 * 2).float().reshape(2, 4, 2, 2).div(20);
/** An embedding table of 5 rows of 3, all values distinct. */
const table = () => torch.arange(15).float().reshape(5, 3).div(10);
/** A deterministic weight matrix of the given shape. */
const w = (rows: number, cols: number) => torch.arange(rows * cols).float().reshape(rows, cols).div(rows * cols).sub(0.5);
const pm1 = () => torch.tensor([1, -1]);
const luFactor = () => torch.linalg.lu_factor(sq()) as unknown as Tensor[];
/** CTC: 5 steps, batch 2, 4 classes (log-probabilities), targets of length 2. */
const ctcLogProbs = () => torch.arange(40).float().reshape(5, 2, 4).div(13).sin().log_softmax(2);
const ctcTargets = () => torch.tensor([[1, 2], [1, 1]], { dtype: torch.long });

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

/**
 * Per-name argument lists, tried before FN_CANDIDATES (CTOR_CANDIDATES for a class): the functions none of the generic lists reach
 * (a square or positive-definite matrix, an index and a source, a 5-D input, a string first, ...).
 * For a Tensor method (key "Tensor.<name>") the first item is the tensor it is called on.
 * FN_CANDIDATES itself stays as it is: non_tensor_operands_fixtures.py mirrors it list for list.
 */
export const FN_HINTS: Record<string, (() => unknown[])[]> = {
  // sparse COO / CSR (lib/tensor/sparse/): a sparse operand none of the dense lists gives
  "torch.hspmm": [() => [torch.sparse_coo_tensor([[0, 1], [1, 0]], [1, 2], [2, 2]), torch.ones(2, 3)]],
  "torch.smm": [() => [torch.sparse_coo_tensor([[0, 1], [1, 0]], [1, 2], [2, 2]), torch.ones(2, 3)]],
  "torch.sparse_csr_tensor": [() => [[0, 1, 2], [1, 0], [1, 2], [2, 2]]],
  // creation, conversion, queries
  "torch.randint": [() => [3, [2, 3]]], "torch.empty_strided": [() => [[2, 3], [3, 1]]],
  "torch.from_numpy": [() => [new Float32Array([0.5, 1.5])]], "torch.from_array": [() => [new Float32Array([0.5, 1.5]), [2]]], "torch.device": [() => ["cpu"]], "torch.iinfo": [() => [torch.int32]],
  "torch.is_nonzero": [() => [one()]], "Tensor.is_nonzero": [() => [one()]], "Tensor.item": [() => [one()]],
  "torch.polygamma": [() => [1, x()]], "torch.special.polygamma": [() => [1, x()]], "torch.broadcast_to": [() => [x(), [2, 2, 3]]], "torch.expand_copy": [() => [x(), [2, 2, 3]]],
  "torch.as_strided": [() => [x(), [2, 2], [1, 2]]], "Tensor.as_strided": [() => [x(), [2, 2], [1, 2]]],
  "torch.as_strided_": [() => [x(), [2, 2], [1, 2]]], "torch.as_strided_copy": [() => [x(), [2, 2], [1, 2]]],
  "torch.as_strided_scatter": [() => [x(), torch.ones(2, 2), [2, 2], [1, 2]]],
  "torch.unflatten": [() => [x(), 1, [3, 1]]], "Tensor.unflatten": [() => [x(), 1, [3, 1]]],
  "torch.split_with_sizes": [() => [x(), [1, 2], 1]], "torch.unsafe_split_with_sizes": [() => [x(), [1, 2], 1]],
  "Tensor.split_with_sizes": [() => [x(), [1, 2], 1]], "Tensor.unsafe_split_with_sizes": [() => [x(), [1, 2], 1]],
  // indexing with an index and a source
  "torch.index_fill": [() => [x(), 1, idx(), -1]], "Tensor.index_fill": [() => [x(), 1, idx(), -1]], "Tensor.index_fill_": [() => [x(), 1, idx(), -1]],
  "torch.masked_scatter": [() => [x(), mask(), torch.ones(2, 3)]], "Tensor.masked_scatter": [() => [x(), mask(), torch.ones(2, 3)]],
  "Tensor.masked_scatter_": [() => [x(), mask(), torch.ones(2, 3)]],
  "torch.put": [() => [x(), idx(), torch.tensor([9, 8])]], "Tensor.put": [() => [x(), idx(), torch.tensor([9, 8])]], "Tensor.put_": [() => [x(), idx(), torch.tensor([9, 8])]],
  "torch.index_reduce": [() => [x(), 1, idx(), x().narrow(1, 0, 2), "prod"]], "Tensor.index_reduce": [() => [x(), 1, idx(), x().narrow(1, 0, 2), "prod"]],
  "Tensor.index_reduce_": [() => [x(), 1, idx(), x().narrow(1, 0, 2), "prod"]],
  "torch.scatter_reduce": [() => [x(), 1, gatherIndex(), x(), "sum"]], "Tensor.scatter_reduce": [() => [x(), 1, gatherIndex(), x(), "sum"]],
  "Tensor.scatter_reduce_": [() => [x(), 1, gatherIndex(), x(), "sum"]],
  "torch.segment_reduce": [() => [torch.tensor([1, 2, 3, 4.5]), "sum", { lengths: torch.tensor([1, 3], { dtype: torch.long }) }]],
  "torch.select_scatter": [() => [x(), vec(), 0, 1]], "Tensor.select_scatter": [() => [x(), vec(), 0, 1]],
  // an index per dimension and the values to put (values are required since torch 1.13's index_put(indices, values))
  ...Object.fromEntries(["torch.index_put", "torch.index_put_", "Tensor.index_put", "Tensor.index_put_"].map((n) => [n, [() => [x(), [torch.tensor([1, 0], { dtype: torch.long })], torch.tensor(0.5)]]])),
  // batched and vector products
  "torch.addmv": [() => [torch.ones(2), x(), vec()]], "torch.addmv_": [() => [torch.ones(2), x(), vec()]],
  "torch.baddbmm": [() => [torch.ones(2, 2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "Tensor.baddbmm": [() => [torch.ones(2, 2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "Tensor.baddbmm_": [() => [torch.ones(2, 2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "torch.addbmm": [() => [torch.ones(2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "Tensor.addbmm": [() => [torch.ones(2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "Tensor.addbmm_": [() => [torch.ones(2, 2), torch.ones(2, 2, 3), torch.ones(2, 3, 2)]],
  "Tensor.addr_": [() => [x(), torch.ones(2), vec()]], "Tensor.float_power_": [() => [x().double(), 2]],
  // linear algebra on a factorization or a triangular matrix
  "torch.lu_solve": [() => [torch.ones(3, 2), ...luFactor()]], "Tensor.lu_solve": [() => [torch.ones(3, 2), ...luFactor()]],
  "torch.lu_unpack": [() => [...luFactor()]], "torch.linalg.lu_solve": [() => [...luFactor(), torch.ones(3, 2)]],
  "torch.linalg.ldl_solve": [() => [...((torch.linalg as unknown as Record<string, (a: Tensor) => Tensor[]>).ldl_factor(sq())), torch.ones(3, 2)]],
  "torch.linalg.solve_triangular": [() => [sq().triu(), torch.ones(3, 2), { upper: true }]],
  "torch.linalg.multi_dot": [() => [[x(), torch.ones(3, 2)]]], "torch.linalg.tensorinv": [() => [torch.eye(4).add(0.1).reshape(2, 2, 2, 2), 2]],
  // convolution, pooling, normalization, embeddings on the shapes they need
  "torch.conv3d": [() => [vol(), torch.ones(2, 3, 2, 2, 2)]], "torch.conv_transpose3d": [() => [vol(), torch.ones(3, 2, 2, 2, 2)]],
  "torch.batch_norm": [() => [img(), torch.ones(3), torch.zeros(3), torch.zeros(3), torch.ones(3), false, 0.1, 1e-5, false]],
  "torch.instance_norm": [() => [img(), torch.ones(3), torch.zeros(3), null, null, true, 0.1, 1e-5, false]],
  "F.batch_norm": [() => [img(), torch.zeros(3), torch.ones(3), torch.ones(3), torch.zeros(3), false, 0.1, 1e-5]],
  "torch.native_layer_norm": [() => [x(), [3], torch.ones(3), torch.zeros(3), 1e-5]],
  "torch.embedding": [() => [table(), idx()]],
  "F.embedding_bag": [() => [torch.tensor([0, 2, 1, 3], { dtype: torch.long }), table(), torch.tensor([0, 2], { dtype: torch.long })]],
  "torch.pixel_shuffle": [() => [img4(), 2]], "F.pixel_shuffle": [() => [img4(), 2]],
  "torch.channel_shuffle": [() => [img(), 3]], "F.channel_shuffle": [() => [img(), 3]], "F.native_channel_shuffle": [() => [img(), 3]],
  "torch.bilinear": [() => [x(), x(), torch.ones(2, 3, 3), torch.ones(2)]],
  "F.fold": [() => [torch.arange(12).float().reshape(1, 4, 3), [2, 4], [2, 2], 1, 0, 1]],
  "F.affine_grid": [() => [torch.tensor([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 2, 3], false]],
  "F.grid_sample": [() => [img(), torch.tensor([[[[-1, -1], [0.5, 0]], [[0, 0.5], [1, 1]]]]).expand(2, 2, 2, 2), "bilinear", "zeros", false]],
  "F.max_unpool1d": [() => [...(F.max_pool1d(seq(), 2, { return_indices: true }) as unknown as Tensor[]), 2]],
  "F.max_unpool2d": [() => [...(F.max_pool2d(img(), 2, { return_indices: true }) as unknown as Tensor[]), 2]],
  // max_pool3d has no return_indices here: each 2x2x2 block's first element, by hand
  "F.max_unpool3d": [() => [F.avg_pool3d(vol(), 2), torch.tensor([0, 2, 8, 10, 32, 34, 40, 42], { dtype: torch.long }).reshape(1, 1, 2, 2, 2).expand(2, 3, 2, 2, 2), 2]],
  "F.lp_pool2d": [() => [img(), 2, 2]],
  "F.fractional_max_pool2d": [() => [img(), 2, 2]], "F.fractional_max_pool2d_with_indices": [() => [img(), 2, 2]],
  "F.fractional_max_pool3d": [() => [vol(), 2, 2]], "F.fractional_max_pool3d_with_indices": [() => [vol(), 2, 2]],
  // losses
  "torch.cosine_embedding_loss": [() => [x(), x().flip(1), pm1()]], "F.cosine_embedding_loss": [() => [x(), x().flip(1), pm1(), 0.1]],
  "torch.poisson_nll_loss": [() => [x(), x().flip(1), true, false, 1e-8, 1]],
  "torch.ctc_loss": [() => [ctcLogProbs(), ctcTargets(), [5, 5], [2, 2]]], "F.ctc_loss": [() => [ctcLogProbs(), ctcTargets(), [5, 5], [2, 2]]],
  // recurrent cells and attention: input [2, 3], hidden size 4
  "torch.rnn_tanh_cell": [() => [x(), torch.ones(2, 4), w(4, 3), w(4, 4), torch.zeros(4), torch.zeros(4)]],
  "torch.rnn_relu_cell": [() => [x(), torch.ones(2, 4), w(4, 3), w(4, 4), torch.zeros(4), torch.zeros(4)]],
  "torch.gru_cell": [() => [x(), torch.ones(2, 4), w(12, 3), w(12, 4), torch.zeros(12), torch.zeros(12)]],
  "torch.lstm_cell": [() => [x(), [torch.ones(2, 4), torch.ones(2, 4)], w(16, 3), w(16, 4), torch.zeros(16), torch.zeros(16)]],
  "F.multi_head_attention_forward": [() => [seq(), seq(), seq(), 4, 2, w(12, 4), torch.zeros(12), null, null, false, 0, w(4, 4), torch.zeros(4), false]],
  // autograd on a tensor that requires grad, callables
  "Tensor.retain_grad": [() => [x().requires_grad_().mul(2)]], "Tensor.register_hook": [() => [x().requires_grad_(), (g: Tensor) => g.mul(2)]],
  "Tensor.backward": [() => [x().requires_grad_().mul(2), torch.ones(2, 3)]],
  "Tensor.apply_": [() => [x(), (v: number) => v * 2]], "Tensor.map_": [() => [x(), x(), (a: number, b: number) => a + b]],
  "nn.init.calculate_gain": [() => ["leaky_relu", 0.2]],
  "torch.frombuffer": [() => [new Float32Array([0.5, 1.5]).buffer, { dtype: torch.float32 }]],
  "torch.autograd.grad": [() => { const a = x().requires_grad_(); return [a.mul(a).sum(), a]; }],
  "torch.autograd.gradcheck": [() => [(t: Tensor) => t.mul(2), [x().double().requires_grad_()]]],
  "torch.autograd.gradgradcheck": [() => [(t: Tensor) => t.mul(t), [x().double().requires_grad_()]]],
  // nn.utils on modules, classes with the arguments they require (unknown_keywords.test.ts)
  "nn.utils.remove_weight_norm": [() => [nn.utils.weight_norm(new nn.Linear(2, 2))]],
  "nn.utils.remove_spectral_norm": [() => [nn.utils.spectral_norm(new nn.Linear(2, 2))]],
  "nn.utils.skip_init": [() => [nn.Linear, 2, 2]],
  "nn.utils.fuse_conv_bn_eval": [() => [new nn.Conv2d(3, 3, 1).eval(), new nn.BatchNorm2d(3).eval()]],
  "nn.utils.fuse_conv_bn_weights": [() => [torch.ones(3, 3, 1, 1), torch.zeros(3), torch.zeros(3), torch.ones(3), 1e-5, torch.ones(3), torch.zeros(3)]],
  "nn.TransformerEncoder": [() => [new nn.TransformerEncoderLayer(4, 2), 1]], "nn.TransformerDecoder": [() => [new nn.TransformerDecoderLayer(4, 2), 1]],
  "nn.Unflatten": [() => [1, [3, 1]]],
  "nn.AdaptiveLogSoftmaxWithLoss": [() => [4, 10, [2, 6]]],
  "optim.SGD": [() => [params(), 0.1]],
  "optim.lr_scheduler.SequentialLR": [() => { const o = sgd(); return [o, [new optim.lr_scheduler.StepLR(o, 2), new optim.lr_scheduler.StepLR(o, 3)], [1]]; }],
  "optim.lr_scheduler.ChainedScheduler": [() => { const o = sgd(); return [[new optim.lr_scheduler.StepLR(o, 2), new optim.lr_scheduler.ExponentialLR(o, 0.9)]]; }],
  "optim.swa_utils.update_bn": [() => [[x()], new nn.Sequential(new nn.Linear(3, 3), new nn.BatchNorm1d(3))]],
  "utils.data.BatchSampler": [() => [new utils.data.SequentialSampler([1, 2, 3]), 2, false]],
  "utils.data.SequenceTaskDataset": [() => ["copy", 4]], "utils.data.CharDataset": [() => ["hello world", 3]],
};

/**
 * Functions no input can reach, by design: they raise for every input (complex results, sparse
 * layouts, quantization, functions torch 1.13 itself has removed). Counted apart from the unreached.
 */
const COMPLEX = "needs or makes a complex result the engine does not support (istft of a real input, eig; lib/tensor/complex.ts)";
/** The probe's inputs are real tensors: a complex one is made by torch.complex / polar, which the probe reaches. */
const COMPLEX_INPUT = "takes a complex tensor (the probe's inputs are real; tests/unit/tensor/core/complex.test.ts checks it)";
const SPARSE = "compressed sparse layouts (the engine has dense, sparse COO and 2-D sparse CSR tensors only)";
const REMOVED = "removed in torch 1.13 itself (raises 'deprecated since version 1.9 and is now removed')";
export const NEVER_ACCEPTS: Record<string, string> = {
  "torch.view_as_complex": COMPLEX_INPUT, "torch.view_as_real": COMPLEX_INPUT, "torch.imag": COMPLEX_INPUT,
  "torch.istft": COMPLEX, "Tensor.istft": COMPLEX, "torch.linalg.eig": COMPLEX,
  ...Object.fromEntries(["sparse_csc_tensor", "sparse_bsr_tensor", "sparse_bsc_tensor",
    "sparse_compressed_tensor", "indices_copy", "values_copy", "ccol_indices_copy", "col_indices_copy", "crow_indices_copy", "row_indices_copy",
  ].map((n) => [`torch.${n}`, SPARSE])),
  ...Object.fromEntries(["to_sparse_csc", "to_sparse_bsr", "to_sparse_bsc"].map((n) => [`Tensor.${n}`, SPARSE])),
  "torch.quantize_per_tensor": "quantized dtypes: not supported by the engine", "torch.quantize_per_channel": "quantized dtypes: not supported by the engine",
  "Tensor.rename": "named tensors: not supported", "Tensor.refine_names": "named tensors: not supported",
  "Tensor.align_to": "named tensors: not supported", "Tensor.align_as": "named tensors: not supported",
  "Tensor.half": "float16: not supported", "Tensor.bfloat16": "bfloat16: not supported", "Tensor.cuda": "no GPU",
  "Tensor.data_ptr": "typed arrays have no address",
  "torch.lstsq": REMOVED, "torch.matrix_rank": REMOVED, "torch.solve": REMOVED, "torch.eig": REMOVED,
  "Tensor.lstsq": REMOVED, "Tensor.solve": REMOVED, "Tensor.eig": REMOVED,
  "torch.special.airy_ai": "not implemented by the engine (raises, naming what torch.special has)",
  "torch.memory_format": "not constructible (torch: cannot create 'torch.memory_format' instances)",
  "torch.layout": "not constructible (torch: cannot create 'torch.layout' instances)",
  "torch.dtype": "not constructible (torch: cannot create 'torch.dtype' instances; core/dtype_class.test.ts)",
};

/** The argument lists tried for a function: its hints, then the shared lists. */
export function fnCandidates(name: string): (() => unknown[])[] {
  return [...(FN_HINTS[name] ?? []), ...FN_CANDIDATES];
}

/** The argument lists tried for a class's constructor: its hints, then CTOR_CANDIDATES. */
export function ctorCandidates(name: string): (() => unknown[])[] {
  return [...(FN_HINTS[name] ?? []), ...CTOR_CANDIDATES];
}

/**
 * The argument lists tried for Tensor.<key>, the tensor it is called on first: its hints, then x()
 * with each shared list (without and with its first item), then each shared list whose first item is a
 * tensor, called on that tensor (an integer tensor for the bitwise methods, a square matrix for det).
 */
export function methodCandidates(key: string): (() => unknown[])[] {
  return [
    ...(FN_HINTS[`Tensor.${key}`] ?? []),
    () => [x()], ...FN_CANDIDATES.map((c) => () => [x(), ...c().slice(1)]), ...FN_CANDIDATES.map((c) => () => [x(), ...c()]),
    ...FN_CANDIDATES,
  ];
}

/** Calls Tensor.<key> on args[0] with the rest (throws, so the candidate is skipped, when args[0] is no tensor). */
export function callMethod(key: string, args: unknown[]): unknown {
  const [self, ...rest] = args;
  if (!(self instanceof Tensor)) throw new TypeError("not a tensor");
  return (self as unknown as Record<string, (...b: unknown[]) => unknown>)[key](...rest);
}

/** A hint's trailing options object (keyword-only arguments, linalg.solve_triangular's upper), split from its positional arguments. */
export function splitOptions(args: unknown[]): [positional: unknown[], options: Record<string, unknown> | undefined] {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype) return [args.slice(0, -1), last as Record<string, unknown>];
  return [args, undefined];
}

/**
 * The functions an audit could not call (no candidate accepted), checked: each must be in NEVER_ACCEPTS (unexpected
 * lists the others: give them a hint in FN_HINTS), and a NEVER_ACCEPTS name the audit did reach must leave it (stale).
 * With API_PROBE_UNREACHED=1 it prints how many functions no candidate reaches, and which.
 */
export function checkUnreached(audit: string, results: ReadonlyMap<string, { outcome: string }>): { unexpected: string[]; stale: string[] } {
  const unreached = [...results].filter(([, r]) => r.outcome === "no-input").map(([n]) => n);
  const unexpected = unreached.filter((n) => !(n in NEVER_ACCEPTS));
  const stale = Object.keys(NEVER_ACCEPTS).filter((n) => results.has(n) && results.get(n)!.outcome !== "no-input");
  if (process.env.API_PROBE_UNREACHED) {
    console.log(`${audit}: ${unreached.length} of ${results.size} unreached (${unreached.length - unexpected.length} by design, NEVER_ACCEPTS; ${unexpected.length} others)`);
    console.log(`${audit} unreached: ${unexpected.join(", ")}`);
  }
  return { unexpected, stale };
}

/** True for a class (called with new), false for a function. */
export function isClass(f: unknown): boolean {
  return typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));
}
