/**
 * Functions keyword_forms_audit.test.ts found failing with their arguments by keyword under torch 1.13's names, fixed:
 * each keyword form gives the positional form's result, and a wrong or unknown keyword raises torch's TypeError (the
 * messages checked against torch 1.13 by hand: /usr/bin/python3, torch 1.13).
 */
import { describe, expect, it } from "vitest";
import { torch, Tensor } from "../../../../lib/tensor/index";

type AnyFn = (...a: unknown[]) => unknown;
const T = torch as unknown as Record<string, AnyFn>;
const x = () => torch.arange(6).float().reshape(2, 3).div(7).add(0.1);
const shapes = (r: unknown) => (r as Tensor[]).map((t) => t.shape);
const same = (a: unknown, b: unknown) => expect((a as Tensor).tolist()).toEqual((b as Tensor).tolist());

describe("torch.* forms of nn.functional's ops by ATen's names (ops/fixed_arity.ts's TORCH_OPERAND_NAMES)", () => {
  it("the losses take their tensors by keyword: torch.kl_div(x, target=y), torch.triplet_margin_loss(anchor=a, positive=p, negative=n)", () => {
    const a = x(), b = x().flip(1), s = x().sign();
    same(T.kl_div(a, { target: b, reduction: 0 }), T.kl_div(a, b, 0));
    same(T.kl_div({ input: a, target: b, reduction: 2 }), T.kl_div(a, b, 2));
    same(T.binary_cross_entropy_with_logits(a, { target: b.sigmoid(), reduction: 0 }), T.binary_cross_entropy_with_logits(a, b.sigmoid(), null, null, 0));
    same(T.hinge_embedding_loss(a, { target: s, margin: 0.5, reduction: 0 }), T.hinge_embedding_loss(a, s, 0.5, 0));
    same(T.margin_ranking_loss(a, { input2: b, target: s, reduction: 0 }), T.margin_ranking_loss(a, b, s, 0, 0));
    same(T.triplet_margin_loss({ anchor: a, positive: b, negative: a.mul(2), reduction: 0 }), T.triplet_margin_loss(a, b, a.mul(2), 1, 2, 1e-6, false, 0));
    expect(() => T.kl_div(a, { target: b, zzz_unknown: 1 })).toThrow("kl_div() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => T.margin_ranking_loss(a, { target: s })).toThrow("margin_ranking_loss() missing 1 required positional argument: 'input2'");
  });

  it("group_norm, max_pool1d_with_indices, adaptive_max_pool1d by keyword; adaptive_max_pool1d refuses an unknown keyword", () => {
    same(T.group_norm(x(), { num_groups: 3 }), T.group_norm(x(), 3));
    const [v, i] = T.max_pool1d_with_indices(x(), { kernel_size: 2 }) as Tensor[];
    expect([v.tolist(), i.tolist()]).toEqual((T.max_pool1d_with_indices(x(), 2) as Tensor[]).map((t) => t.tolist()));
    const [av, ai] = T.adaptive_max_pool1d({ input: x(), output_size: 2 }) as Tensor[];
    expect([av.tolist(), ai.tolist()]).toEqual((T.adaptive_max_pool1d(x(), 2) as Tensor[]).map((t) => t.tolist()));
    // torch 1.13: TypeError: adaptive_max_pool1d() got an unexpected keyword argument 'zz'
    expect(() => T.adaptive_max_pool1d(x(), 2, { zz: 1 })).toThrow("adaptive_max_pool1d() got an unexpected keyword argument 'zz'");
  });

  it("binomial, can_cast, promote_types, result_type, isin by keyword", () => {
    torch.manual_seed(0);
    const want = T.binomial(torch.full([4], 5, { dtype: torch.float32 }), torch.full([4], 0.5)) as Tensor;
    torch.manual_seed(0);
    same(T.binomial({ count: torch.full([4], 5, { dtype: torch.float32 }), prob: torch.full([4], 0.5) }), want);
    // torch.can_cast(**{'from': torch.float32, 'to': torch.int32}) is False
    expect(T.can_cast({ from: torch.float32, to: torch.int32 })).toBe(false);
    expect(T.can_cast(torch.int32, { to: torch.float32 })).toBe(true);
    expect(T.promote_types({ type1: torch.float32, type2: torch.int32 })).toBe(torch.float32);
    expect(T.result_type(torch.ones(2, { dtype: torch.int32 }), { other: torch.ones(2, { dtype: torch.float64 }) })).toBe(torch.float64);
    expect(() => T.promote_types(torch.float32, { type3: torch.int32 })).toThrow("promote_types() got an unexpected keyword argument 'type3'");
    same(T.isin(x(), { test_elements: x().narrow(1, 0, 1) }), T.isin(x(), x().narrow(1, 0, 1)));
    same(T.isin({ elements: x(), test_elements: x().narrow(1, 0, 1), invert: true }), T.isin(x(), x().narrow(1, 0, 1), { invert: true }));
  });
});

describe("the split functions by each overload's names (ops/fixed_arity.ts's OVERLOAD_NAMES)", () => {
  const cube = () => torch.arange(24).float().reshape(2, 3, 4);
  it("hsplit / vsplit / dsplit take sections= (an int) or indices= (a list of ints), as torch and as methods", () => {
    expect(shapes(T.hsplit(x(), { sections: 3 }))).toEqual(shapes(T.hsplit(x(), 3)));
    expect(shapes(T.hsplit(x(), { indices: [1] }))).toEqual([[2, 1], [2, 2]]);
    expect(shapes(x().hsplit({ indices: [1] }))).toEqual([[2, 1], [2, 2]]);
    expect(shapes(x().vsplit({ sections: 2 }))).toEqual([[1, 3], [1, 3]]);
    expect(shapes(T.dsplit(cube(), { indices: [1, 3] }))).toEqual([[2, 3, 1], [2, 3, 2], [2, 3, 1]]);
    expect(shapes(cube().dsplit({ sections: 2 }))).toEqual([[2, 3, 2], [2, 3, 2]]);
    // a 0-d integer tensor is an int (torch.hsplit(x, sections=torch.tensor(3)))
    expect(shapes(T.hsplit(x(), { sections: torch.tensor(3, { dtype: torch.long }) }))).toEqual([[2, 1], [2, 1], [2, 1]]);
  });

  it("tensor_split takes sections= / indices= / tensor_indices_or_sections= with dim", () => {
    expect(shapes(T.tensor_split(x(), { sections: 2 }))).toEqual([[1, 3], [1, 3]]);
    expect(shapes(T.tensor_split(x(), { indices: [1], dim: 1 }))).toEqual([[2, 1], [2, 2]]);
    expect(shapes(x().tensor_split({ indices: [1], dim: 1 }))).toEqual([[2, 1], [2, 2]]);
    expect(shapes(T.tensor_split(x(), { tensor_indices_or_sections: torch.tensor(2, { dtype: torch.long }) }))).toEqual([[1, 3], [1, 3]]);
  });

  it("a keyword of the wrong overload, a wrong type or an unknown keyword raise torch's TypeError", () => {
    // torch 1.13: hsplit() received an invalid combination of arguments - got (Tensor, sections=list), but expected one of: ...
    expect(() => T.hsplit(x(), { sections: [1] })).toThrow("hsplit() received an invalid combination of arguments - got (Tensor, sections=list)");
    expect(() => T.hsplit(x(), { indices: 3 })).toThrow("hsplit() received an invalid combination of arguments - got (Tensor, indices=int)");
    expect(() => T.tensor_split(x(), { indices: torch.tensor([1]) })).toThrow("tensor_split() received an invalid combination of arguments - got (Tensor, indices=Tensor)");
    expect(() => T.tensor_split(x(), { tensor_indices_or_sections: 2 })).toThrow("received an invalid combination of arguments - got (Tensor, tensor_indices_or_sections=int)");
    expect(() => T.hsplit(x(), 3, { zz: 1 })).toThrow("hsplit() got an unexpected keyword argument 'zz'");
    expect(() => (cube().dsplit as AnyFn).call(cube(), 2, { zz: 1 })).toThrow("dsplit() got an unexpected keyword argument 'zz'");
    // positionally too: torch.hsplit(x, x) and hsplit(x, 3.0) are no overload; tensor_split's tensor must be long, at most 1-D
    expect(() => T.hsplit(x(), x())).toThrow("hsplit() received an invalid combination of arguments - got (Tensor, Tensor)");
    expect(() => T.hsplit(x(), 1.5)).toThrow("hsplit() received an invalid combination of arguments - got (Tensor, float)");
    expect(() => T.tensor_split(x(), x())).toThrow("tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float");
    expect(() => T.tensor_split(x(), torch.tensor([[1]], { dtype: torch.long }))).toThrow(
      "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with 2 dims",
    );
  });
});

describe("Tensor methods by torch 1.13's keyword names", () => {
  const long = (v: number[]) => torch.tensor(v, { dtype: torch.long });
  it("polygamma(n=), prelu(weight=), triangular_solve(A=, upper=), resize_as_(the_template=), fill_diagonal_(fill_value=, wrap=), new_tensor(data=)", () => {
    same(x().polygamma({ n: 1 }), x().polygamma(1));
    same(x().polygamma_({ n: 2 }), x().polygamma(2));
    expect(() => (x().polygamma as AnyFn).call(x())).toThrow("polygamma() missing 1 required positional argument: 'n'");
    expect(() => (x().polygamma as AnyFn).call(x(), 1, { zz: 1 })).toThrow("polygamma() got an unexpected keyword argument 'zz'");
    const w = torch.tensor([0.25]);
    same(x().neg().prelu({ weight: w }), x().neg().prelu(w));
    expect(() => (x().prelu as AnyFn).call(x(), w, { zz: 1 })).toThrow("prelu() got an unexpected keyword argument 'zz'");
    const A = torch.tensor([[2, 1], [0, 4]]), b = torch.tensor([[1, 2], [3, 4]]);
    same(b.triangular_solve({ A, upper: true })[0], b.triangular_solve(A, true)[0]);
    expect(x().resize_as_({ the_template: torch.ones(3) }).shape).toEqual([3]);
    same(x().fill_diagonal_({ fill_value: 2, wrap: true }), x().fill_diagonal_(2, true));
    const n = x().new_tensor({ data: [1, 2] });
    expect([n.tolist(), n.dtype]).toEqual([[1, 2], torch.float32]);
  });

  it("sum_to_size / resize_ take size= as well as numbers or a list; none, an unknown keyword or both forms raise", () => {
    same(x().sum_to_size({ size: [1, 3] }), x().sum_to_size(1, 3));
    same(x().sum_to_size([1, 3]), x().sum_to_size(1, 3));
    expect(x().resize_({ size: [3, 2] }).shape).toEqual([3, 2]);
    // torch 1.13: sum_to_size() missing 1 required positional arguments: "size"; ... got multiple values for argument 'size'
    expect(() => x().sum_to_size()).toThrow("sum_to_size() missing 1 required positional argument: 'size'");
    expect(() => x().sum_to_size(1, { size: [1, 3] })).toThrow("sum_to_size() got multiple values for argument 'size'");
    expect(() => x().sum_to_size(1, 3, { zz: 1 } as never)).toThrow("sum_to_size() got an unexpected keyword argument 'zz'");
    expect(() => x().resize_()).toThrow("resize_() missing 1 required positional argument: 'size'");
    expect(() => x().resize_(3, 2, { zz: 1 } as never)).toThrow("resize_() got an unexpected keyword argument 'zz'");
  });

  it("where(condition=, other=); is_contiguous and round take their keyword only by keyword, as torch", () => {
    const c = x().gt(0.3);
    same(x().where({ condition: c, other: x().neg() }), x().where(c, x().neg()));
    same(x().where(c, { other: 0 }), x().where(c, 0));
    expect(() => x().where({ condition: c })).toThrow("where() missing 1 required positional argument: 'other'");
    expect(x().is_contiguous({ memory_format: torch.contiguous_format })).toBe(true);
    // torch 1.13: x.is_contiguous(torch.contiguous_format) -> is_contiguous() takes 0 positional arguments but 1 was given
    expect(() => (x().is_contiguous as AnyFn).call(x(), torch.contiguous_format)).toThrow("is_contiguous() takes 0 positional arguments but 1 was given");
    same(x().round({ decimals: 1 }), torch.round(x(), { decimals: 1 }));
    // torch 1.13: torch.round(x, 1) -> round() received an invalid combination of arguments - got (Tensor, int), ...
    expect(() => (torch.round as AnyFn)(x(), 1)).toThrow("round() received an invalid combination of arguments - got (Tensor, int)");
    expect(() => (x().round as AnyFn).call(x(), 1)).toThrow("round() received an invalid combination of arguments");
  });

  it("index_put / index_put_ need values (torch: index_put() missing 1 required positional arguments: \"values\") and take them by keyword", () => {
    const i = [long([0])];
    expect(() => (x().index_put as AnyFn).call(x(), i)).toThrow("index_put() missing 1 required positional argument: 'values'");
    expect(() => (T.index_put_ as AnyFn)(x(), i)).toThrow("index_put_() missing 1 required positional argument: 'values'");
    same(x().index_put_({ indices: i, values: torch.tensor(5), accumulate: true }), x().index_put_(i, torch.tensor(5), true));
  });
});

describe("torch.* and F.* functions by torch 1.13's keyword names", () => {
  it("torch.range(start, end=, step=), torch.linalg.vecdot(x, y=, dim=)", () => {
    same(T.range(0, { end: 3 }), T.range(0, 3));
    same(T.range({ start: 0, end: 3, step: 0.5 }), T.range(0, 3, 0.5));
    const L = torch.linalg as unknown as Record<string, AnyFn>;
    same(L.vecdot(x(), { y: x().flip(1) }), L.vecdot(x(), x().flip(1)));
    same(L.vecdot({ x: x(), y: x(), dim: 0 }), L.vecdot(x(), x(), { dim: 0 }));
  });

  it("torch.randint_like(x, high=) / (x, low, high=) / (x, low=, high=) draw as positionally; high is required", () => {
    const draw = (f: () => unknown) => {
      torch.manual_seed(0);
      return (f() as Tensor).tolist();
    };
    expect(draw(() => T.randint_like(x(), { high: 5 }))).toEqual(draw(() => T.randint_like(x(), 5)));
    expect(draw(() => T.randint_like(x(), 1, { high: 5 }))).toEqual(draw(() => T.randint_like(x(), 1, 5)));
    expect(draw(() => T.randint_like(x(), { low: 1, high: 5 }))).toEqual(draw(() => T.randint_like(x(), 1, 5)));
    expect(draw(() => T.randint_like({ input: x(), high: 5 }))).toEqual(draw(() => T.randint_like(x(), 5)));
    expect(() => T.randint_like(x(), { low: 1 })).toThrow("randint_like() missing 1 required positional argument: 'high'");
    expect(() => T.randint_like(x(), 1, 5, { high: 5 })).toThrow("randint_like() got multiple values for argument 'high'");
  });

  it("F.triplet_margin_with_distance_loss(anchor, positive=, negative=)", () => {
    const Fn = (torch.nn.functional as unknown as Record<string, AnyFn>).triplet_margin_with_distance_loss;
    same(Fn(x(), { positive: x().flip(1), negative: x().mul(2), margin: 2 }), Fn(x(), x().flip(1), x().mul(2), { margin: 2 }));
    expect(() => Fn(x(), x().flip(1), x().mul(2), { zz: 1 })).toThrow("triplet_margin_with_distance_loss() got an unexpected keyword argument 'zz'");
  });
});

describe("unknown keywords once ignored (unknown_keywords_known.ts)", () => {
  it("F.prelu, F.selu_, torch.get_printoptions, torch.linalg.svdvals, x.requires_grad_, x.numpy refuse them; their own keywords work", () => {
    const Fn = torch.nn.functional as unknown as Record<string, AnyFn>;
    expect(() => Fn.prelu(x(), torch.tensor([0.25]), { zz: 1 })).toThrow("prelu() got an unexpected keyword argument 'zz'");
    expect(() => Fn.selu_(x(), { zz: 1 })).toThrow("selu_() got an unexpected keyword argument 'zz'");
    expect(() => T.get_printoptions({ zz: 1 })).toThrow("get_printoptions() got an unexpected keyword argument 'zz'");
    const L = torch.linalg as unknown as Record<string, AnyFn>;
    expect(() => L.svdvals(x(), { zz: 1 })).toThrow("svdvals() got an unexpected keyword argument 'zz'");
    same(L.svdvals(x(), { driver: null }), L.svdvals(x()));
    expect(() => x().requires_grad_({ zz: 1 } as never)).toThrow("requires_grad_() got an unexpected keyword argument 'zz'");
    expect(x().requires_grad_({ requires_grad: true }).requires_grad).toBe(true);
    expect(x().requires_grad_({ requires_grad: false }).requires_grad).toBe(false);
    expect(() => x().numpy({ zz: 1 } as never)).toThrow("numpy() got an unexpected keyword argument 'zz'");
    // torch 1.13: x.requires_grad_().numpy(force=True) gives the detached values
    expect([...x().requires_grad_().numpy({ force: true })]).toEqual([...x().numpy()]);
    expect(() => x().requires_grad_().numpy()).toThrow("Can't call numpy() on Tensor that requires grad");
  });

  it("torch.lu(A, pivot=True, get_infos=False) reads its keywords and refuses others (torch 1.13: _lu_no_infos() got an unexpected keyword argument)", () => {
    const A = torch.tensor([[2, 1], [4, 3]]);
    const [LU, piv, info] = T.lu(A, { get_infos: true }) as Tensor[];
    expect([LU.tolist(), piv.tolist(), info.item()]).toEqual([[[4, 3], [0.5, -0.5]], [2, 2], 0]);
    expect((T.lu(A) as Tensor[]).length).toBe(2);
    expect(() => T.lu(A, { zz: 1 })).toThrow("lu() got an unexpected keyword argument 'zz'");
  });
});
