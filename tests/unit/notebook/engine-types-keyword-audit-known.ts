/**
 * The keywords engine-types-keyword-audit.test.ts finds a function takes at run time but its editor type lacks
 * (a ratchet: take a name off when its type gains the keyword). torch 1.13 takes these too (axis= on torch.fft.*,
 * x.stride(axis=1) through its C++ argument parser), except where noted.
 */
export const UNTYPED_KEYWORDS: Record<string, readonly string[]> = {
  "Tensor.size": ["axis"],
  "Tensor.stride": ["axis"],
  "Tensor.as_strided": ["storage_offset"],
  "torch.set_num_interop_threads": ["threads"],
  // the run time's split_size (Tensor.split's name) beside torch.split's split_size_or_sections
  "torch.split": ["split_size"],
  "torch.vmap": ["in_dims", "out_dims", "randomness", "chunk_size"],
  // lib/tensor/sparse's typings (another change under way)
  "torch.sparse_coo_tensor": ["indices", "values", "size", "dtype", "device", "requires_grad"],
  // its type names the keyword forms of col_indices / values / size but not the first operand's
  "torch.sparse_csr_tensor": ["crow_indices"],
  "torch.fft.fft": ["axis"],
  "torch.fft.ifft": ["axis"],
  "torch.fft.rfft": ["axis"],
  "torch.fft.ihfft": ["axis"],
  "torch.fft.irfft": ["axis"],
  "torch.fft.hfft": ["axis"],
  "torch.fft.fft2": ["axis"],
  "torch.fft.ifft2": ["axis"],
  "torch.fft.fftn": ["axis"],
  "torch.fft.ifftn": ["axis"],
  "torch.fft.rfft2": ["axis"],
  "torch.fft.rfftn": ["axis"],
  "torch.fft.irfft2": ["axis"],
  "torch.fft.irfftn": ["axis"],
  "torch.fft.hfft2": ["axis"],
  "torch.fft.hfftn": ["axis"],
  "torch.fft.ihfft2": ["axis"],
  "torch.fft.ihfftn": ["axis"],
};

/**
 * NumPy aliases a type offers that the run time refuses (a cell type-checks, then raises): unique_consecutive's type
 * (ops/stats_extra.ts, PyArgs) should be PyArgsExact, as torch 1.13 writes it in Python (TypeError for axis=).
 */
export const REFUSED_ALIASES: readonly string[] = ["Tensor.unique_consecutive: axis", "torch.unique_consecutive: axis"];
