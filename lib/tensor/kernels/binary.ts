/**
 * Broadcasting elementwise binary kernel. The op is chosen once per row (switch outside the
 * loop) so inner loops stay closure-free and monomorphic.
 */
import type { Storage } from "../dtype";
import { coalesce } from "./copy";

export const BinaryOp = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  gt: 7, ge: 8, lt: 9, le: 10, eq: 11, ne: 12, logical_and: 13, logical_or: 14, logical_xor: 15,
  atan2: 16, fmod: 17, remainder: 18, floor_divide: 19,
} as const;
export type BinaryOpName = keyof typeof BinaryOp;
/** The number a kernel receives for an op: `BinaryOp.add`, never a bare 0. */
export type BinaryOpCode = (typeof BinaryOp)[BinaryOpName];

function row(
  op: BinaryOpCode, n: number, alpha: number,
  out: Storage, oo: number, os: number,
  a: Storage, ao: number, as: number,
  b: Storage, bo: number, bs: number,
): void {
  let i = 0;
  switch (op) {
    case BinaryOp.add:
      if (alpha === 1) {
        if (os === 1 && as === 1 && bs === 1) for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
        else if (os === 1 && as === 1 && bs === 0) { const bv = b[bo]; for (; i < n; i++) out[oo + i] = a[ao + i] + bv; }
        else for (; i < n; i++) out[oo + i * os] = a[ao + i * as] + b[bo + i * bs];
      } else for (; i < n; i++) out[oo + i * os] = a[ao + i * as] + alpha * b[bo + i * bs];
      return;
    case BinaryOp.sub:
      if (os === 1 && as === 1 && bs === 1) for (; i < n; i++) out[oo + i] = a[ao + i] - alpha * b[bo + i];
      else for (; i < n; i++) out[oo + i * os] = a[ao + i * as] - alpha * b[bo + i * bs];
      return;
    case BinaryOp.mul:
      if (os === 1 && as === 1 && bs === 1) for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
      else if (os === 1 && as === 1 && bs === 0) { const bv = b[bo]; for (; i < n; i++) out[oo + i] = a[ao + i] * bv; }
      else for (; i < n; i++) out[oo + i * os] = a[ao + i * as] * b[bo + i * bs];
      return;
    case BinaryOp.div:
      for (; i < n; i++) out[oo + i * os] = a[ao + i * as] / b[bo + i * bs];
      return;
    case BinaryOp.pow:
      for (; i < n; i++) out[oo + i * os] = Math.pow(a[ao + i * as], b[bo + i * bs]);
      return;
    case BinaryOp.maximum:
      for (; i < n; i++) {
        const x = a[ao + i * as], y = b[bo + i * bs];
        out[oo + i * os] = x !== x || y !== y ? NaN : x > y ? x : y;
      }
      return;
    case BinaryOp.minimum:
      for (; i < n; i++) {
        const x = a[ao + i * as], y = b[bo + i * bs];
        out[oo + i * os] = x !== x || y !== y ? NaN : x < y ? x : y;
      }
      return;
    case BinaryOp.gt: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] > b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.ge: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] >= b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.lt: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] < b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.le: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] <= b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.eq: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] === b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.ne: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] !== b[bo + i * bs] ? 1 : 0; return;
    case BinaryOp.logical_and: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] !== 0 && b[bo + i * bs] !== 0 ? 1 : 0; return;
    case BinaryOp.logical_or: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] !== 0 || b[bo + i * bs] !== 0 ? 1 : 0; return;
    case BinaryOp.logical_xor: for (; i < n; i++) out[oo + i * os] = (a[ao + i * as] !== 0) !== (b[bo + i * bs] !== 0) ? 1 : 0; return;
    case BinaryOp.atan2: for (; i < n; i++) out[oo + i * os] = Math.atan2(a[ao + i * as], b[bo + i * bs]); return;
    case BinaryOp.fmod: for (; i < n; i++) out[oo + i * os] = a[ao + i * as] % b[bo + i * bs]; return;
    case BinaryOp.remainder:
      for (; i < n; i++) {
        const x = a[ao + i * as], y = b[bo + i * bs];
        const r = x % y;
        out[oo + i * os] = r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
      }
      return;
    case BinaryOp.floor_divide: for (; i < n; i++) out[oo + i * os] = Math.floor(a[ao + i * as] / b[bo + i * bs]); return;
    default: {
      // Every BinaryOp has a case: a new op without one does not compile.
      const unknown: never = op;
      throw new Error(`unknown binary op ${String(unknown)}`);
    }
  }
}

/**
 * out = a (op) alpha*b over `shape`. Strides of a and b are broadcast strides (0 on
 * broadcast dims); out may alias a for in-place ops.
 */
export function binaryStrided(
  op: BinaryOpCode, shape: readonly number[], alpha: number,
  out: Storage, oOff: number, oStrides: readonly number[],
  a: Storage, aOff: number, aStrides: readonly number[],
  b: Storage, bOff: number, bStrides: readonly number[],
): void {
  const [sh, [os, as, bs]] = coalesce(shape, [oStrides, aStrides, bStrides]);
  const nd = sh.length;
  const n = sh[nd - 1];
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= sh[d];
  if (outer === 1) {
    row(op, n, alpha, out, oOff, os[nd - 1], a, aOff, as[nd - 1], b, bOff, bs[nd - 1]);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let oo = oOff, ao = aOff, bo = bOff;
  for (let k = 0; k < outer; k++) {
    row(op, n, alpha, out, oo, os[nd - 1], a, ao, as[nd - 1], b, bo, bs[nd - 1]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      oo += os[d]; ao += as[d]; bo += bs[d];
      if (idx[d] < sh[d]) break;
      oo -= os[d] * sh[d]; ao -= as[d] * sh[d]; bo -= bs[d] * sh[d];
      idx[d] = 0;
    }
  }
}
