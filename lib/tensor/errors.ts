/**
 * Error classes named like the Python exceptions PyTorch raises, so a learner who
 * searches for a message finds PyTorch answers that apply here too.
 */
export class TorchError extends Error {
  constructor(message: string, name = "RuntimeError") {
    super(message);
    this.name = name;
  }
}

/** Shape mismatches, autograd misuse, unsupported dtypes: PyTorch's RuntimeError. */
export class RuntimeError extends TorchError {
  constructor(message: string) {
    super(message, "RuntimeError");
  }
}

/** Out-of-range dims and indices: PyTorch's IndexError. */
export class IndexError extends TorchError {
  constructor(message: string) {
    super(message, "IndexError");
  }
}

/** Wrong argument kinds: PyTorch's TypeError. */
export class TypeError_ extends TorchError {
  constructor(message: string) {
    super(message, "TypeError");
  }
}

/** Bad argument values (negative sizes, empty ranges): PyTorch's ValueError. */
export class ValueError extends TorchError {
  constructor(message: string) {
    super(message, "ValueError");
  }
}

/** A failed `assert` in PyTorch's Python code (nn.Embedding's padding_idx check): Python's AssertionError. */
export class AssertionError extends TorchError {
  constructor(message: string) {
    super(message, "AssertionError");
  }
}

/** What PyTorch leaves unimplemented (an entropy a distribution lacks, a KL pair nobody registered): Python's NotImplementedError. */
export class NotImplementedError extends TorchError {
  constructor(message: string) {
    super(message, "NotImplementedError");
  }
}

/**
 * A factorisation that fails or a singular input in torch.linalg (a non positive-definite cholesky, a singular
 * inv / solve): torch._C._LinAlgError, exposed as torch.linalg.LinAlgError, a subclass of RuntimeError (so
 * `except RuntimeError` / `instanceof RuntimeError` still catch it). Its Python class name is "_LinAlgError".
 */
export class LinAlgError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = "_LinAlgError";
  }
}
