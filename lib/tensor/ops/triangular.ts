/**
 * Triangles of matrices: tril / triu (on the last two dims, batched) and the index lists
 * tril_indices / triu_indices. `diagonal` shifts the boundary like PyTorch: 0 is the main
 * diagonal, positive above it, negative below.
 */
import { record } from "../autograd/function";
import { int64, type DType } from "../dtype";
import { IndexError, RuntimeError } from "../errors";
import { normalizeDim, numelOf } from "../shape";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

/** Copy of x keeping entries where keep(row, col) holds, zero elsewhere. */
function maskTriangle(x: Tensor, keep: (i: number, j: number) => boolean): Tensor {
  const rows = x.shape[x.dim() - 2];
  const cols = x.shape[x.dim() - 1];
  const batch = numelOf(x.shape.slice(0, -2));
  const xd = contiguousData(x);
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (keep(i, j)) od[base + i * cols + j] = xd[base + i * cols + j];
  }
  return out;
}

function checkMatrix(x: Tensor, op: string, diagonal: number): void {
  // torch wraps dim -2 of the input: its IndexError for a 1-d input, its scalar message for a 0-d one.
  if (x.dim() === 0) throw new IndexError("Dimension specified as -2 but tensor has no dimensions");
  if (x.dim() < 2) normalizeDim(-2, x.dim());
  if (!Number.isInteger(diagonal)) throw new RuntimeError(`${op}: diagonal must be an integer, got ${diagonal}`);
}

/** Lower triangle: entries with col - row <= diagonal. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  checkMatrix(x, "tril", diagonal);
  const out = maskTriangle(x, (i, j) => j - i <= diagonal);
  return record(out, "TrilBackward0", [x], (g) => [tril(g, diagonal)]);
}

/** Upper triangle: entries with col - row >= diagonal. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  checkMatrix(x, "triu", diagonal);
  const out = maskTriangle(x, (i, j) => j - i >= diagonal);
  return record(out, "TriuBackward0", [x], (g) => [triu(g, diagonal)]);
}

function triangleIndices(op: string, row: number, col: number, keep: (i: number, j: number) => boolean, dtype: DType): Tensor {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0) {
    throw new RuntimeError(`${op}: row and col must be non-negative integers (got row=${row}, col=${col})`);
  }
  const rs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (keep(i, j)) {
        rs.push(i);
        cs.push(j);
      }
    }
  }
  const out = empty([2, rs.length], dtype);
  out._data.set(rs, 0);
  out._data.set(cs, rs.length);
  return out;
}

export interface TriangleIndicesOptions {
  offset?: number;
  dtype?: DType;
}

/** 2 x N long tensor of the (row, col) coordinates of the lower triangle, row-major. */
export function tril_indices(row: number, col: number, offset = 0, dtype: DType = int64): Tensor {
  return triangleIndices("tril_indices", row, col, (i, j) => j - i <= offset, dtype);
}

export function triu_indices(row: number, col: number, offset = 0, dtype: DType = int64): Tensor {
  return triangleIndices("triu_indices", row, col, (i, j) => j - i >= offset, dtype);
}
