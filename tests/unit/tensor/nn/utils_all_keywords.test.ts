/**
 * Every argument by keyword, as torch 1.13 takes it (each Python parameter is also a keyword):
 * nn.utils (clipping, convert_parameters, weight_norm / spectral_norm, rnn, prune, parametrize,
 * parametrizations, stateless, fusion) and torch.utils.data's constructors. For each function the
 * positional call, the mixed calls and the all-keyword call (`clip_grad_norm_({ parameters, max_norm })`,
 * torch's clip_grad_norm_(parameters=..., max_norm=...)) must give the same result (the positional
 * forms' values are checked against torch 1.13 in their own tests); an unknown keyword must raise
 * torch's "<fn>() got an unexpected keyword argument" TypeError, a missing or doubled leading
 * argument its "missing ... required positional argument" / "got multiple values" TypeError.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, utils, Tensor } from "../../../../lib/tensor/index";

const U = nn.utils;
const D = utils.data;
const ZZZ = { zzz: 1 };

/** A comparable snapshot of a result: tensors as shape + values, modules as their state_dict, iterables as lists. */
function snap(v: unknown): unknown {
  if (v instanceof Tensor) return { shape: v.shape.slice(), dtype: v.dtype.name, values: v.detach().tolist() };
  if (v instanceof nn.Module) return { cls: v._get_name(), state: Object.fromEntries(Object.entries(v.state_dict()).map(([k, t]) => [k, snap(t)])) };
  if (v instanceof U.rnn.PackedSequence) return [snap(v.data), snap(v.batch_sizes), snap(v.sorted_indices), snap(v.unsorted_indices)];
  if (Array.isArray(v)) return v.map(snap);
  if (v instanceof D.Dataset && !(v instanceof D.IterableDataset)) return Array.from({ length: v.__len__() }, (_, i) => snap(v.__getitem__(i)));
  if (v !== null && typeof v === "object" && Symbol.iterator in v) return [...(v as Iterable<unknown>)].map(snap);
  return v;
}

type Form = () => unknown;
/** Each form runs on fresh inputs after the same seed; all must equal the first. */
function sameResult(forms: Form[]): void {
  const results = forms.map((f) => {
    torch.manual_seed(0);
    return JSON.stringify(snap(f()));
  });
  results.forEach((r, i) => expect(r, `form ${i}`).toBe(results[0]));
}
const call = (f: unknown, ...a: unknown[]) => (f as (...z: unknown[]) => unknown)(...a);
const make = (C: unknown, ...a: unknown[]) => new (C as new (...z: unknown[]) => unknown)(...a);
const unexpected = (fn: string, k = "zzz") => new RegExp(`^${fn.replace(/[.()]/g, "\\$&")}\\(\\) got an unexpected keyword argument '${k}'`);

/** Parameters with gradients (a seeded Linear after one backward). */
function withGrads(): nn.Parameter[] {
  torch.manual_seed(1);
  const m = new nn.Linear(3, 2);
  m(torch.randn(4, 3)).pow(2).sum().backward();
  return m.parameters();
}
const gradsOf = (ps: nn.Parameter[]) => ps.map((p) => snap(p.grad));
function linear(): nn.Linear {
  torch.manual_seed(2);
  return new nn.Linear(4, 3);
}

describe("nn.utils: clipping and convert_parameters", () => {
  it("clip_grad_norm_ / clip_grad_norm", () => {
    const run = (f: (ps: nn.Parameter[]) => Tensor) => () => {
      const ps = withGrads();
      return [f(ps), gradsOf(ps)];
    };
    sameResult([
      run((ps) => U.clip_grad_norm_(ps, 0.5, 2)),
      run((ps) => U.clip_grad_norm_(ps, 0.5, { norm_type: 2 })),
      run((ps) => U.clip_grad_norm_(ps, { max_norm: 0.5, norm_type: 2 })),
      run((ps) => U.clip_grad_norm_({ parameters: ps, max_norm: 0.5, norm_type: 2 })),
      run((ps) => U.clip_grad_norm({ parameters: ps, max_norm: 0.5 })),
    ]);
    const ps = withGrads();
    expect(() => U.clip_grad_norm_({ parameters: ps, max_norm: 1, ...ZZZ } as never)).toThrow(unexpected("clip_grad_norm_"));
    expect(() => U.clip_grad_norm_({ max_norm: 1 } as never)).toThrow("clip_grad_norm_() missing 1 required positional argument: 'parameters'");
    expect(() => U.clip_grad_norm_({ parameters: ps } as never)).toThrow("clip_grad_norm_() missing 1 required positional argument: 'max_norm'");
    expect(() => U.clip_grad_norm_(ps, { parameters: ps, max_norm: 1 } as never)).toThrow("clip_grad_norm_() got multiple values for argument 'parameters'");
    expect(gradsOf(ps)).toEqual(gradsOf(withGrads())); // the refused calls changed nothing
  });

  it("clip_grad_value_", () => {
    const run = (f: (ps: nn.Parameter[]) => void) => () => {
      const ps = withGrads();
      f(ps);
      return gradsOf(ps);
    };
    sameResult([
      run((ps) => U.clip_grad_value_(ps, 0.1)),
      run((ps) => U.clip_grad_value_(ps, { clip_value: 0.1 })),
      run((ps) => U.clip_grad_value_({ parameters: ps, clip_value: 0.1 })),
    ]);
    expect(() => U.clip_grad_value_({ parameters: withGrads(), clip_value: 0.1, ...ZZZ } as never)).toThrow(unexpected("clip_grad_value_"));
  });

  it("parameters_to_vector / vector_to_parameters", () => {
    sameResult([() => U.parameters_to_vector(linear().parameters()), () => U.parameters_to_vector({ parameters: linear().parameters() })]);
    const v = torch.arange(15).float();
    const run = (f: (ps: nn.Parameter[]) => void) => () => {
      const m = linear();
      f(m.parameters());
      return m;
    };
    sameResult([
      run((ps) => U.vector_to_parameters(v, ps)),
      run((ps) => U.vector_to_parameters(v, { parameters: ps })),
      run((ps) => U.vector_to_parameters({ vec: v, parameters: ps })),
    ]);
    const ps = linear().parameters();
    expect(() => call(U.parameters_to_vector, ps, ZZZ)).toThrow(unexpected("parameters_to_vector"));
    expect(() => call(U.parameters_to_vector, { parameters: ps, ...ZZZ })).toThrow(unexpected("parameters_to_vector"));
    expect(() => call(U.vector_to_parameters, v, ps, ZZZ)).toThrow(unexpected("vector_to_parameters"));
    expect(() => call(U.vector_to_parameters, { parameters: ps })).toThrow("vector_to_parameters() missing 1 required positional argument: 'vec'");
  });
});

describe("nn.utils: weight_norm and spectral_norm (hooks)", () => {
  it("weight_norm / remove_weight_norm", () => {
    sameResult([
      () => U.weight_norm(linear(), "weight", 1),
      () => U.weight_norm(linear(), "weight", { dim: 1 }),
      () => U.weight_norm(linear(), { name: "weight", dim: 1 }),
      () => U.weight_norm({ module: linear(), name: "weight", dim: 1 }),
    ]);
    sameResult([
      () => U.remove_weight_norm(U.weight_norm(linear()), "weight"),
      () => U.remove_weight_norm(U.weight_norm(linear()), { name: "weight" }),
      () => U.remove_weight_norm({ module: U.weight_norm(linear()), name: "weight" }),
    ]);
    expect(() => U.weight_norm({ module: linear(), ...ZZZ } as never)).toThrow(unexpected("weight_norm"));
    expect(() => U.remove_weight_norm({ module: U.weight_norm(linear()), ...ZZZ } as never)).toThrow(unexpected("remove_weight_norm"));
  });

  it("spectral_norm / remove_spectral_norm", () => {
    const x = torch.ones(2, 4);
    const fwd = (m: nn.Module) => [snap((m as unknown as (t: Tensor) => Tensor)(x)), m];
    sameResult([
      () => fwd(U.spectral_norm(linear(), "weight", 2, 1e-10, 0)),
      () => fwd(U.spectral_norm(linear(), "weight", { n_power_iterations: 2, eps: 1e-10, dim: 0 })),
      () => fwd(U.spectral_norm({ module: linear(), name: "weight", n_power_iterations: 2, eps: 1e-10, dim: 0 })),
    ]);
    sameResult([
      () => U.remove_spectral_norm(U.spectral_norm(linear())),
      () => U.remove_spectral_norm(U.spectral_norm(linear()), { name: "weight" }),
      () => U.remove_spectral_norm({ module: U.spectral_norm(linear()), name: "weight" }),
    ]);
    expect(() => U.spectral_norm({ module: linear(), ...ZZZ } as never)).toThrow(unexpected("spectral_norm"));
    expect(() => U.remove_spectral_norm({ module: U.spectral_norm(linear()), ...ZZZ } as never)).toThrow(unexpected("remove_spectral_norm"));
  });
});

describe("nn.utils.rnn", () => {
  const seqs = () => [torch.arange(6).float().reshape(3, 2), torch.arange(4).float().reshape(2, 2).add(10), torch.ones(4, 2)];
  const lens = [3, 2, 4];
  const padded = () => U.rnn.pad_sequence(seqs(), true);

  it("pad_sequence / pack_sequence", () => {
    sameResult([
      () => U.rnn.pad_sequence(seqs(), true, -1),
      () => U.rnn.pad_sequence(seqs(), true, { padding_value: -1 }),
      () => U.rnn.pad_sequence(seqs(), { batch_first: true, padding_value: -1 }),
      () => U.rnn.pad_sequence({ sequences: seqs(), batch_first: true, padding_value: -1 }),
    ]);
    sameResult([
      () => U.rnn.pack_sequence(seqs(), false),
      () => U.rnn.pack_sequence(seqs(), { enforce_sorted: false }),
      () => U.rnn.pack_sequence({ sequences: seqs(), enforce_sorted: false }),
    ]);
    expect(() => U.rnn.pad_sequence({ sequences: seqs(), ...ZZZ } as never)).toThrow(unexpected("pad_sequence"));
    expect(() => U.rnn.pad_sequence({ batch_first: true } as never)).toThrow("pad_sequence() missing 1 required positional argument: 'sequences'");
    expect(() => U.rnn.pack_sequence({ sequences: seqs(), ...ZZZ } as never)).toThrow(unexpected("pack_sequence"));
  });

  it("pack_padded_sequence / pad_packed_sequence", () => {
    sameResult([
      () => U.rnn.pack_padded_sequence(padded(), lens, true, false),
      () => U.rnn.pack_padded_sequence(padded(), lens, { batch_first: true, enforce_sorted: false }),
      () => U.rnn.pack_padded_sequence(padded(), { lengths: lens, batch_first: true, enforce_sorted: false }),
      () => U.rnn.pack_padded_sequence({ input: padded(), lengths: lens, batch_first: true, enforce_sorted: false }),
    ]);
    const packed = () => U.rnn.pack_padded_sequence(padded(), lens, true, false);
    sameResult([
      () => U.rnn.pad_packed_sequence(packed(), true, -2, 5),
      () => U.rnn.pad_packed_sequence(packed(), true, { padding_value: -2, total_length: 5 }),
      () => U.rnn.pad_packed_sequence({ sequence: packed(), batch_first: true, padding_value: -2, total_length: 5 }),
    ]);
    expect(() => U.rnn.pack_padded_sequence({ input: padded(), lengths: lens, enforce_sorted: false, ...ZZZ } as never)).toThrow(unexpected("pack_padded_sequence"));
    expect(() => U.rnn.pack_padded_sequence({ input: padded() } as never)).toThrow("pack_padded_sequence() missing 1 required positional argument: 'lengths'");
    expect(() => U.rnn.pack_padded_sequence(padded(), lens, { input: padded() } as never)).toThrow("pack_padded_sequence() got multiple values for argument 'input'");
    expect(() => U.rnn.pad_packed_sequence({ sequence: packed(), ...ZZZ } as never)).toThrow(unexpected("pad_packed_sequence"));
  });
});

describe("nn.utils.prune", () => {
  const P = U.prune;
  const conv = () => {
    torch.manual_seed(3);
    return new nn.Conv2d(2, 4, 2);
  };
  /** The pruned module: its state_dict (weight_orig, weight_mask) and the masked weight. */
  const pruned = (m: nn.Module) => [m, snap((m as unknown as { weight: Tensor }).weight)];

  it("identity / random_unstructured / l1_unstructured / custom_from_mask / remove / is_pruned", () => {
    sameResult([() => pruned(P.identity(conv(), "weight")), () => pruned(P.identity(conv(), { name: "weight" })), () => pruned(P.identity({ module: conv(), name: "weight" }))]);
    sameResult([
      () => pruned(P.random_unstructured(conv(), "weight", 0.3)),
      () => pruned(P.random_unstructured(conv(), "weight", { amount: 0.3 })),
      () => pruned(P.random_unstructured(conv(), { name: "weight", amount: 0.3 })),
      () => pruned(P.random_unstructured({ module: conv(), name: "weight", amount: 0.3 })),
    ]);
    const scores = () => torch.arange(32).float().reshape(4, 2, 2, 2).flip(0);
    sameResult([
      () => pruned(P.l1_unstructured(conv(), "weight", 5, { importance_scores: scores() })),
      () => pruned(P.l1_unstructured(conv(), "weight", { amount: 5, importance_scores: scores() })),
      () => pruned(P.l1_unstructured({ module: conv(), name: "weight", amount: 5, importance_scores: scores() })),
    ]);
    const mask = () => torch.tensor([1, 0, 1, 0]);
    sameResult([
      () => pruned(P.custom_from_mask(conv(), "bias", mask())),
      () => pruned(P.custom_from_mask(conv(), "bias", { mask: mask() })),
      () => pruned(P.custom_from_mask({ module: conv(), name: "bias", mask: mask() })),
    ]);
    sameResult([
      () => P.remove(P.l1_unstructured(conv(), "weight", 0.5), "weight"),
      () => P.remove(P.l1_unstructured(conv(), "weight", 0.5), { name: "weight" }),
      () => P.remove({ module: P.l1_unstructured(conv(), "weight", 0.5), name: "weight" }),
    ]);
    sameResult([() => P.is_pruned(P.identity(conv(), "weight")), () => P.is_pruned({ module: P.identity(conv(), "weight") })]);
    expect(P.is_pruned({ module: conv() })).toBe(false);
    expect(() => P.l1_unstructured({ module: conv(), name: "weight", amount: 1, ...ZZZ } as never)).toThrow(unexpected("l1_unstructured"));
    expect(() => P.l1_unstructured({ name: "weight", amount: 1 } as never)).toThrow("l1_unstructured() missing 1 required positional argument: 'module'");
    expect(() => P.remove({ module: conv(), ...ZZZ } as never)).toThrow(unexpected("remove"));
    expect(() => call(P.is_pruned, conv(), ZZZ)).toThrow(unexpected("is_pruned"));
    const m = conv();
    const before = snap(m);
    expect(() => P.random_unstructured({ module: m, name: "weight", amount: 0.3, ...ZZZ } as never)).toThrow(unexpected("random_unstructured"));
    expect(snap(m)).toEqual(before);
  });

  it("random_structured / ln_structured / global_unstructured", () => {
    sameResult([
      () => pruned(P.random_structured(conv(), "weight", 0.5, 0)),
      () => pruned(P.random_structured(conv(), "weight", 0.5, { dim: 0 })),
      () => pruned(P.random_structured({ module: conv(), name: "weight", amount: 0.5, dim: 0 })),
    ]);
    sameResult([
      () => pruned(P.ln_structured(conv(), "weight", 0.5, 1, 0)),
      () => pruned(P.ln_structured(conv(), "weight", 0.5, 1, { dim: 0 })),
      () => pruned(P.ln_structured(conv(), "weight", { amount: 0.5, n: 1, dim: 0 })),
      () => pruned(P.ln_structured({ module: conv(), name: "weight", amount: 0.5, n: 1, dim: 0 })),
    ]);
    const run = (f: (pairs: [nn.Module, string][]) => void) => () => {
      const a = conv();
      const b = new nn.Linear(3, 2);
      f([[a, "weight"], [b, "weight"]]);
      return [a, b];
    };
    sameResult([
      run((pairs) => P.global_unstructured(pairs, P.L1Unstructured, { amount: 0.4 })),
      run((pairs) => P.global_unstructured(pairs, { pruning_method: P.L1Unstructured, amount: 0.4 })),
      run((pairs) => P.global_unstructured({ parameters: pairs, pruning_method: P.L1Unstructured, amount: 0.4 })),
    ]);
    // importance_scores positionally (it was read as the options object) or by keyword
    const scored = (f: (pairs: [nn.Module, string][], scores: Map<readonly [nn.Module, string], Tensor>) => void) =>
      run((pairs) => f(pairs, new Map([[pairs[0], torch.arange(32).float().reshape(4, 2, 2, 2).neg()]])));
    sameResult([
      scored((pairs, scores) => P.global_unstructured(pairs, P.L1Unstructured, scores, { amount: 0.4 })),
      scored((pairs, scores) => P.global_unstructured(pairs, P.L1Unstructured, { importance_scores: scores, amount: 0.4 })),
      scored((pairs, scores) => P.global_unstructured({ parameters: pairs, pruning_method: P.L1Unstructured, importance_scores: scores, amount: 0.4 })),
    ]);
    expect(JSON.stringify(snap(scored((pairs, scores) => P.global_unstructured(pairs, P.L1Unstructured, scores, { amount: 0.4 }))()))).not.toBe(
      JSON.stringify(snap(run((pairs) => P.global_unstructured(pairs, P.L1Unstructured, { amount: 0.4 }))())),
    );
    expect(() => call(P.global_unstructured, [[conv(), "weight"]], P.L1Unstructured, null, null, { amount: 1 })).toThrow("global_unstructured() takes from 2 to 3 positional arguments but 4 were given");
    expect(() => call(P.global_unstructured, [[conv(), "weight"]], P.L1Unstructured, { pruning_method: P.L1Unstructured, amount: 1 })).toThrow(
      "global_unstructured() got multiple values for argument 'pruning_method'",
    );
    expect(() => P.ln_structured({ module: conv(), name: "weight", amount: 0.5, n: 1, dim: 0, ...ZZZ } as never)).toThrow(unexpected("ln_structured"));
    expect(() => P.random_structured({ module: conv(), name: "weight", amount: 0.5, dim: 0, ...ZZZ } as never)).toThrow(unexpected("random_structured"));
  });
});

describe("nn.utils.parametrize / parametrizations", () => {
  const PZ = U.parametrize;
  const PS = U.parametrizations;
  class Symmetric extends nn.Module {
    forward(X: Tensor): Tensor {
      return X.triu().add(X.triu(1).transpose(0, 1));
    }
  }
  const square = () => {
    torch.manual_seed(4);
    return new nn.Linear(3, 3);
  };
  const weightOf = (m: nn.Module) => [m, snap((m as unknown as { weight: Tensor }).weight)];

  it("register_parametrization / remove_parametrizations / is_parametrized / type_before_parametrizations", () => {
    sameResult([
      () => weightOf(PZ.register_parametrization(square(), "weight", new Symmetric(), { unsafe: true })),
      () => weightOf(PZ.register_parametrization(square(), "weight", { parametrization: new Symmetric(), unsafe: true })),
      () => weightOf(PZ.register_parametrization(square(), { tensor_name: "weight", parametrization: new Symmetric(), unsafe: true })),
      () => weightOf(PZ.register_parametrization({ module: square(), tensor_name: "weight", parametrization: new Symmetric(), unsafe: true })),
    ]);
    const sym = () => PZ.register_parametrization(square(), "weight", new Symmetric());
    sameResult([
      () => PZ.remove_parametrizations(sym(), "weight", false),
      () => PZ.remove_parametrizations(sym(), "weight", { leave_parametrized: false }),
      () => PZ.remove_parametrizations(sym(), { tensor_name: "weight", leave_parametrized: false }),
      () => PZ.remove_parametrizations({ module: sym(), tensor_name: "weight", leave_parametrized: false }),
    ]);
    expect([PZ.is_parametrized(sym(), "weight"), PZ.is_parametrized(sym(), { tensor_name: "bias" }), PZ.is_parametrized({ module: sym(), tensor_name: "weight" })]).toEqual([true, false, true]);
    expect(PZ.type_before_parametrizations({ module: sym() })).toBe(nn.Linear);
    sameResult([
      () => PZ.transfer_parametrizations_and_params(sym(), square(), "weight"),
      () => PZ.transfer_parametrizations_and_params(sym(), square(), { tensor_name: "weight" }),
      () => PZ.transfer_parametrizations_and_params(sym(), { to_module: square(), tensor_name: "weight" }),
      () => PZ.transfer_parametrizations_and_params({ from_module: sym(), to_module: square(), tensor_name: "weight" }),
    ]);
    const m = square();
    expect(() => PZ.register_parametrization({ module: m, tensor_name: "weight", parametrization: new Symmetric(), ...ZZZ } as never)).toThrow(unexpected("register_parametrization"));
    expect(PZ.is_parametrized(m)).toBe(false);
    expect(() => call(PZ.register_parametrization, m, "weight", new Symmetric(), true)).toThrow("register_parametrization() takes 3 positional arguments but 4 were given");
    expect(() => PZ.register_parametrization({ module: m, tensor_name: "weight" } as never)).toThrow("register_parametrization() missing 1 required positional argument: 'parametrization'");
    expect(() => PZ.remove_parametrizations({ module: sym(), tensor_name: "weight", ...ZZZ } as never)).toThrow(unexpected("remove_parametrizations"));
    expect(() => PZ.is_parametrized({ module: sym(), ...ZZZ } as never)).toThrow(unexpected("is_parametrized"));
    expect(() => call(PZ.type_before_parametrizations, sym(), ZZZ)).toThrow(unexpected("type_before_parametrizations"));
    expect(() => PZ.transfer_parametrizations_and_params({ from_module: sym(), to_module: square(), ...ZZZ } as never)).toThrow(unexpected("transfer_parametrizations_and_params"));
  });

  it("parametrizations.orthogonal / spectral_norm", () => {
    sameResult([
      () => weightOf(PS.orthogonal(square(), "weight", "cayley", { use_trivialization: false })),
      () => weightOf(PS.orthogonal(square(), "weight", { orthogonal_map: "cayley", use_trivialization: false })),
      () => weightOf(PS.orthogonal({ module: square(), name: "weight", orthogonal_map: "cayley", use_trivialization: false })),
    ]);
    sameResult([
      () => weightOf(PS.spectral_norm(square(), "weight", 3, 1e-10, 0)),
      () => weightOf(PS.spectral_norm(square(), { name: "weight", n_power_iterations: 3, eps: 1e-10, dim: 0 })),
      () => weightOf(PS.spectral_norm({ module: square(), name: "weight", n_power_iterations: 3, eps: 1e-10, dim: 0 })),
    ]);
    expect(() => PS.orthogonal({ module: square(), ...ZZZ } as never)).toThrow(unexpected("orthogonal"));
    expect(() => PS.spectral_norm({ module: square(), ...ZZZ } as never)).toThrow(unexpected("spectral_norm"));
  });
});

describe("nn.utils.skip_init", () => {
  it("the class by keyword too, the other keywords its constructor's", () => {
    sameResult([
      () => U.skip_init(nn.Linear, 3, 2, { bias: false }),
      () => U.skip_init(nn.Linear, { in_features: 3, out_features: 2, bias: false }),
      () => U.skip_init({ module_cls: nn.Linear, in_features: 3, out_features: 2, bias: false }),
    ]);
    expect(() => U.skip_init({ module_cls: nn.Linear, in_features: 3, out_features: 2, zzz: 1 })).toThrow(/unexpected keyword argument 'zzz'/);
  });
});

describe("nn.utils.stateless and fusion", () => {
  it("functional_call", () => {
    const model = () => {
      torch.manual_seed(5);
      return new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
    };
    const x = torch.ones(2, 3);
    const params = () => ({ "0.bias": torch.tensor([5, -5]) });
    sameResult([
      () => U.stateless.functional_call(model(), params(), x),
      () => U.stateless.functional_call(model(), params(), [x], null),
      () => U.stateless.functional_call(model(), params(), { args: [x] }),
      () => U.stateless.functional_call({ module: model(), parameters_and_buffers: params(), args: [x], kwargs: null }),
    ]);
    expect(() => call(U.stateless.functional_call, { module: model(), parameters_and_buffers: params(), args: [x], ...ZZZ })).toThrow(unexpected("functional_call"));
    expect(() => call(U.stateless.functional_call, model(), params(), x, null, ZZZ)).toThrow(unexpected("functional_call"));
    expect(() => call(U.stateless.functional_call, { module: model(), args: [x] })).toThrow("functional_call() missing 1 required positional argument: 'parameters_and_buffers'");
  });

  it("fuse_conv_bn_eval / fuse_conv_bn_weights / fuse_linear_bn_eval / fuse_linear_bn_weights", () => {
    const pair = () => {
      torch.manual_seed(6);
      const c = new nn.Conv2d(2, 3, 2).eval();
      const bn = new nn.BatchNorm2d(3).eval();
      torch.no_grad(() => {
        bn.running_mean!.copy_(torch.tensor([0.1, -0.2, 0.3]));
        bn.running_var!.copy_(torch.tensor([1.5, 0.5, 2]));
      });
      return [c, bn] as const;
    };
    sameResult([
      () => U.fusion.fuse_conv_bn_eval(...pair()),
      () => U.fusion.fuse_conv_bn_eval(pair()[0], { bn: pair()[1], transpose: false }),
      () => U.fusion.fuse_conv_bn_eval({ conv: pair()[0], bn: pair()[1], transpose: false }),
    ]);
    const w = () => {
      const [c, bn] = pair();
      return { conv_w: c.weight, conv_b: c.bias, bn_rm: bn.running_mean!, bn_rv: bn.running_var!, bn_eps: bn.eps, bn_w: bn.weight, bn_b: bn.bias };
    };
    const pos = (o: ReturnType<typeof w>) => [o.conv_w, o.conv_b, o.bn_rm, o.bn_rv, o.bn_eps, o.bn_w, o.bn_b] as const;
    sameResult([() => U.fusion.fuse_conv_bn_weights(...pos(w())), () => U.fusion.fuse_conv_bn_weights(...pos(w()), { transpose: false }), () => U.fusion.fuse_conv_bn_weights(w())]);
    const lin = () => {
      torch.manual_seed(7);
      return [new nn.Linear(3, 2).eval(), new nn.BatchNorm1d(2).eval()] as const;
    };
    sameResult([() => U.fusion.fuse_linear_bn_eval(...lin()), () => U.fusion.fuse_linear_bn_eval(lin()[0], { bn: lin()[1] }), () => U.fusion.fuse_linear_bn_eval({ linear: lin()[0], bn: lin()[1] })]);
    const lw = () => {
      const [l, bn] = lin();
      return { linear_w: l.weight, linear_b: l.bias, bn_rm: bn.running_mean!, bn_rv: bn.running_var!, bn_eps: bn.eps, bn_w: bn.weight!, bn_b: bn.bias! };
    };
    sameResult([() => {
      const o = lw();
      return U.fusion.fuse_linear_bn_weights(o.linear_w, o.linear_b, o.bn_rm, o.bn_rv, o.bn_eps, o.bn_w, o.bn_b);
    }, () => U.fusion.fuse_linear_bn_weights(lw())]);
    expect(() => U.fusion.fuse_conv_bn_eval({ conv: pair()[0], bn: pair()[1], ...ZZZ } as never)).toThrow(unexpected("fuse_conv_bn_eval"));
    expect(() => U.fusion.fuse_conv_bn_weights({ ...w(), ...ZZZ } as never)).toThrow(unexpected("fuse_conv_bn_weights"));
    expect(() => U.fusion.fuse_linear_bn_eval({ linear: lin()[0], bn: lin()[1], ...ZZZ } as never)).toThrow(unexpected("fuse_linear_bn_eval"));
    expect(() => U.fusion.fuse_linear_bn_weights({ ...lw(), ...ZZZ } as never)).toThrow(unexpected("fuse_linear_bn_weights"));
    const noEps: Partial<ReturnType<typeof w>> = w();
    delete noEps.bn_eps;
    expect(() => U.fusion.fuse_conv_bn_weights(noEps as never)).toThrow("fuse_conv_bn_weights() missing 1 required positional argument: 'bn_eps'");
  });
});

describe("torch.utils.data constructors", () => {
  const X = () => torch.arange(20).float().reshape(10, 2);
  const y = () => torch.arange(10);
  const ds = () => new D.TensorDataset(X(), y());

  it("DataLoader / random_split / Subset / TensorDataset", () => {
    sameResult([
      () => new D.DataLoader(ds(), 3, true),
      () => new D.DataLoader(ds(), 3, { shuffle: true }),
      () => new D.DataLoader(ds(), { batch_size: 3, shuffle: true }),
      () => new D.DataLoader({ dataset: ds(), batch_size: 3, shuffle: true }),
    ]);
    const g = () => new torch.Generator().manual_seed(3);
    sameResult([
      () => D.random_split(ds(), [7, 3], g()),
      () => D.random_split(ds(), [7, 3], { generator: g() }),
      () => D.random_split(ds(), { lengths: [7, 3], generator: g() }),
      () => D.random_split({ dataset: ds(), lengths: [7, 3], generator: g() }),
    ]);
    sameResult([() => new D.Subset(ds(), [4, 1]), () => new D.Subset(ds(), { indices: [4, 1] }), () => new D.Subset({ dataset: ds(), indices: [4, 1] })]);
    expect(() => new D.DataLoader({ dataset: ds(), ...ZZZ } as never)).toThrow(unexpected("DataLoader"));
    expect(() => make(D.DataLoader, ds(), { dataset: ds(), batch_size: 2 })).toThrow("DataLoader.__init__() got multiple values for argument 'dataset'");
    expect(() => make(D.DataLoader, { batch_size: 2 })).toThrow("DataLoader.__init__() missing 1 required positional argument: 'dataset'");
    expect(() => D.random_split({ dataset: ds(), lengths: [7, 3], ...ZZZ } as never)).toThrow(unexpected("random_split"));
    expect(() => call(D.random_split, ds(), [7, 3], ZZZ)).toThrow(unexpected("random_split"));
    expect(() => make(D.Subset, { dataset: ds(), indices: [1], ...ZZZ })).toThrow(unexpected("Subset.__init__"));
    expect(() => make(D.Subset, { dataset: ds() })).toThrow("Subset.__init__() missing 1 required positional argument: 'indices'");
    expect(() => make(D.Subset, { indices: [1] })).toThrow("Subset.__init__() missing 1 required positional argument: 'dataset'");
    // torch's TensorDataset(*tensors) takes no keyword (TensorDataset(tensors=...) is an unexpected keyword too)
    expect(() => make(D.TensorDataset, X(), y(), ZZZ)).toThrow(unexpected("TensorDataset.__init__"));
    expect(() => make(D.TensorDataset, { tensors: [X(), y()] })).toThrow(unexpected("TensorDataset.__init__", "tensors"));
  });

  it("ConcatDataset / ChainDataset", () => {
    sameResult([() => new D.ConcatDataset([ds(), ds()]), () => new D.ConcatDataset({ datasets: [ds(), ds()] })]);
    class Count extends D.IterableDataset<number> {
      *[Symbol.iterator](): Iterator<number> {
        yield* [1, 2, 3];
      }
    }
    sameResult([() => new D.ChainDataset([new Count(), new Count()]), () => new D.ChainDataset({ datasets: [new Count(), new Count()] })]);
    expect(() => make(D.ConcatDataset, [ds()], ZZZ)).toThrow(unexpected("ConcatDataset.__init__"));
    expect(() => make(D.ConcatDataset, { datasets: [ds()], ...ZZZ })).toThrow(unexpected("ConcatDataset.__init__"));
    expect(() => make(D.ChainDataset, [new Count()], ZZZ)).toThrow(unexpected("ChainDataset.__init__"));
  });

  it("samplers", () => {
    const sized = { __len__: () => 5 }; // a Sized that is itself a plain object stays a value
    sameResult([() => new D.SequentialSampler(ds()), () => new D.SequentialSampler({ data_source: ds() })]);
    expect([...new D.SequentialSampler(sized)]).toEqual([0, 1, 2, 3, 4]);
    sameResult([
      () => new D.RandomSampler(ds(), true, 7),
      () => new D.RandomSampler(ds(), true, { num_samples: 7 }),
      () => new D.RandomSampler(ds(), { replacement: true, num_samples: 7 }),
      () => new D.RandomSampler({ data_source: ds(), replacement: true, num_samples: 7 }),
    ]);
    expect([...new D.RandomSampler(sized, { generator: new torch.Generator().manual_seed(1) })].sort()).toEqual([0, 1, 2, 3, 4]);
    sameResult([
      () => new D.SubsetRandomSampler([3, 5, 7, 9]),
      () => new D.SubsetRandomSampler([3, 5, 7, 9], null),
      () => new D.SubsetRandomSampler([3, 5, 7, 9], { generator: null }),
      () => new D.SubsetRandomSampler({ indices: [3, 5, 7, 9], generator: null }),
    ]);
    const w = () => torch.tensor([0.1, 0.5, 2, 1]);
    sameResult([
      () => new D.WeightedRandomSampler(w(), 3, false),
      () => new D.WeightedRandomSampler(w(), 3, { replacement: false }),
      () => new D.WeightedRandomSampler(w(), { num_samples: 3, replacement: false }),
      () => new D.WeightedRandomSampler({ weights: w(), num_samples: 3, replacement: false }),
    ]);
    const seq = () => new D.SequentialSampler(ds());
    sameResult([
      () => new D.BatchSampler(seq(), 4, true),
      () => new D.BatchSampler(seq(), 4, { drop_last: true }),
      () => new D.BatchSampler(seq(), { batch_size: 4, drop_last: true }),
      () => new D.BatchSampler({ sampler: seq(), batch_size: 4, drop_last: true }),
    ]);
    expect(() => make(D.SequentialSampler, ds(), ZZZ)).toThrow(unexpected("SequentialSampler.__init__"));
    expect(() => make(D.SequentialSampler, { data_source: ds(), ...ZZZ })).toThrow(unexpected("SequentialSampler.__init__"));
    expect(() => make(D.RandomSampler, { data_source: ds(), ...ZZZ })).toThrow(unexpected("RandomSampler.__init__"));
    expect(() => make(D.SubsetRandomSampler, [1, 2], ZZZ)).toThrow(unexpected("SubsetRandomSampler.__init__"));
    expect(() => make(D.SubsetRandomSampler, { indices: [1, 2], ...ZZZ })).toThrow(unexpected("SubsetRandomSampler.__init__"));
    expect(() => make(D.WeightedRandomSampler, { weights: w(), num_samples: 2, ...ZZZ })).toThrow(unexpected("WeightedRandomSampler.__init__"));
    expect(() => make(D.WeightedRandomSampler, { num_samples: 2 })).toThrow("WeightedRandomSampler.__init__() missing 1 required positional argument: 'weights'");
    expect(() => make(D.BatchSampler, { sampler: seq(), batch_size: 2, drop_last: false, ...ZZZ })).toThrow(unexpected("BatchSampler.__init__"));
    expect(() => make(D.BatchSampler, seq(), 2, false, { sampler: seq() })).toThrow("BatchSampler.__init__() got multiple values for argument 'sampler'");
  });
});
