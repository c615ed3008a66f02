/**
 * The backward engine. Vertices are backward nodes; edges point to the node that produced
 * each input when the op ran, or to a leaf tensor. Nodes run in topological order, each
 * receiving the sum of the gradients flowing into it; tensor hooks and retain_grad run on
 * the way, and leaves accumulate into `.grad` at the end.
 *
 * With create_graph the backward formulas run with grad mode on, so the gradients carry a
 * graph of their own and can be differentiated again. Nodes whose formula is not written in
 * differentiable ops (see HigherOrder in node.ts) still give the right first gradient, tied
 * to a node that raises, naming the op, if a second backward reaches it: never a silently
 * missing term.
 */
import { allocatedInBackward, enterBackward, leaveBackward, releaseBuffer } from "../buffer_pool";
import { recycleIfDead } from "./activation_recycling";
import type { Storage } from "../dtype";
import { RuntimeError } from "../errors";
import { BinaryOp } from "../kernels/binary";
import { kernels } from "../kernels/registry";
import { fmtShape, shapesEqual } from "../shape";
import type { Tensor, VersionCounter } from "../tensor";
import { enable_grad, is_anomaly_check_nan_enabled, is_anomaly_enabled, no_grad } from "./grad_mode";
import { Node } from "./node";
import { isSparseGrad, markSparseGrad, sparseGradRows, sumSparseGrads } from "./sparse_grad";

export interface EngineOptions {
  retain_graph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  create_graph?: boolean;
  /** When given, gradients of these tensors are returned instead of accumulated (autograd.grad). */
  capture?: readonly Tensor[];
  /** With capture: do not propagate past a captured tensor (partial derivatives w.r.t. it). */
  stop_at_capture?: boolean;
}

/** Reverse post-order of a DFS over nodes: every node comes before the nodes it feeds. */
function topoOrder(roots: readonly Node[]): Node[] {
  const visited = new Set<Node>();
  const post: Node[] = [];
  // An explicit stack keeps very deep graphs (long unrolled loops) off the JS call stack.
  const stack: { n: Node; next: number }[] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push({ n: root, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const edges = top.n.edges;
      if (top.next < edges.length) {
        const child = edges[top.next++];
        if (child instanceof Node && !visited.has(child)) {
          visited.add(child);
          stack.push({ n: child, next: 0 });
        }
      } else {
        stack.pop();
        post.push(top.n);
      }
    }
  }
  return post.reverse();
}

/** The nodes of `order` (parents before children) from which a captured tensor can be reached. */
function nodesReaching(order: readonly Node[], capture: ReadonlySet<Tensor>): Set<Node> {
  const needed = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const reaches =
      (node.out !== null && node.out !== undefined && capture.has(node.out)) ||
      node.edges.some((e) => (e instanceof Node ? needed.has(e) : e !== null && e !== undefined && capture.has(e)));
    if (reaches) needed.add(node);
  }
  return needed;
}

/**
 * The references the engine holds to gradient buffers (the pending and leaf sums), so a buffer no
 * one else can reach goes back to the pool (buffer_pool.ts) once consumed. Null when recycling is
 * off (autograd.grad's captured results, create_graph).
 */
class GradRefs {
  private live = new Map<Storage, number>();
  /** Never recycled: the caller's root gradients, a torch.autograd.Function's results. */
  private kept = new Set<Storage>();

  hold(t: Tensor): void {
    this.live.set(t._data, (this.live.get(t._data) ?? 0) + 1);
  }
  drop(t: Tensor): void {
    this.live.set(t._data, (this.live.get(t._data) ?? 1) - 1);
  }
  keep(t: Tensor): void {
    this.kept.add(t._data);
  }
  /** A pending or leaf gradient still lives on buf. */
  inUse(buf: Storage): boolean {
    return (this.live.get(buf) ?? 0) > 0;
  }

  /**
   * Recycles t's buffer when nothing can reach it: allocated during this backward (so not a
   * caller's or a forward tensor's), the whole buffer, no pending or leaf gradient left on it (a
   * built-in formula that passes the gradient through or returns a view of it holds it), not kept,
   * and no hook ran (a hook may keep or replace what it is given).
   */
  releaseIfDead(t: Tensor): void {
    const buf = t._data;
    if (hookRan || this.kept.has(buf) || (this.live.get(buf) ?? 0) > 0 || !allocatedInBackward(buf)) return;
    if (t._offset !== 0 || t.numel() !== buf.length) return;
    // releaseBuffer ends allocatedInBackward(buf), so this incarnation is never given twice; once a
    // later gradient of this backward takes the buffer again, that one may be recycled in turn.
    releaseBuffer(buf);
  }
}

/** Stores g, or the sum with what is there. The caller holds g in refs beforehand. */
function addInto<K>(map: Map<K, Tensor>, key: K, g: Tensor, refs: GradRefs | null): void {
  const prev = map.get(key);
  if (!prev) {
    map.set(key, g);
    return;
  }
  const sum = prev.add(g);
  sumSparseGrads(sum, prev, g);
  map.set(key, sum);
  if (refs) {
    refs.hold(sum);
    refs.drop(prev);
    refs.drop(g);
    refs.releaseIfDead(prev);
    refs.releaseIfDead(g);
  }
}

function recycleActivations(node: Node, refs: GradRefs): void {
  const inUse = (buf: Storage) => refs.inUse(buf);
  if (node.out) recycleIfDead(node.out._data, inUse);
  if (node.held) for (const buf of node.held) recycleIfDead(buf, inUse);
  node.held = null;
}

/** Set when any hook ran in the backward pass in progress: hooks may keep the gradients they see. */
let hookRan = false;

function runHooks(t: Tensor | null, g: Tensor): Tensor {
  if (!t || !t._hooks) return g;
  if (t._hooks.size > 0) hookRan = true;
  for (const hook of t._hooks.values()) {
    const r = hook(g);
    if (r) g = r;
  }
  return g;
}

/** Hook installed by function.ts: ties a gradient to a node that raises when differentiated. */
let markNotDifferentiable: ((node: Node, grad: Tensor, result: Tensor) => Tensor) | null = null;

export function setNotDifferentiableMarker(fn: (node: Node, grad: Tensor, result: Tensor) => Tensor): void {
  markNotDifferentiable = fn;
}

/** One node's input gradients, differentiable when create_graph asks for it. */
function applyNode(node: Node, g: Tensor, createGraph: boolean): (Tensor | null)[] {
  if (!createGraph) return node.apply(g);
  if (node.higher !== null) return enable_grad(() => node.applyHigher(g));
  // A fused or raw formula: compute without recording (a partial graph would be silently wrong).
  const grads = no_grad(() => node.apply(g));
  const depends = g.requires_grad || node.inputs.some((t) => t !== null && t.requires_grad);
  if (!depends || !markNotDifferentiable) return grads;
  return grads.map((gi) => (gi ? markNotDifferentiable!(node, g, gi) : gi));
}

function checkNaN(node: Node, grads: readonly (Tensor | null)[]): void {
  grads.forEach((gi, i) => {
    if (!gi || !gi.dtype.is_floating_point) return;
    if (gi.isnan().any().item()) {
      const where = node.trace ? `\nThe forward call that created ${node.name()}:\n${node.trace}` : "";
      throw new RuntimeError(`Function '${node.name()}' returned nan values in its ${i}th output.${where}`);
    }
  });
}

export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions = {}): (Tensor | null)[] {
  const createGraph = opts.create_graph ?? false;
  const retain = opts.retain_graph ?? createGraph;
  const capture = opts.capture ? new Set(opts.capture) : null;
  const stop = (opts.stop_at_capture ?? false) && capture !== null;
  const anomaly = is_anomaly_enabled() && is_anomaly_check_nan_enabled();
  const captured = new Map<Tensor, Tensor>();
  // Buffer recycling (buffer_pool.ts) only in a plain backward: no captured results, no graph of gradients.
  const recycle = !createGraph && !opts.capture;
  const refs = recycle ? new GradRefs() : null;
  const body = (): void => {
    const pending = new Map<Node, Tensor>();
    const leafGrads = new Map<Tensor, Tensor>();
    roots.forEach((r, i) => {
      refs?.keep(rootGrads[i]);
      refs?.hold(rootGrads[i]);
      if (r.grad_fn) addInto(pending, r.grad_fn, rootGrads[i], refs);
      else if (r.requires_grad) addInto(leafGrads, r, rootGrads[i], refs);
    });
    const order = topoOrder(roots.map((r) => r.grad_fn).filter((n): n is Node => n !== null));
    const needed = capture ? nodesReaching(order, capture) : null;
    // A leaf's gradient is accumulated (its hooks run) as soon as the last node feeding it has run, as torch's
    // AccumulateGrad nodes run first once ready (their sequence number is the largest): hooks on x = a * b and on
    // v = x + c fire v, c, x, a, b there, not v, x and the leaves last.
    const leafWaiting = new Map<Tensor, number>();
    for (const node of order) {
      if (needed && !needed.has(node)) continue;
      for (const edge of node.edges) if (edge && !(edge instanceof Node)) leafWaiting.set(edge, (leafWaiting.get(edge) ?? 0) + 1);
    }
    const flushLeaf = (leaf: Tensor): void => {
      const g0 = leafGrads.get(leaf);
      if (!g0) return;
      leafGrads.delete(leaf);
      const g = runHooks(leaf, g0);
      if (capture) {
        if (capture.has(leaf)) captured.set(leaf, g);
      } else accumulateGrad(leaf, g, createGraph);
      if (refs) {
        refs.drop(g0);
        refs.releaseIfDead(g0);
      }
    };
    const leavesDone = (node: Node): void => {
      for (const edge of node.edges) {
        if (!edge || edge instanceof Node) continue;
        const left = (leafWaiting.get(edge) ?? 1) - 1;
        leafWaiting.set(edge, left);
        if (left === 0) flushLeaf(edge);
      }
    };
    for (const node of order) {
      // autograd.grad runs only the nodes on a path to a requested tensor, as torch's engine does
      // (a once_differentiable DelayedError elsewhere in the graph must not fire).
      if (needed && !needed.has(node)) continue;
      runNode(node);
      leavesDone(node);
    }
    function runNode(node: Node): void {
      let g = pending.get(node);
      if (!g) return;
      pending.delete(node);
      const out = node.out;
      g = runHooks(out, g);
      if (out && capture?.has(out)) {
        captured.set(out, g);
        if (stop) return;
      }
      if (out && out._retains_grad && !capture) accumulateGrad(out, g, createGraph);
      const inGrads = applyNode(node, g, createGraph);
      if (refs) {
        // Hold every gradient this node passes on before any is summed (and its parts recycled):
        // a formula may return one tensor for several inputs.
        for (let i = 0; i < node.edges.length; i++) {
          const gi = inGrads[i];
          if (!gi) continue;
          if (node.userCode) refs.keep(gi);
          if (node.edges[i]) refs.hold(gi);
        }
      }
      if (anomaly) checkNaN(node, inGrads);
      for (let i = 0; i < node.edges.length; i++) {
        const edge = node.edges[i];
        const gi = inGrads[i];
        if (!edge || !gi) continue;
        const shape = node.inputShapes[i]!;
        if (!shapesEqual(shape, gi.shape)) {
          throw new RuntimeError(`internal autograd error: ${node.name()} returned a gradient of shape ${fmtShape(gi.shape)} for an input of shape ${fmtShape(shape)}`);
        }
        if (edge instanceof Node) addInto(pending, edge, gi, refs);
        else addInto(leafGrads, edge, gi, refs);
      }
      if (refs) {
        refs.drop(g);
        refs.releaseIfDead(g);
      }
      if (!retain) {
        node.release();
        // The node's output and what it saved may now be dead forward activations (activation_recycling.ts).
        if (refs && !hookRan) recycleActivations(node, refs);
      }
    }
    // Leaves no node fed (a leaf that is itself a root)
    for (const leaf of [...leafGrads.keys()]) flushLeaf(leaf);
  };
  const outermost = !backwardRunning;
  if (outermost) hookRan = false;
  backwardRunning = true;
  const wasCapturing = capturing;
  capturing = opts.capture !== undefined;
  enterBackward();
  try {
    if (createGraph) enable_grad(body);
    else no_grad(body);
  } finally {
    leaveBackward();
    capturing = wasCapturing;
    if (outermost) backwardRunning = false;
  }
  if (!opts.capture) return [];
  // In the captured tensor's dtype, as .grad gets it (accumulateGrad) and PyTorch's engine casts every
  // gradient: a float64 loss's gradient for a float32 input is float32, and so is its own gradient.
  return opts.capture.map((t) => {
    const g = captured.get(t) ?? null;
    return g && g.dtype !== t.dtype && g.dtype.is_floating_point && t.dtype.is_floating_point ? g.to(t.dtype) : g;
  });
}

let backwardRunning = false;
/** Whether the innermost backward pass in progress returns gradients (torch.autograd.grad) rather than accumulating them. */
let capturing = false;

/**
 * True while a node runs inside torch.autograd.grad's pass (not a plain backward): torch's
 * _is_checkpoint_valid() is false there, and the reentrant torch.utils.checkpoint refuses it.
 */
export function backwardCapturing(): boolean {
  return capturing;
}

/**
 * Gradients that hold only zeros: optimizer.zero_grad() marks them, and any change since (every
 * in-place op, on the gradient or a view of it) has moved its version counter on.
 */
const zeroed = new WeakMap<Tensor, { ver: VersionCounter; v: number }>();

export function markZeroGrad(grad: Tensor): void {
  zeroed.set(grad, { ver: grad._ver, v: grad._ver.v });
  // torch's zero_() of a sparse gradient leaves it sparse, with no entries.
  if (isSparseGrad(grad)) markSparseGrad(grad, []);
}

function knownZero(grad: Tensor): boolean {
  const z = zeroed.get(grad);
  return z !== undefined && z.ver === grad._ver && z.v === grad._ver.v;
}

const ZERO32 = new Float32Array(1);
const ZERO64 = new Float64Array(1);

/**
 * `.grad` gets a private copy first, then in-place sums, like PyTorch's AccumulateGrad. With
 * create_graph the gradient keeps its graph and sums are out of place, so `.grad` can itself
 * be differentiated.
 */
function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean): void {
  const gg = g.dtype === t.dtype ? g : g.to(t.dtype);
  if (createGraph) {
    t.grad = t.grad ? t.grad.add(gg) : gg.requires_grad ? gg : gg.detach().clone();
    return;
  }
  const cur = t.grad;
  if (!cur) {
    t.grad = gg.detach().clone();
    const rows = sparseGradRows(gg);
    if (rows) markSparseGrad(t.grad, rows);
    return;
  }
  sumSparseGrads(cur, cur, gg);
  if (knownZero(cur) && cur.dtype === gg.dtype && cur.is_contiguous() && shapesEqual(cur.shape, gg.shape)) {
    // .grad is zeros since zero_grad (the usual training loop): write g + 0 without reading the
    // zeros. It is the same IEEE sum as 0 + g, so -0 becomes 0 exactly as PyTorch's add_ gives.
    const zero = cur._data instanceof Float64Array ? ZERO64 : ZERO32;
    kernels.binary(BinaryOp.add, cur.shape, 1, cur._data, cur._offset, cur._strides, gg._data, gg._offset, gg._strides,
      zero, 0, cur.shape.map(() => 0));
    cur._ver.v++;
    cur._ver.lastOp = "add_";
  } else cur.add_(gg);
}
