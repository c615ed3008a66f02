/**
 * Fused attention's forward and backward chains run inside the GEMM module's memory (a gemm
 * session, kernels/wasm/gemm_session.ts): Q, K and V are staged once (one copy of the projection's
 * span when they are views of one [N, L, 3 H E] tensor), the scores stay in module memory for the
 * softmax row pass (attention_simd.ts's kernels on that memory) and the next product, and only the
 * results (and P, which the backward reads) are copied out. Per-call matmulBatched copied every
 * operand's span in and every result out, and the row passes copied the scores in and out of
 * their own memory: ~19 MB per layer in the GPT bench.
 *
 * Same products (gemm_batch jobs with the same packers, skips and k order) and the same row
 * kernels as attention_core.ts's per-call path, so the same bits. Each function returns false,
 * having written nothing, where the session does not apply (float64, the plain-TS backend, shapes
 * gemm_batch does not take in one job, rows not a multiple of 4, strided outputs that do not tile
 * their span): the caller then runs its per-call path.
 */
import type { Storage } from "../../dtype";
import { kernels } from "../../kernels/registry";
import { BATCH_SKIP } from "../../kernels/wasm/gemm_batch";
import { inModuleShape, openGemmSession, type BatchShape, type GemmSession } from "../../kernels/wasm/gemm_session";
import { MIN_WORK } from "../../kernels/wasm/matmul_simd";
import { rowKernelsOn, type RowKernels } from "../../kernels/wasm/row_kernels";
import { ResidentBlock, allocResident } from "../../kernels/wasm/resident";

/** A batched operand: slice i's element (r, c) at data[offs[i] + r * s0 + c * s1]. */
export interface SliceOperand {
  data: Storage;
  offs: readonly number[];
  rows: number;
  cols: number;
  s0: number;
  s1: number;
}

/** A result written slice by slice: row r of slice i at data[offs[i] + r * row]. */
export interface SliceResult {
  data: Storage;
  offs: readonly number[];
  row: number;
}

const f32 = (s: Storage): s is Float32Array => s instanceof Float32Array;

/** [lo, hi) of the elements an operand's slices read. */
function spanOf(o: SliceOperand): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const off of o.offs) {
    lo = Math.min(lo, off);
    hi = Math.max(hi, off + (o.rows - 1) * o.s0 + (o.cols - 1) * o.s1 + 1);
  }
  return [lo, hi];
}

/** Whether an operand can be staged: float32, non-negative strides. */
const stageable = (o: SliceOperand): boolean => f32(o.data) && o.s0 >= 0 && o.s1 >= 0;

/**
 * The first element of a result's span when its slices (rows x cols each) tile it exactly (so
 * copying the whole span back writes nothing the products did not), else -1. sliceLayout's dense
 * and head-interleaved layouts do.
 */
function tiledStart(r: SliceResult, rows: number, cols: number): number {
  if (!f32(r.data) || r.row < cols) return -1;
  let lo = Infinity, hi = -Infinity;
  for (const off of r.offs) {
    lo = Math.min(lo, off);
    hi = Math.max(hi, off + (rows - 1) * r.row + cols);
  }
  if (hi - lo !== r.offs.length * rows * cols) return -1;
  // Disjoint blocks: each slice starts on its own (row block, column block) cell of the span.
  const cells = new Set<number>();
  const block = rows * r.row;
  for (const off of r.offs) {
    const rel = off - lo, col = rel % r.row;
    if (col % cols !== 0 || col + cols > r.row || Math.floor(rel / r.row) % rows !== 0) return -1;
    cells.add(Math.floor(rel / block) * r.row + col);
  }
  return cells.size === r.offs.length ? lo : -1;
}

/** Stages each distinct storage once (the union of its operands' spans); per operand, slice addresses in module memory. */
function stageOperands(sess: GemmSession, ops: readonly SliceOperand[]): number[][] {
  const spans = new Map<Storage, [number, number]>();
  for (const o of ops) {
    const [lo, hi] = spanOf(o);
    const had = spans.get(o.data);
    spans.set(o.data, had ? [Math.min(had[0], lo), Math.max(had[1], hi)] : [lo, hi]);
  }
  const bases = new Map<Storage, number>();
  for (const [data, [lo, hi]] of spans) bases.set(data, sess.stage(data as Float32Array, lo, hi));
  return ops.map((o) => o.offs.map((off) => bases.get(o.data)! + off));
}

/** Slice addresses of a dense [count, per] region at `at`. */
const denseSlices = (at: number, count: number, per: number): number[] => Array.from({ length: count }, (_, i) => at + i * per);

/** Floats of scores a chunk of slices keeps in module memory at once (256 KB: see sliceChunks). */
export const SCORES_PER_CHUNK = 1 << 16;

/**
 * Whether the chains run in module memory (benches turn it off to compare in one process), and how
 * many did (for tests); the scores per chunk of slices on one thread (sliceChunks; 0: the whole batch at once).
 */
export const attentionInModule = { enabled: true, runs: 0, chunkScores: SCORES_PER_CHUNK, chunkStaging: true, stagedByChunk: 0 };

/** The operand or result restricted to slices [lo, hi). */
const sliced = <T extends { offs: readonly number[] }>(o: T, lo: number, hi: number): T => ({ ...o, offs: o.offs.slice(lo, hi) });

/**
 * The chain's slices cut into chunks of whole slices, [lo, hi) each: on one thread, as many slices
 * as hold chunkScores scores (L x S each; at least one), every product and row pass of the
 * chain running chunk by chunk on one scores region (and one dS region) of that size. The whole
 * batch's scores (1 MB per GPT layer, 2 MB with dS) pushed the session's regions out of the
 * core's L2 between a product and the row pass after it; a chunk's stay there. The same jobs per
 * slice, so the same bits. On a thread pool the batch stays whole: the pool splits a job by
 * slices, and only a large enough one.
 */
function sliceChunks(sess: GemmSession, nb: number, LS: number): [number, number][] {
  const { chunkScores } = attentionInModule;
  const per = chunkScores > 0 && sess.threads === 1 ? Math.max(1, Math.min(nb, Math.floor(chunkScores / LS))) : nb;
  const chunks: [number, number][] = [];
  for (let lo = 0; lo < nb; lo += per) chunks.push([lo, Math.min(nb, lo + per)]);
  return chunks;
}

/**
 * Opens a session for these shapes and the row kernels on its memory, or null. Only batches
 * matmulBatched runs as gemm_batch jobs (more than one slice, at least MIN_WORK multiply-adds
 * each): smaller ones it runs on the plain-TS kernel, whose bits the session would not give.
 */
function open(shapes: BatchShape[]): { sess: GemmSession; rows: RowKernels } | null {
  const batched = ([count, m, n, k]: BatchShape) => count > 1 && m * n * k >= MIN_WORK && inModuleShape(m, n, k);
  if (!attentionInModule.enabled || !kernels.gemm || !shapes.every(batched)) return null;
  const sess = openGemmSession(kernels.gemm, shapes);
  // On a thread pool's memory the row passes are split across its threads (row_kernels.ts).
  const rows = sess && rowKernelsOn(sess.memory);
  if (!sess || !rows) return null;
  attentionInModule.runs++;
  return { sess, rows };
}

/** Where the forward left the probabilities when asked to keep them: a block of the session's memory (resident.ts), or null (in P). */
export interface KeptScores {
  block: ResidentBlock | null;
}

/**
 * out = softmax(scale * Q K^T, causal) V for nb slices (q: L x E, k: S x E, v: S x Ev), no mask;
 * the probabilities into P ([nb, L, S] dense) when P is given, or, with `keep`, left in module
 * memory where a resident block can be had (keep.block; P is then not written). False: nothing done.
 */
export function attentionForwardInModule(
  nb: number, L: number, S: number, E: number, Ev: number,
  q: SliceOperand, k: SliceOperand, v: SliceOperand, out: SliceResult, P: Storage | null, causal: boolean, scale: number,
  keep: KeptScores | null = null,
): boolean {
  if (S % 4 !== 0 || nb < 1 || !stageable(q) || !stageable(k) || !stageable(v) || (P && !f32(P))) return false;
  const wholeLo = tiledStart(out, L, Ev);
  if (wholeLo < 0) return false;
  const run = open([[nb, L, S, E], [nb, L, Ev, S]]);
  if (!run) return false;
  const { sess, rows } = run;
  const LS = L * S;
  const chunks = sliceChunks(sess, nb, LS);
  const per = chunks[0][1];
  // The scores' region, reused chunk after chunk (unless the whole [nb, L, S] is kept: allocated after the first chunk's scratch).
  const pAt = sess.alloc(per * LS);
  // Each chunk's q, k, v and output staged by itself (regions reused chunk after chunk) where
  // each chunk's output slices tile their own span; else the whole batch's, once.
  const outLos = chunks.map(([lo, hi]) => tiledStart(sliced(out, lo, hi), L, Ev));
  const byChunk = attentionInModule.chunkStaging && chunks.length > 1 && outLos.every((at) => at >= 0);
  if (byChunk) attentionInModule.stagedByChunk++;
  const mark = sess.mark();
  let whole: { at: number[][]; outAt: number } | null = null;
  for (const [c, [lo, hi]] of chunks.entries()) {
    const count = hi - lo;
    let qAt: number[], kAt: number[], vAt: number[], outAt: number, outLo: number;
    if (byChunk) {
      sess.release(mark);
      [qAt, kAt, vAt] = stageOperands(sess, [sliced(q, lo, hi), sliced(k, lo, hi), sliced(v, lo, hi)]);
      outAt = sess.alloc(count * L * Ev);
      outLo = outLos[c];
    } else {
      whole ??= { at: stageOperands(sess, [q, k, v]), outAt: sess.alloc(nb * L * Ev) };
      [qAt, kAt, vAt] = whole.at.map((a) => a.slice(lo, hi));
      outAt = whole.outAt;
      outLo = wholeLo;
    }
    const outSlices = out.offs.slice(lo, hi).map((o) => outAt + o - outLo);
    if (c === 0 && keep && P) keep.block = allocResident(sess.memory, nb * LS);
    // Read after this chunk's scratch (which may have moved the zone); evicted meanwhile (the memory could not grow): back to P.
    let kept = keep?.block ? keep.block.addressIn(sess.memory) : -1;
    if (keep?.block && kept < 0) {
      (P as Float32Array).set(keep.block.values().subarray(0, lo * LS));
      keep.block.free();
      keep.block = null;
      kept = -1;
    }
    const chunkP = kept >= 0 ? kept + lo * LS : pAt;
    const pSlices = denseSlices(chunkP, count, LS);
    sess.batch(count, L, S, E, qAt, q.s0, q.s1, kAt, k.s1, k.s0, pSlices, S, causal ? BATCH_SKIP.C_PAST_DIAGONAL : BATCH_SKIP.NONE);
    rows.attn_softmax_fwd(chunkP * 4, count * L, S, L, 0, causal ? 1 : 0, scale);
    sess.batch(count, L, Ev, S, pSlices, S, 1, vAt, v.s0, v.s1, outSlices, out.row, causal ? BATCH_SKIP.A_PAST_DIAGONAL : BATCH_SKIP.NONE);
    const h = sess.heap();
    if (P && kept < 0) (P as Float32Array).set(h.subarray(pAt, pAt + count * LS), lo * LS);
    if (byChunk) (out.data as Float32Array).set(h.subarray(outAt, outAt + count * L * Ev), outLo);
  }
  if (whole) (out.data as Float32Array).set(sess.heap().subarray(whole.outAt, whole.outAt + nb * L * Ev), wholeLo);
  return true;
}

/**
 * The backward of attentionForwardInModule from dO (g: L x Ev slices) and the saved P (or the block the forward kept it in):
 * dV = P^T dO, dP = dO V^T, dS = scale * P * (dP - rowsum(dP * P)), dQ = dS K, dK = dS^T Q, each
 * into its result when given. False: nothing done.
 */
export function attentionBackwardInModule(
  nb: number, L: number, S: number, E: number, Ev: number, saved: Storage | ResidentBlock, g: SliceOperand,
  q: SliceOperand, k: SliceOperand, v: SliceOperand,
  gq: SliceResult | null, gk: SliceResult | null, gv: SliceResult | null, causal: boolean, scale: number,
  shared: { lo: number; len: number } | null = null,
): boolean {
  const needDS = !!(gq || gk);
  if (S % 4 !== 0 || nb < 1 || !(saved instanceof ResidentBlock || f32(saved)) || !stageable(g) || (needDS && !(stageable(v) && (!gq || stageable(k)) && (!gk || stageable(q))))) return false;
  // shared: the three results are blocks of one buffer that together tile [lo, lo + len) (the caller's layout, fusedPackedAttention's).
  if (shared && !(gq && gk && gv && gq.data === gk.data && gk.data === gv.data && f32(gq.data) && nb * (L * E + S * E + S * Ev) === shared.len)) return false;
  const gvLo = shared ? shared.lo : gv ? tiledStart(gv, S, Ev) : 0;
  const gqLo = shared ? shared.lo : gq ? tiledStart(gq, L, E) : 0;
  const gkLo = shared ? shared.lo : gk ? tiledStart(gk, S, E) : 0;
  if (gvLo < 0 || gqLo < 0 || gkLo < 0) return false;
  const shapes: BatchShape[] = [];
  if (gv) shapes.push([nb, S, Ev, L]);
  if (needDS) shapes.push([nb, L, S, Ev]);
  if (gq) shapes.push([nb, L, E, S]);
  if (gk) shapes.push([nb, S, E, L]);
  const run = shapes.length ? open(shapes) : null;
  if (!run) return false;
  const { sess, rows } = run;
  const LS = L * S;
  const chunks = sliceChunks(sess, nb, LS);
  const per = chunks[0][1];
  // Kept in this memory: read where the forward left it; kept elsewhere: as the copy P would have been.
  const block = saved instanceof ResidentBlock && saved.addressIn(sess.memory) >= 0 ? saved : null;
  // Kept in another memory (the forward's session ran there): each chunk's part copied straight from it.
  const elsewhere = !block && saved instanceof ResidentBlock ? saved : null;
  const P = block || elsewhere ? null : (saved as Float32Array);
  const pAt = block ? -1 : sess.alloc(per * LS);
  const dsAt = needDS ? sess.alloc(per * LS) : 0;
  const dsSlices = denseSlices(dsAt, per, LS);
  const results = [gv && { r: gv, rows: S, cols: Ev }, gq && { r: gq, rows: L, cols: E }, gk && { r: gk, rows: S, cols: E }].filter((x) => x !== null);
  /** Where a chunk's results start in their buffer(s), [gv, gq, gk] (shared: one span), or null where they do not tile spans of their own. */
  const chunkLos = ([lo, hi]: [number, number]): { los: number[]; len: number } | null => {
    if (!shared) {
      const los = [gv ? tiledStart(sliced(gv, lo, hi), S, Ev) : 0, gq ? tiledStart(sliced(gq, lo, hi), L, E) : 0, gk ? tiledStart(sliced(gk, lo, hi), S, E) : 0];
      return los.every((at) => at >= 0) ? { los, len: 0 } : null;
    }
    // The three results' blocks of these slices (disjoint: they tile the whole span) fill one span exactly.
    let first = Infinity, end = -Infinity;
    for (const { r, rows, cols } of results) for (const off of r.offs.slice(lo, hi)) {
      first = Math.min(first, off);
      end = Math.max(end, off + (rows - 1) * r.row + cols);
    }
    const len = (hi - lo) * (L * E + S * E + S * Ev);
    return end - first === len ? { los: [first, first, first], len } : null;
  };
  const spans = attentionInModule.chunkStaging && chunks.length > 1 ? chunks.map(chunkLos) : [];
  const byChunk = spans.length > 1 && spans.every((c) => c !== null);
  if (byChunk) attentionInModule.stagedByChunk++;
  const mark = sess.mark();
  let whole: { at: number[][]; gvAt: number; gqAt: number; gkAt: number } | null = null;
  for (const [c, [lo, hi]] of chunks.entries()) {
    const count = hi - lo;
    let at: number[][], gvAt: number, gqAt: number, gkAt: number, los: number[];
    const operands = [g, ...(needDS ? [v] : []), ...(gq ? [k] : []), ...(gk ? [q] : [])];
    if (byChunk) {
      sess.release(mark);
      at = stageOperands(sess, operands.map((o) => sliced(o, lo, hi)));
      const span = spans[c]!;
      const sharedAt = shared ? sess.alloc(span.len) : 0;
      gvAt = shared ? sharedAt : gv ? sess.alloc(count * S * Ev) : 0;
      gqAt = shared ? sharedAt : gq ? sess.alloc(count * L * E) : 0;
      gkAt = shared ? sharedAt : gk ? sess.alloc(count * S * E) : 0;
      los = span.los;
    } else {
      if (!whole) {
        const wholeAt = stageOperands(sess, operands);
        const sharedAt = shared ? sess.alloc(shared.len) : 0;
        whole = {
          at: wholeAt,
          gvAt: shared ? sharedAt : gv ? sess.alloc(nb * S * Ev) : 0,
          gqAt: shared ? sharedAt : gq ? sess.alloc(nb * L * E) : 0,
          gkAt: shared ? sharedAt : gk ? sess.alloc(nb * S * E) : 0,
        };
      }
      at = whole.at.map((a) => a.slice(lo, hi));
      ({ gvAt, gqAt, gkAt } = whole);
      los = [gvLo, gqLo, gkLo];
    }
    const [gAt, ...rest] = at;
    const vAt = needDS ? rest.shift()! : [];
    const kAt = gq ? rest.shift()! : [];
    const qAt = gk ? rest.shift()! : [];
    const into = (r: SliceResult, base: number, from: number) => r.offs.slice(lo, hi).map((o) => base + o - from);
    // After this chunk's scratch: a kept block is where it stays for the chunk (staged if it was evicted meanwhile).
    const kept = block ? block.addressIn(sess.memory) : -1;
    const chunkP = kept >= 0 ? kept + lo * LS : block ? sess.stage(block.values(), lo * LS, hi * LS) + lo * LS : pAt;
    if (P) sess.heap().set(P.subarray(lo * LS, hi * LS), pAt);
    else if (elsewhere) sess.heap().set(elsewhere.view(lo * LS, hi * LS), pAt);
    const pSlices = denseSlices(chunkP, count, LS);
    if (gv) sess.batch(count, S, Ev, L, pSlices, 1, S, gAt, g.s0, g.s1, into(gv, gvAt, los[0]), gv.row, causal ? BATCH_SKIP.A_BEFORE_DIAGONAL : BATCH_SKIP.NONE);
    if (needDS) {
      sess.batch(count, L, S, Ev, gAt, g.s0, g.s1, vAt, v.s1, v.s0, dsSlices, S, causal ? BATCH_SKIP.C_PAST_DIAGONAL : BATCH_SKIP.NONE);
      rows.attn_softmax_bwd(dsAt * 4, chunkP * 4, count * L, S, L, 0, causal ? 1 : 0, scale);
    }
    if (gq) sess.batch(count, L, E, S, dsSlices, S, 1, kAt, k.s0, k.s1, into(gq, gqAt, los[1]), gq.row, causal ? BATCH_SKIP.A_PAST_DIAGONAL : BATCH_SKIP.NONE);
    if (gk) sess.batch(count, S, E, L, dsSlices, 1, S, qAt, q.s0, q.s1, into(gk, gkAt, los[2]), gk.row, causal ? BATCH_SKIP.A_BEFORE_DIAGONAL : BATCH_SKIP.NONE);
    if (byChunk) copyResults(sess.heap(), count, spans[c]!.len, gvAt, gqAt, gkAt, los);
  }
  if (whole) {
    const { gvAt, gqAt, gkAt } = whole;
    copyResults(sess.heap(), nb, shared ? shared.len : 0, gvAt, gqAt, gkAt, [gvLo, gqLo, gkLo]);
  }
  return true;

  /** Copies `count` slices' results (or `sharedLen` floats of the shared span) from module memory to their buffers at los. */
  function copyResults(h: Float32Array, count: number, sharedLen: number, gvAt: number, gqAt: number, gkAt: number, los: number[]): void {
    if (shared) {
      (gq!.data as Float32Array).set(h.subarray(gqAt, gqAt + sharedLen), los[1]);
      return;
    }
    if (gv) (gv.data as Float32Array).set(h.subarray(gvAt, gvAt + count * S * Ev), los[0]);
    if (gq) (gq.data as Float32Array).set(h.subarray(gqAt, gqAt + count * L * E), los[1]);
    if (gk) (gk.data as Float32Array).set(h.subarray(gkAt, gkAt + count * S * E), los[2]);
  }
}
