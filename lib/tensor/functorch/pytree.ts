/**
 * functorch's pytrees in JavaScript: a value is a Tensor (a leaf), an array (Python's tuple or
 * list), a plain object (a dict) of pytrees, or anything else (a leaf that is not a tensor, such as
 * a number or null). vmap and grad flatten their arguments and results to leaves and rebuild them.
 */
import { isOptions } from "../args";

export type PyTree = unknown;

/** How to rebuild a flattened value: the container shape, with leaves as numbered holes. */
export type TreeSpec = { kind: "leaf" } | { kind: "array"; children: TreeSpec[] } | { kind: "object"; keys: string[]; children: TreeSpec[] };

export function treeFlatten(tree: PyTree): { leaves: unknown[]; spec: TreeSpec } {
  const leaves: unknown[] = [];
  const walk = (t: PyTree): TreeSpec => {
    if (Array.isArray(t)) return { kind: "array", children: t.map(walk) };
    if (isOptions(t)) {
      const keys = Object.keys(t);
      return { kind: "object", keys, children: keys.map((k) => walk(t[k])) };
    }
    leaves.push(t);
    return { kind: "leaf" };
  };
  const spec = walk(tree);
  return { leaves, spec };
}

export function treeUnflatten(leaves: readonly unknown[], spec: TreeSpec): PyTree {
  let i = 0;
  const build = (s: TreeSpec): PyTree => {
    if (s.kind === "leaf") return leaves[i++];
    if (s.kind === "array") return s.children.map(build);
    const out: Record<string, unknown> = {};
    s.keys.forEach((k, j) => (out[k] = build(s.children[j])));
    return out;
  };
  return build(spec);
}

export function specLeafCount(spec: TreeSpec): number {
  return spec.kind === "leaf" ? 1 : spec.children.reduce((n, c) => n + specLeafCount(c), 0);
}

/**
 * functorch's in_dims / out_dims: one value for a whole subtree, or a tree of the same structure
 * (a prefix of the value's tree). Returns one entry per leaf of `spec`.
 */
export function broadcastPrefix<T>(prefix: PyTree, spec: TreeSpec, isValue: (v: unknown) => v is T): T[] | null {
  if (isValue(prefix)) return new Array<T>(specLeafCount(spec)).fill(prefix);
  const parts = (pairs: [PyTree, TreeSpec][]): T[] | null => {
    const out: T[] = [];
    for (const [p, c] of pairs) {
      const sub = broadcastPrefix(p, c, isValue);
      if (sub === null) return null;
      out.push(...sub);
    }
    return out;
  };
  if (spec.kind === "array" && Array.isArray(prefix) && prefix.length === spec.children.length) {
    return parts(spec.children.map((c, i) => [prefix[i], c]));
  }
  if (spec.kind === "object" && isOptions(prefix) && Object.keys(prefix).length === spec.keys.length && spec.keys.every((k) => k in prefix)) {
    return parts(spec.children.map((c, i) => [prefix[spec.keys[i]], c]));
  }
  return null; // the prefix does not fit the value's structure
}
