/**
 * torch 1.13's own error texts for sparse COO operands, shared by the sparse op modules: the dispatcher's "Could not
 * run 'aten::<op>' with arguments from the '<backend>' backend" (an op without a sparse kernel, or a sparse operand
 * reaching a dense kernel), and the refusals of sparse division.
 */
import { NotImplementedError, RuntimeError } from "../errors";

/** The first sentences of torch's dispatcher error (its list of backends left out). */
export function couldNotRun(op: string, backend: "SparseCPU" | "CPU" | "SparseCsrCPU" = "SparseCPU"): NotImplementedError {
  return new NotImplementedError(
    `Could not run '${op}' with arguments from the '${backend}' backend. This could be because the operator doesn't exist for this backend, ` +
      "or was omitted during the selective/custom build process (if using custom build). If you are a Facebook employee using PyTorch on mobile, " +
      "please visit https://fburl.com/ptmfixes for possible resolutions.",
  );
}

/** torch's div of (or by) a sparse tensor by anything but a number or a 0-dim dense tensor. */
export function sparseDivisionError(divisorShape: readonly number[]): RuntimeError {
  return new RuntimeError(`Sparse division requires a scalar or zero-dim dense tensor divisor (got shape [${divisorShape.join(", ")}] for divisor)`);
}
