/**
 * The backward engine. Vertices are backward nodes; edges point to the node that produced
 * each input when the op ran, or to a leaf tensor. Nodes run in topological order, each
 * receiving the sum of the gradients flowing into it; tensor hooks and retain_grad run on
 * the way, and leaves accumulate into `.grad` at the end.
 */
import { RuntimeError } from "../errors";
import { fmtShape, shapesEqual } from "../shape";
import type { Tensor } from "../tensor";
import { no_grad } from "./grad_mode";
import { Node } from "./node";

export interface EngineOptions {
  retain_graph?: boolean;
  /** When given, gradients of these tensors are returned instead of accumulated (autograd.grad). */
  capture?: readonly Tensor[];
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

function addInto<K>(map: Map<K, Tensor>, key: K, g: Tensor): void {
  const prev = map.get(key);
  map.set(key, prev ? prev.add(g) : g);
}

function runHooks(t: Tensor | null, g: Tensor): Tensor {
  if (!t || !t._hooks) return g;
  for (const hook of t._hooks.values()) {
    const r = hook(g);
    if (r) g = r;
  }
  return g;
}

export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions = {}): (Tensor | null)[] {
  const retain = opts.retain_graph ?? false;
  const capture = opts.capture ? new Set(opts.capture) : null;
  const captured = new Map<Tensor, Tensor>();
  no_grad(() => {
    const pending = new Map<Node, Tensor>();
    const leafGrads = new Map<Tensor, Tensor>();
    roots.forEach((r, i) => {
      if (r.grad_fn) addInto(pending, r.grad_fn, rootGrads[i]);
      else if (r.requires_grad) addInto(leafGrads, r, rootGrads[i]);
    });
    for (const node of topoOrder(roots.map((r) => r.grad_fn).filter((n): n is Node => n !== null))) {
      let g = pending.get(node);
      if (!g) continue;
      pending.delete(node);
      const out = node.out;
      g = runHooks(out, g);
      if (out && capture?.has(out)) captured.set(out, g);
      if (out && out._retains_grad && !capture) accumulateGrad(out, g);
      const inGrads = node.apply(g);
      for (let i = 0; i < node.edges.length; i++) {
        const edge = node.edges[i];
        const gi = inGrads[i];
        if (!edge || !gi) continue;
        const shape = node.inputShapes[i]!;
        if (!shapesEqual(shape, gi.shape)) {
          throw new RuntimeError(`internal autograd error: ${node.name} returned a gradient of shape ${fmtShape(gi.shape)} for an input of shape ${fmtShape(shape)}`);
        }
        if (edge instanceof Node) addInto(pending, edge, gi);
        else addInto(leafGrads, edge, gi);
      }
      if (!retain) node.release();
    }
    for (const [leaf, g0] of leafGrads) {
      const g = runHooks(leaf, g0);
      if (capture) {
        if (capture.has(leaf)) captured.set(leaf, g);
      } else accumulateGrad(leaf, g);
    }
  });
  if (!opts.capture) return [];
  return opts.capture.map((t) => captured.get(t) ?? null);
}

/** `.grad` gets a private copy first, then in-place sums, like PyTorch's AccumulateGrad. */
function accumulateGrad(t: Tensor, g: Tensor): void {
  const gg = g.dtype === t.dtype ? g : g.to(t.dtype);
  if (t.grad) t.grad.add_(gg);
  else t.grad = gg.detach().clone();
}
