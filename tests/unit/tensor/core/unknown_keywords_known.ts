/**
 * Public names that, when this audit was written, still accepted an unknown keyword silently
 * (or answered it with an unrelated error) - mostly functions and methods that take no keyword
 * at all (torch.abs(x, { zzz_unknown: 1 }) ignores its extra argument, as any JS function does).
 * unknown_keywords.test.ts fails when one of them is fixed (take it off) or a new one appears.
 * Regenerate the report with UNKNOWN_KEYWORDS_REPORT=1 npx vitest run --project tensor tests/unit/tensor/core/unknown_keywords.test.ts
 */
export const STILL_IGNORED: string[] = [
  "Tensor.get", "Tensor.index", "Tensor.new",
  "Tensor.toString", "nn.Sequential",
  "optim.lr_scheduler.LRScheduler", "torch.BoolTensor", "torch.ByteTensor", "torch.DoubleTensor",
  "torch.CharTensor", "torch.FloatTensor", "torch.IntTensor", "torch.LongTensor", "torch.ShortTensor", "torch.Size", "torch.atleast_1d", "torch.atleast_2d",
  "torch.atleast_3d", "torch.autograd.Function", "torch.autograd.FunctionCtx", "torch.linalg.LinAlgError", "torch.autograd.is_anomaly_enabled",
  "torch.autograd.set_grad_enabled", "torch.broadcast_shapes", "torch.broadcast_tensors", "torch.chain_matmul", "torch.finfo", "torch.format",
  "torch.registerKernel", "torch.registerUnaryKernel", "torch.slice", "utils.data.CharTokenizer",
  "utils.data.Dataset", "utils.data.IterableDataset", "utils.data.Sampler",
  "utils.data.get_dataset_source", "utils.data.get_worker_info",
  "utils.data.set_dataset_source",
];
