/**
 * Index-driven writes beyond tensor.ts's core: the Tensor methods index_fill, index_copy,
 * masked_scatter, put (each with its in-place form), fill_diagonal_ and index_reduce(_), and the
 * torch.* functions index_fill, index_copy, masked_scatter, put and index_reduce
 * (ops/inplace_extra.ts, ops/fill_diagonal.ts, ops/index_reduce.ts).
 */
import { parseArgs, type PyArgs } from "../args";
import { fill_diagonal } from "../ops/fill_diagonal";
import { index_reduce, parseIndexReduce, type IndexReduceArgs } from "../ops/index_reduce";
import * as ip from "../ops/inplace_extra";
import type { Tensor, TensorLike } from "../tensor";
import { installMethods } from "./install";
import { accumulateArg } from "./keyword_args";

export interface IndexingMethods {
  index_fill(dim: number, index: Tensor, value: TensorLike): Tensor;
  index_fill_(dim: number, index: Tensor, value: TensorLike): Tensor;
  /** fill_value on the main diagonal (wrap: a tall matrix's diagonal restarts every cols + 1 rows). */
  fill_diagonal_(fill_value: number, ...args: PyArgs<[wrap?: boolean], { wrap?: boolean }>): Tensor;
  index_copy(dim: number, index: Tensor, source: Tensor): Tensor;
  index_copy_(dim: number, index: Tensor, source: Tensor): Tensor;
  masked_scatter(mask: Tensor, source: Tensor): Tensor;
  masked_scatter_(mask: Tensor, source: Tensor): Tensor;
  put(index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): Tensor;
  put_(index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): Tensor;
  /** Combines source's slices into self's slices index[i] along dim ("prod" | "mean" | "amax" | "amin"; { include_self }). */
  index_reduce(dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs): Tensor;
  index_reduce_(dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends IndexingMethods {}
}

const indexWrites: Omit<IndexingMethods, "index_reduce" | "index_reduce_"> & ThisType<Tensor> = {
  index_fill(dim, index, value) { return ip.index_fill(this, dim, index, value); },
  index_fill_(dim, index, value) { return ip.applyOp(this, "index_fill_", (x) => ip.index_fill(x, dim, index, value), value); },
  fill_diagonal_(fill_value, ...args) {
    const wrap = parseArgs<{ wrap?: boolean }>("fill_diagonal_", ["wrap"], args).wrap ?? false;
    return ip.applyOp(this, "fill_diagonal_", (x) => fill_diagonal(x, fill_value, wrap));
  },
  index_copy(dim, index, source) { return ip.index_copy(this, dim, index, source); },
  index_copy_(dim, index, source) { return ip.applyOp(this, "index_copy_", (x) => ip.index_copy(x, dim, index, source), source); },
  masked_scatter(mask, source) { return ip.masked_scatter(this, mask, source); },
  masked_scatter_(mask, source) { return ip.applyOp(this, "masked_scatter_", (x) => ip.masked_scatter(x, mask, source), source); },
  put(index, source, ...args) { return ip.put(this, index, source, accumulateArg("put", args)); },
  put_(index, source, ...args) {
    const acc = accumulateArg("put_", args);
    return ip.applyOp(this, "put_", (x) => ip.put(x, index, source, acc), source);
  },
};

const indexReduce: Pick<IndexingMethods, "index_reduce" | "index_reduce_"> & ThisType<Tensor> = {
  index_reduce(dim, index, source, ...args) {
    const a = parseIndexReduce("index_reduce", args);
    return index_reduce(this, dim, index, source, a.reduce, a.include_self);
  },
  index_reduce_(dim, index, source, ...args) {
    const a = parseIndexReduce("index_reduce_", args);
    return ip.applyOp(this, "index_reduce_", (old) => index_reduce(old, dim, index, source, a.reduce, a.include_self), source);
  },
};

export function installIndexingMethods(proto: object): void {
  installMethods(proto, indexWrites, indexReduce);
}

/** torch.index_fill ... torch.index_reduce: the functional forms of the methods above. */
export const indexingFunctions = {
  index_fill: (x: Tensor, dim: number, index: Tensor, value: TensorLike) => ip.index_fill(x, dim, index, value),
  index_copy: (x: Tensor, dim: number, index: Tensor, source: Tensor) => ip.index_copy(x, dim, index, source),
  masked_scatter: (x: Tensor, mask: Tensor, source: Tensor) => ip.masked_scatter(x, mask, source),
  put: (x: Tensor, index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>) =>
    ip.put(x, index, source, parseArgs<{ accumulate?: boolean }>("put", ["accumulate"], args).accumulate ?? false),
  index_reduce: (x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs) => x.index_reduce(dim, index, source, ...args),
};
