/**
 * A backward node: what one op needs to turn the gradient of its output into gradients of
 * its inputs. Nodes form the dynamic tape; the engine walks them from the output back.
 */
import { releaseScratch } from "../buffer_pool";
import { dropHolds, registerNode } from "./activation_recycling";
import { cppTypeName, type Storage } from "../dtype";
import { RuntimeError } from "../errors";
import { inferenceState } from "../inference_state";
import type { Tensor } from "../tensor";

export type BackwardFn = (grad: Tensor) => (Tensor | null)[];

/**
 * How a node's backward behaves under create_graph (higher-order gradients):
 *   true        its BackwardFn is written with recorded tensor ops, so it can run with grad
 *               mode on and its result carries a graph;
 *   a function  a separate, differentiable formula used instead of the (fused, raw) BackwardFn;
 *   absent      not differentiable yet: the engine computes the gradient and ties it to a node
 *               that raises, naming this op, if a later backward reaches it.
 */
export type HigherOrder = true | BackwardFn;

interface SavedTensor {
  tensor: Tensor;
  version: number;
  /** Whether the saved tensor is this node's own output (the in-place error then names this node). */
  isOutput: boolean;
}

/**
 * PyTorch refuses to save an inference tensor (made under torch.inference_mode, or a view of one) for
 * backward: it has no version counter, so an in-place change could not be detected. Raised when the
 * op records its node, before the node exists or the output is tied to it (an in-place op has not
 * written yet: it records on a snapshot first), so nothing changes.
 */
function checkNoInferenceSaved(saved: readonly Tensor[]): void {
  for (const t of saved) {
    if (inferenceState.tensors.has(t) || (t._base !== null && inferenceState.tensors.has(t._base))) {
      throw new RuntimeError(
        "Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.",
      );
    }
  }
}

/** Nodes whose name() is qualified by PyTorch's C++ namespace (torch 1.13: AccumulateGrad, CopySlices, NotImplemented). */
const NAMESPACED_NODES = new Set(["AccumulateGrad", "CopySlices", "NotImplemented"]);

export class Node {
  /**
   * PyTorch's class name of the node, e.g. "AddmmBackward0", read with name() as in PyTorch
   * (`y.grad_fn.name()`); an op that reuses another op's node renames it here.
   */
  _name: string;
  /**
   * Where each input's gradient goes: the input's grad_fn as it was when the op ran (so a later
   * in-place op on the input cannot redirect it), the leaf tensor itself, or null when the
   * input needs no gradient.
   */
  readonly edges: (Node | Tensor | null)[];
  /** Input shapes, to check that backward returns gradients of the right shape. */
  readonly inputShapes: (readonly number[] | null)[];
  /** The tensor this node produced (its hooks and retain_grad live there). */
  out: Tensor | null = null;
  /** The op's inputs (for create_graph and error messages); dropped on release. */
  inputs: readonly (Tensor | null)[];
  /** See HigherOrder. */
  higher: HigherOrder | null;
  /** Where the op ran (a stack trace), recorded only while anomaly detection is on. */
  trace: string | null = null;
  /**
   * The backward runs user code (a torch.autograd.Function's backward), which may keep the
   * gradients it makes: the engine never recycles their buffers.
   */
  userCode = false;
  /**
   * Buffers only this node's backward reads (an op's private forward state, e.g. GELU's Phi(x) or
   * attention's probabilities): no tensor wraps them, so once the node is released (its closure
   * can never run again) nothing can reach them and they go back to the scratch pool (takeScratch).
   */
  scratch: Storage[] | null = null;
  /**
   * Other state only this node's backward reads, held outside JavaScript arrays (a fused block's
   * activations kept in WebAssembly memory, kernels/wasm/resident.ts): freed when it is released.
   */
  kept: { free(): void }[] | null = null;
  /** Private activation buffers its saved tensors cover (activation_recycling.ts), held until release. */
  held: Storage[] | null;
  private fn: BackwardFn | null;
  private saved: SavedTensor[];
  private freed = false;

  constructor(
    name: string, inputs: readonly (Tensor | null)[], fn: BackwardFn, saved: readonly Tensor[], out: Tensor | null = null,
    higher: HigherOrder | null = null,
  ) {
    checkNoInferenceSaved(saved);
    this.out = out;
    this._name = name;
    this.inputs = inputs;
    this.higher = higher;
    this.edges = inputs.map((t) => (t && t.requires_grad ? (t.grad_fn ?? t) : null));
    this.inputShapes = inputs.map((t) => (t ? t.shape : null));
    this.fn = fn;
    this.saved = saved.map((tensor) => ({
      tensor,
      version: tensor._ver.v,
      isOutput: tensor === out,
    }));
    this.held = registerNode(saved, out);
  }

  /**
   * PyTorch's `grad_fn.name()`: the node's class name, "MulBackward0" for `y = x * 2`; the nodes PyTorch
   * writes by hand in C++ carry their namespace ("torch::autograd::AccumulateGrad"), the printed form does not.
   */
  name(): string {
    return NAMESPACED_NODES.has(this._name) ? `torch::autograd::${this._name}` : this._name;
  }

  /**
   * PyTorch's `grad_fn.next_functions`: one [node, output index] pair per input, the node being
   * the input's grad_fn, an AccumulateGrad for a leaf that requires grad, or null for a constant.
   * `loss.grad_fn.next_functions[0][0]` is the previous layer's node, as in the 60 Minute Blitz.
   */
  get next_functions(): [Node | null, number][] {
    return this.edges.map((e): [Node | null, number] => [e instanceof Node ? e : e ? AccumulateGrad.of(e) : null, 0]);
  }

  /**
   * PyTorch's saved-tensor attributes (the Autograd mechanics note): `y = x.mul(w)` saves x as
   * `y.grad_fn._saved_self` (the input itself) and w as `_saved_other`; `y = x.exp()` saves its output as
   * `_saved_result` (equal to y, sharing its storage and node, but another tensor object, as in PyTorch).
   * null when the op did not save it (torch's None: `x * c` with only x needing grad saves no self).
   * Read generically from what the op saved: inputs 0 and 1 are self and other; an op whose PyTorch
   * node has no such field (sin's _saved_result) gives null here where PyTorch raises AttributeError.
   */
  get _saved_self(): Tensor | null {
    return this.savedInput(0);
  }

  get _saved_other(): Tensor | null {
    return this.savedInput(1);
  }

  get _saved_result(): Tensor | null {
    this.checkNotFreed();
    const out = this.out;
    if (!out || !this.saved.some((s) => s.tensor === out)) return null;
    const alias = new (out.constructor as new (...a: unknown[]) => Tensor)(out._data, out.shape, out.dtype, out._strides, out._offset, out._ver);
    alias._requires_grad = true;
    alias.grad_fn = this;
    return alias;
  }

  private savedInput(i: number): Tensor | null {
    this.checkNotFreed();
    const t = this.inputs[i];
    return t && this.saved.some((s) => s.tensor === t) ? t : null;
  }

  apply(grad: Tensor): (Tensor | null)[] {
    this.checkUsable();
    return this.fn!(grad);
  }

  /** The differentiable form of apply (create_graph); only for nodes with `higher` set. */
  applyHigher(grad: Tensor): (Tensor | null)[] {
    this.checkUsable();
    return this.higher === true || this.higher === null ? this.fn!(grad) : this.higher(grad);
  }

  /** PyTorch's error for a node whose saved tensors backward has already freed. */
  private checkNotFreed(): void {
    if (this.freed || !this.fn) {
      throw new RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have " +
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or " +
          `autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time ` +
          `(here: backward({ retain_graph: true })). The freed node was ${this.name()}.`,
      );
    }
  }

  private checkUsable(): void {
    this.checkNotFreed();
    for (const s of this.saved) {
      const now = s.tensor._ver.v;
      if (now !== s.version) {
        const t = s.tensor;
        const typeName = `torch.${cppTypeName(t.dtype)}Tensor`; // torch.FloatTensor, torch.LongTensor, torch.IntTensor, ...
        // torch's SavedVariable::unpack: a saved output names this node; a saved input names the tensor's grad_fn
        // now, after the in-place op (p.sub_(...) on a clone -> SubBackward0, through a view -> CopySlices)
        const producer = s.isOutput ? this.name() : t.grad_fn ? t.grad_fn.name() : null;
        const who = producer ? `, which is output 0 of ${producer},` : "";
        const op = t._ver.lastOp ? ` It was modified by ${t._ver.lastOp}().` : "";
        throw new RuntimeError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${typeName} [${t.shape.join(", ")}]]${who} is at version ${now}; expected version ${s.version} instead ` +
            `(needed by ${this.name()}).${op} Hint: use the out-of-place op (y = y.op(...)) or clone() the tensor before modifying it.`,
        );
      }
    }
  }

  /** Frees saved tensors after backward (unless retain_graph); nodes saving nothing stay reusable. */
  release(): void {
    if (this.saved.length === 0) return;
    this.fn = null;
    this.saved = [];
    this.inputs = [];
    if (this.higher !== true) this.higher = null;
    this.freed = true;
    if (this.scratch) for (const buf of this.scratch) releaseScratch(buf);
    this.scratch = null;
    if (this.kept) for (const k of this.kept) k.free();
    this.kept = null;
    if (this.held) dropHolds(this.held);
  }

  toString(): string {
    return `<${this._name}>`;
  }
}

/**
 * The node PyTorch shows for a leaf that requires grad (it adds the incoming gradient to
 * `variable.grad`); one per leaf, so `a.next_functions[0][0] === b.next_functions[0][0]` when
 * both use the same weight. Only for inspecting the graph: the engine accumulates leaves itself.
 */
export class AccumulateGrad extends Node {
  private static readonly byLeaf = new WeakMap<Tensor, AccumulateGrad>();
  readonly variable: Tensor;

  private constructor(variable: Tensor) {
    super("AccumulateGrad", [], () => [], []);
    this.variable = variable;
  }

  static of(leaf: Tensor): AccumulateGrad {
    let node = AccumulateGrad.byLeaf.get(leaf);
    if (!node) AccumulateGrad.byLeaf.set(leaf, (node = new AccumulateGrad(leaf)));
    return node;
  }
}
