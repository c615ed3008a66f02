/**
 * functorch.vmap(func, in_dims=0, out_dims=0, randomness='error', chunk_size=None) (PyTorch 1.13's
 * functorch): func applied to each slice of its inputs along in_dims, the results stacked along
 * out_dims.
 *
 * functorch batches the operators themselves; this engine has no batching rules, so vmap runs
 * func once per index of the mapped dimension and stacks the results. The values are the same
 * (vmap's contract is exactly that equivalence) and composition works unchanged: vmap(grad(f)),
 * vmap(vmap(f)), vmap(jacrev(f)). What differs is speed, and that func may observe the loop: a
 * side effect such as an in-place update of a captured tensor happens once per index.
 *
 * As functorch: random operations raise in randomness 'error' mode (detected by a draw from the
 * default generator during func); 'same' gives every index the same draws; 'different' lets
 * each index draw anew. chunk_size is accepted (it only bounds memory in functorch).
 */
import { parseArgs } from "../args";
import { IndexError, RuntimeError, ValueError } from "../errors";
import { stack } from "../ops/join";
import { default_generator } from "../random";
import { Tensor } from "../tensor";
import { broadcastPrefix, treeFlatten, treeUnflatten, type PyTree } from "./pytree";

type Dim = number | null;
export type VmapOptions = { in_dims: PyTree; out_dims: PyTree; randomness: "error" | "different" | "same"; chunk_size: number | null };

const isDim = (v: unknown): v is Dim => v === null || typeof v === "number";
const isOutDim = (v: unknown): v is number => typeof v === "number";

function funcName(func: (...a: never[]) => unknown): string {
  return func.name && func.name !== "anonymous" ? func.name : "<lambda>";
}

/** in_dims / out_dims as Python prints them: (0, None), {'a': 0}. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(", ")})`;
  if (typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(", ")}}`;
  return String(v);
}

/** A fingerprint of the default generator's position: any draw changes it. */
function rngMark(): string {
  const s = default_generator.get_state();
  return `${s.mti}:${s.nextNormal}:${s.mt[0]}:${s.mt[s.mt.length - 1]}`;
}

export function vmap<A extends unknown[], R>(func: (...args: A) => R, ...options: unknown[]): (...args: unknown[]) => R {
  if (typeof func !== "function") throw new RuntimeError(`vmap: func must be a function (got ${typeof func})`);
  const o = parseArgs<VmapOptions>("vmap", ["in_dims", "out_dims", "randomness", "chunk_size"], options);
  const in_dims = o.in_dims === undefined ? 0 : o.in_dims;
  const out_dims = o.out_dims === undefined ? 0 : o.out_dims;
  const randomness = o.randomness ?? "error";
  if (!["error", "different", "same"].includes(randomness)) {
    throw new RuntimeError(`Only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(randomness)}`);
  }
  const chunk = o.chunk_size ?? null;
  if (chunk !== null && !(Number.isInteger(chunk) && chunk > 0)) throw new ValueError(`vmap: chunk_size should be None or greater than 0. (got ${chunk})`);
  const name = funcName(func as (...a: never[]) => unknown);
  const where = `vmap(${name}, in_dims=${pyRepr(in_dims)}, ...)(<inputs>)`;

  return (...args: unknown[]): R => {
    if (typeof in_dims !== "number" && !Array.isArray(in_dims)) {
      const type = in_dims === null ? "NoneType" : typeof in_dims;
      throw new ValueError(`${where}: expected \`in_dims\` to be int or a (potentially nested) tuple matching the structure of inputs, got: <class '${type}'>.`);
    }
    if (Array.isArray(in_dims) && in_dims.length !== args.length) {
      throw new ValueError(`${where}: in_dims is not compatible with the structure of \`inputs\`. in_dims has ${in_dims.length} entries but inputs has ${args.length}.`);
    }
    const { leaves, spec } = treeFlatten(args);
    const dims = broadcastPrefix(in_dims, spec, isDim);
    if (dims === null) throw new ValueError(`${where}: in_dims is not compatible with the structure of \`inputs\`.`);

    let batch = -1;
    const sizes: number[] = [];
    const mapped = leaves.map((leaf, i) => {
      const d = dims[i];
      if (d === null) return null;
      if (!(leaf instanceof Tensor)) {
        const type = leaf === null ? "NoneType" : typeof leaf === "number" ? (Number.isInteger(leaf) ? "int" : "float") : typeof leaf;
        throw new ValueError(`${where}: Got in_dim=${d} for an input but the input is of type <class '${type}'>. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
      }
      if (!Number.isInteger(d) || d < -leaf.dim() || d >= leaf.dim()) {
        throw new ValueError(`${where}: Got in_dim=${d} for some input, but that input is a Tensor of dimensionality ${leaf.dim()} so expected in_dim to satisfy -${leaf.dim()} <= in_dim < ${leaf.dim()}.`);
      }
      const dim = d < 0 ? d + leaf.dim() : d;
      sizes.push(leaf.shape[dim]);
      batch = leaf.shape[dim];
      return dim;
    });
    if (sizes.length === 0) {
      throw new ValueError(`${where}: Got in_dims=${pyRepr(in_dims)}, which would not vmap over any inputs: at least one input must be a Tensor with an in_dim that is not None.`);
    }
    if (sizes.some((s) => s !== sizes[0])) {
      throw new ValueError(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(", ")}] for the mapped dimension`);
    }

    if (batch === 0) throw new ValueError(`${where}: the mapped dimension has size 0; vmap needs at least one element to learn the output's structure.`);

    const saved = randomness === "same" ? default_generator.get_state() : null;
    const results: { leaves: unknown[]; spec: ReturnType<typeof treeFlatten>["spec"] }[] = [];
    for (let b = 0; b < batch; b++) {
      const slice = leaves.map((leaf, i) => (mapped[i] === null ? leaf : (leaf as Tensor).select(mapped[i]!, b)));
      if (saved) default_generator.set_state(saved);
      const before = randomness === "error" ? rngMark() : "";
      const out = func(...(treeUnflatten(slice, spec) as A));
      if (randomness === "error" && rngMark() !== before) {
        throw new RuntimeError("vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
      }
      const flat = treeFlatten(out);
      for (const leaf of flat.leaves) {
        if (!(leaf instanceof Tensor)) {
          const type = leaf === null ? "NoneType" : typeof leaf === "number" ? "float" : typeof leaf;
          throw new ValueError(`vmap(${name}, ...): \`${name}\` must only return Tensors, got type <class '${type}'> as a return.`);
        }
      }
      results.push(flat);
    }

    const outSpec = results[0].spec;
    const outDims = broadcastPrefix(out_dims, outSpec, isOutDim);
    if (outDims === null) {
      throw new ValueError(`vmap(${name}, ..., out_dims=${pyRepr(out_dims)})(<inputs>): out_dims is not compatible with the structure of \`outputs\`.`);
    }
    const stacked = results[0].leaves.map((first, j) => {
      const rank = (first as Tensor).dim() + 1;
      const d = outDims[j];
      if (!Number.isInteger(d) || d < -rank || d >= rank) {
        throw new IndexError(`Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${d})`);
      }
      return stack(results.map((r) => r.leaves[j] as Tensor), d);
    });
    return treeUnflatten(stacked, outSpec) as R;
  };
}
