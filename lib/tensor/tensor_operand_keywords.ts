/**
 * The typings of the Tensor methods' operands by keyword (x.unsqueeze({ dim: 1 }), x.transpose({ dim0: 0, dim1: 1 }),
 * x.narrow(0, { start: 1, length: 2 }), a.add({ other: b, alpha: 2 })), which ops/fixed_arity.ts's OPERAND_NAMES lets
 * through at run time. The names come from that table, so what a cell type-checks cannot drift from what runs:
 *
 *   unsqueeze(...args: OperandArgs<"unsqueeze", [dim: number]>): Tensor;
 *
 * is the positional form [dim: number] or the keyword forms of OPERAND_NAMES.unsqueeze's names (less the input): any
 * leading operands positional, then one options object holding the rest by name (and the method's own keyword
 * options, as add's alpha, when its last parameter is an options object). The augmentation below declares one such
 * member per method of the table, and MissingOperandKeywordForms makes tsc fail if a method of the table lacks its
 * keyword form. Each member repeats the positional parameters: the declarations the editor loads
 * (scripts/gen-engine-types.mjs) leave out a class method that has overloads elsewhere (TypeScript emits it as their
 * implementation), so a member here is all a cell sees of its method.
 */
import type { NumpyAliased, PyArgs } from "./args";
import type { OPERAND_NAMES, TORCH_OPERAND_NAMES } from "./ops/fixed_arity";
import type { ScatterReduceArgs } from "./ops/scatter_reduce";
import type { IndexReduceArgs } from "./ops/index_reduce";
import type { SizeArg } from "./shape";
import type { cross, diagonal_scatter, slice_scatter } from "./ops/shape_extra";
import type { cholesky_solve, triangular_solve } from "./ops/linalg";
import type { new_tensor } from "./ops/creation_extra";
import type { CloseOptions, Hook, IndexAddOptions, IndexSpec, MinMaxResult, RemovableHandle, Tensor, TensorLike } from "./tensor";

type OperandTable = typeof OPERAND_NAMES;

/** The parameters of a torch.* function after its first two (the input and the operand a method takes first). */
type AfterTwo<F> = F extends (a: never, b: never, ...rest: infer R) => unknown ? R : never;
type TorchOperandTable = OperandTable & typeof TORCH_OPERAND_NAMES;

/** A method's operand names: the table's, less the input (self). */
export type MethodOperandNames<K extends keyof OperandTable> = OperandTable[K] extends readonly ["input", ...infer R extends readonly string[]] ? R : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The operands named N of the parameters P by name: { dim0: number; dim1: number }. */
type ByName<P extends readonly unknown[], N extends readonly string[]> =
  N extends readonly [infer H extends string, ...infer NR extends readonly string[]]
    ? P extends readonly [infer A, ...infer PR] ? { [k in H]: A } & ByName<PR, NR>
    : P extends readonly [(infer A)?, ...infer PR] ? { [k in H]?: A } & ByName<PR, NR>
    : never
    : unknown;

/** P less its first N.length elements. */
type After<P extends readonly unknown[], N extends readonly unknown[]> = N extends readonly [unknown, ...infer NR] ? (P extends readonly [unknown?, ...infer PR] ? After<PR, NR> : []) : P;

/** The method's own keyword options (P's last parameter after the operands, when an options object), else nothing. */
type KeywordOptions<P extends readonly unknown[], N extends readonly unknown[]> = [OptionsOf<P, N>] extends [never] ? unknown : OptionsOf<P, N>;
/** Per form of P (PyArgs gives a union of tuples): the options object after the operands, if any. */
type OptionsOf<P extends readonly unknown[], N extends readonly unknown[]> = P extends unknown
  ? After<P, N> extends readonly [(infer O)?, ...unknown[]] ? (NonNullable<O> extends object ? NonNullable<O> : never) : never
  : never;

/** The options object naming the operands N of P (and O): with NumPy's axis / keepdims for dim / keepdim when Aliased. */
type NamedOptions<P extends readonly unknown[], N extends readonly string[], O, Aliased extends boolean> =
  Aliased extends true ? NumpyAliased<Simplify<ByName<P, N> & O>> : Simplify<ByName<P, N> & O>;

/** The keyword forms: P's first k operands positional (k < N.length), then one options object naming the others. */
type KeywordForms<P extends readonly unknown[], N extends readonly string[], O, Aliased extends boolean = false> =
  N extends readonly [string, ...infer NR extends readonly string[]]
    ? P extends readonly [infer A, ...infer PR]
      ? [options: NamedOptions<P, N, O, Aliased>] | [A, ...KeywordForms<PR, NR, O, Aliased>]
      : [options: NamedOptions<P, N, O, Aliased>]
    : never;

/**
 * The arguments P (a function's positional parameters), or a keyword form of the names N: P's first k operands
 * positional, then one options object naming the others (and P's own trailing options, when it has one). The loss
 * modules' forward (nn/modules/loss_keywords.ts: loss_fn(out, { target: y })) is typed with it.
 */
export type KeywordArgs<P extends readonly unknown[], N extends readonly string[], Aliased extends boolean = false> = P | KeywordForms<P, N, KeywordOptions<P, N>, Aliased>;

/**
 * The operand methods torch 1.13 writes in Python (x.unflatten(axis=1, ...) raises its TypeError), whose dim takes no
 * NumPy alias; every other one goes through torch's C++ argument parser, which takes axis= for dim= (x.unsqueeze(axis=1),
 * x.narrow(axis=0, start=0, length=1)) as numpyAliases does at run time.
 */
type PythonLevelOperand = "unflatten";

/**
 * The arguments of the Tensor method K whose positional parameters are P: P itself, or a keyword form of
 * OPERAND_NAMES[K]'s names (see the file's comment).
 */
export type OperandArgs<K extends keyof OperandTable, P extends readonly unknown[]> = KeywordArgs<P, MethodOperandNames<K>, K extends PythonLevelOperand ? false : true>;

/**
 * The torch.* function F (torch.unsqueeze, torch.add, ...) with its keyword forms for the names N (input first):
 * torch.unsqueeze(x, { dim: 1 }), torch.add({ input: x, other: y, alpha: 2 }). Its own signatures come first.
 */
type FunctionWithOperandKeywords<F, N extends readonly string[], Aliased extends boolean> =
  F extends (...args: infer P) => infer R ? F & ((...args: KeywordForms<P, N, KeywordOptions<P, N>, Aliased>) => R) : F;

/** The torch namespace T with OPERAND_NAMES' functions typed with their keyword forms (lib/tensor/index.ts). */
export type TorchWithOperandKeywords<T> = {
  [K in keyof T]: K extends keyof TorchOperandTable ? FunctionWithOperandKeywords<T[K], TorchOperandTable[K], K extends PythonLevelOperand ? false : true> : T[K];
};

/** Whether the method K takes one object holding all its operands by name. */
type TakesAllByKeyword<K extends keyof OperandTable & keyof Tensor> =
  Tensor[K] extends (...args: infer A) => unknown ? ([{ [k in MethodOperandNames<K>[number]]: never }] extends A ? true : false) : false;

/** The methods of OPERAND_NAMES whose typing lacks the keyword form (tsc fails below unless none). */
export type MissingOperandKeywordForms = {
  [K in keyof OperandTable & keyof Tensor]: TakesAllByKeyword<K> extends true ? never : K;
}[keyof OperandTable & keyof Tensor];

// A method of OPERAND_NAMES declared without `...args: OperandArgs<...>` below fails here.
const everyMethodTyped: [MissingOperandKeywordForms] extends [never] ? true : MissingOperandKeywordForms = true;
void everyMethodTyped;

/**
 * The methods whose operands torch 1.13 also takes by keyword (x.unsqueeze(dim=1), x.transpose(dim0=0, dim1=1),
 * a.add(other=b, alpha=2)): each is its positional form or a keyword form of OPERAND_NAMES' names. The class's and
 * api/'s methods implement them (lib/tensor/index.ts imports this file so the editor's declarations include it).
 */
declare module "./tensor" {
  interface Tensor {
    unsqueeze(...args: OperandArgs<"unsqueeze", [dim: number]>): Tensor;
    unsqueeze_(...args: OperandArgs<"unsqueeze_", [dim: number]>): Tensor;
    transpose(...args: OperandArgs<"transpose", [dim0: number, dim1: number]>): Tensor;
    transpose_(...args: OperandArgs<"transpose_", [dim0: number, dim1: number]>): Tensor;
    swapaxes(...args: OperandArgs<"swapaxes", [axis0: number, axis1: number]>): Tensor;
    swapdims(...args: OperandArgs<"swapdims", [dim0: number, dim1: number]>): Tensor;
    movedim(...args: OperandArgs<"movedim", [source: number | readonly number[], destination: number | readonly number[]]>): Tensor;
    moveaxis(...args: OperandArgs<"moveaxis", [source: number | readonly number[], destination: number | readonly number[]]>): Tensor;
    select(...args: OperandArgs<"select", [dim: number, index: number]>): Tensor;
    narrow(...args: OperandArgs<"narrow", [dim: number, start: number, length: number]>): Tensor;
    narrow_copy(...args: OperandArgs<"narrow_copy", [dim: number, start: number, length: number]>): Tensor;
    unfold(...args: OperandArgs<"unfold", [dimension: number, size: number, step: number]>): Tensor;
    index_select(...args: OperandArgs<"index_select", [dim: number, index: Tensor | readonly number[]]>): Tensor;
    index_copy(...args: OperandArgs<"index_copy", [dim: number, index: Tensor, source: Tensor]>): Tensor;
    index_copy_(...args: OperandArgs<"index_copy_", [dim: number, index: Tensor, source: Tensor]>): Tensor;
    index_fill(...args: OperandArgs<"index_fill", [dim: number, index: Tensor, value: TensorLike]>): Tensor;
    index_fill_(...args: OperandArgs<"index_fill_", [dim: number, index: Tensor, value: TensorLike]>): Tensor;
    masked_fill(...args: OperandArgs<"masked_fill", [mask: Tensor, value: TensorLike]>): Tensor;
    masked_fill_(...args: OperandArgs<"masked_fill_", [mask: Tensor, value: TensorLike]>): this;
    masked_select(...args: OperandArgs<"masked_select", [mask: Tensor]>): Tensor;
    take(...args: OperandArgs<"take", [index: Tensor]>): Tensor;
    fill_(...args: OperandArgs<"fill_", [value: number | boolean | Tensor]>): this;
    expand_as(...args: OperandArgs<"expand_as", [other: Tensor]>): Tensor;
    view_as(...args: OperandArgs<"view_as", [other: Tensor]>): Tensor;
    reshape_as(...args: OperandArgs<"reshape_as", [other: Tensor]>): Tensor;
    type_as(...args: OperandArgs<"type_as", [other: Tensor]>): Tensor;
    matmul(...args: OperandArgs<"matmul", [other: Tensor]>): Tensor;
    mm(...args: OperandArgs<"mm", [mat2: Tensor]>): Tensor;
    mv(...args: OperandArgs<"mv", [vec: Tensor]>): Tensor;
    dot(...args: OperandArgs<"dot", [tensor: Tensor]>): Tensor;
    outer(...args: OperandArgs<"outer", [vec2: Tensor]>): Tensor;
    add(...args: OperandArgs<"add", [other: TensorLike, options?: { alpha?: number | Tensor }]>): Tensor;
    sub(...args: OperandArgs<"sub", [other: TensorLike, options?: { alpha?: number | Tensor }]>): Tensor;
    rsub(...args: OperandArgs<"rsub", [other: TensorLike, options?: { alpha?: number | Tensor }]>): Tensor;
    div(...args: OperandArgs<"div", [other: TensorLike, options?: { rounding_mode?: "trunc" | "floor" | null }]>): Tensor;
    add_(...args: OperandArgs<"add_", [other: TensorLike, options?: { alpha?: number | Tensor }]>): this;
    sub_(...args: OperandArgs<"sub_", [other: TensorLike, options?: { alpha?: number | Tensor }]>): this;
    mul_(...args: OperandArgs<"mul_", [other: TensorLike]>): this;
    div_(...args: OperandArgs<"div_", [other: TensorLike, options?: { rounding_mode?: "trunc" | "floor" | null }]>): this;
    pow(...args: OperandArgs<"pow", [exponent: TensorLike]>): Tensor;
    bmm(...args: OperandArgs<"bmm", [mat2: Tensor]>): Tensor;
    lerp(...args: OperandArgs<"lerp", [end: Tensor, ...PyArgs<[weight?: TensorLike], { weight?: TensorLike }>]>): Tensor;
    lerp_(...args: OperandArgs<"lerp_", [end: Tensor, weight: number | Tensor]>): this;
    addmm(...args: OperandArgs<"addmm", [mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    baddbmm(...args: OperandArgs<"baddbmm", [batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addmv(...args: OperandArgs<"addmv", [mat: Tensor, vec: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addcmul(...args: OperandArgs<"addcmul", [tensor1: Tensor, tensor2: Tensor, ...PyArgs<[value?: number | Tensor], { value?: number | Tensor }>]>): Tensor;
    addcdiv(...args: OperandArgs<"addcdiv", [tensor1: Tensor, tensor2: Tensor, ...PyArgs<[value?: number | Tensor], { value?: number | Tensor }>]>): Tensor;
    index_add(...args: OperandArgs<"index_add", [dim: number, index: Tensor, source: Tensor, ...PyArgs<[alpha?: number], IndexAddOptions>]>): Tensor;
    index_add_(...args: OperandArgs<"index_add_", [dim: number, index: Tensor, source: Tensor, ...PyArgs<[alpha?: number], IndexAddOptions>]>): this;
    scatter_add(...args: OperandArgs<"scatter_add", [dim: number, index: Tensor, src: Tensor]>): Tensor;
    scatter_add_(...args: OperandArgs<"scatter_add_", [dim: number, index: Tensor, src: Tensor]>): this;
    scatter_reduce(...args: OperandArgs<"scatter_reduce", [dim: number, index: Tensor, src: Tensor, ...ScatterReduceArgs]>): Tensor;
    scatter_reduce_(...args: OperandArgs<"scatter_reduce_", [dim: number, index: Tensor, src: Tensor, ...ScatterReduceArgs]>): this;
    masked_scatter(...args: OperandArgs<"masked_scatter", [mask: Tensor, source: Tensor]>): Tensor;
    masked_scatter_(...args: OperandArgs<"masked_scatter_", [mask: Tensor, source: Tensor]>): Tensor;
    index_put(...args: OperandArgs<"index_put", [indices: readonly IndexSpec[], values: TensorLike, ...PyArgs<[accumulate?: boolean], { accumulate?: boolean }>]>): Tensor;
    index_put_(...args: OperandArgs<"index_put_", [indices: readonly IndexSpec[], values: TensorLike, ...PyArgs<[accumulate?: boolean], { accumulate?: boolean }>]>): this;
    kthvalue(...args: OperandArgs<"kthvalue", [k: number, ...PyArgs<[dim?: number, keepdim?: boolean], { dim?: number; keepdim?: boolean }>]>): MinMaxResult;
    take_along_dim(...args: OperandArgs<"take_along_dim", [indices: Tensor, ...PyArgs<[dim?: number | null], { dim?: number | null }>]>): Tensor;
    new_full(...args: OperandArgs<"new_full", [size: readonly number[], fill_value: number | boolean, options?: { dtype?: Tensor["dtype"]; requires_grad?: boolean; device?: unknown }]>): Tensor;
    mul(...args: OperandArgs<"mul", [other: TensorLike]>): Tensor;
    true_divide(...args: OperandArgs<"true_divide", [other: TensorLike]>): Tensor;
    floor_divide(...args: OperandArgs<"floor_divide", [other: TensorLike]>): Tensor;
    remainder(...args: OperandArgs<"remainder", [other: TensorLike]>): Tensor;
    fmod(...args: OperandArgs<"fmod", [other: TensorLike]>): Tensor;
    maximum(...args: OperandArgs<"maximum", [other: TensorLike]>): Tensor;
    minimum(...args: OperandArgs<"minimum", [other: TensorLike]>): Tensor;
    atan2(...args: OperandArgs<"atan2", [other: TensorLike]>): Tensor;
    eq(...args: OperandArgs<"eq", [other: TensorLike]>): Tensor;
    ne(...args: OperandArgs<"ne", [other: TensorLike]>): Tensor;
    lt(...args: OperandArgs<"lt", [other: TensorLike]>): Tensor;
    le(...args: OperandArgs<"le", [other: TensorLike]>): Tensor;
    gt(...args: OperandArgs<"gt", [other: TensorLike]>): Tensor;
    ge(...args: OperandArgs<"ge", [other: TensorLike]>): Tensor;
    logical_and(...args: OperandArgs<"logical_and", [other: TensorLike]>): Tensor;
    logical_or(...args: OperandArgs<"logical_or", [other: TensorLike]>): Tensor;
    logical_xor(...args: OperandArgs<"logical_xor", [other: TensorLike]>): Tensor;
    arctan2(...args: OperandArgs<"arctan2", [other: TensorLike]>): Tensor;
    hypot(...args: OperandArgs<"hypot", [other: TensorLike]>): Tensor;
    copysign(...args: OperandArgs<"copysign", [other: TensorLike]>): Tensor;
    logaddexp(...args: OperandArgs<"logaddexp", [other: TensorLike]>): Tensor;
    logaddexp2(...args: OperandArgs<"logaddexp2", [other: TensorLike]>): Tensor;
    fmax(...args: OperandArgs<"fmax", [other: TensorLike]>): Tensor;
    fmin(...args: OperandArgs<"fmin", [other: TensorLike]>): Tensor;
    nextafter(...args: OperandArgs<"nextafter", [other: TensorLike]>): Tensor;
    ldexp(...args: OperandArgs<"ldexp", [other: TensorLike]>): Tensor;
    igamma(...args: OperandArgs<"igamma", [other: TensorLike]>): Tensor;
    igammac(...args: OperandArgs<"igammac", [other: TensorLike]>): Tensor;
    xlogy(...args: OperandArgs<"xlogy", [other: TensorLike]>): Tensor;
    greater(...args: OperandArgs<"greater", [other: TensorLike]>): Tensor;
    greater_equal(...args: OperandArgs<"greater_equal", [other: TensorLike]>): Tensor;
    less(...args: OperandArgs<"less", [other: TensorLike]>): Tensor;
    less_equal(...args: OperandArgs<"less_equal", [other: TensorLike]>): Tensor;
    not_equal(...args: OperandArgs<"not_equal", [other: TensorLike]>): Tensor;
    heaviside(...args: OperandArgs<"heaviside", [values: Tensor]>): Tensor;
    float_power(...args: OperandArgs<"float_power", [exponent: TensorLike]>): Tensor;
    equal(...args: OperandArgs<"equal", [other: Tensor]>): boolean;
    is_same_size(...args: OperandArgs<"is_same_size", [other: Tensor]>): boolean;
    kron(...args: OperandArgs<"kron", [other: Tensor]>): Tensor;
    inner(...args: OperandArgs<"inner", [other: Tensor]>): Tensor;
    vdot(...args: OperandArgs<"vdot", [other: Tensor]>): Tensor;
    ger(...args: OperandArgs<"ger", [vec2: Tensor]>): Tensor;
    atan2_(...args: OperandArgs<"atan2_", [other: TensorLike]>): Tensor;
    arctan2_(...args: OperandArgs<"arctan2_", [other: TensorLike]>): Tensor;
    copysign_(...args: OperandArgs<"copysign_", [other: TensorLike]>): Tensor;
    hypot_(...args: OperandArgs<"hypot_", [other: TensorLike]>): Tensor;
    xlogy_(...args: OperandArgs<"xlogy_", [other: TensorLike]>): Tensor;
    nextafter_(...args: OperandArgs<"nextafter_", [other: TensorLike]>): Tensor;
    ldexp_(...args: OperandArgs<"ldexp_", [other: TensorLike]>): Tensor;
    igamma_(...args: OperandArgs<"igamma_", [other: TensorLike]>): Tensor;
    igammac_(...args: OperandArgs<"igammac_", [other: TensorLike]>): Tensor;
    eq_(...args: OperandArgs<"eq_", [other: TensorLike]>): Tensor;
    ne_(...args: OperandArgs<"ne_", [other: TensorLike]>): Tensor;
    lt_(...args: OperandArgs<"lt_", [other: TensorLike]>): Tensor;
    le_(...args: OperandArgs<"le_", [other: TensorLike]>): Tensor;
    gt_(...args: OperandArgs<"gt_", [other: TensorLike]>): Tensor;
    ge_(...args: OperandArgs<"ge_", [other: TensorLike]>): Tensor;
    greater_(...args: OperandArgs<"greater_", [other: TensorLike]>): Tensor;
    greater_equal_(...args: OperandArgs<"greater_equal_", [other: TensorLike]>): Tensor;
    less_(...args: OperandArgs<"less_", [other: TensorLike]>): Tensor;
    less_equal_(...args: OperandArgs<"less_equal_", [other: TensorLike]>): Tensor;
    not_equal_(...args: OperandArgs<"not_equal_", [other: TensorLike]>): Tensor;
    fmod_(...args: OperandArgs<"fmod_", [other: TensorLike]>): Tensor;
    remainder_(...args: OperandArgs<"remainder_", [other: TensorLike]>): Tensor;
    true_divide_(...args: OperandArgs<"true_divide_", [other: TensorLike]>): Tensor;
    floor_divide_(...args: OperandArgs<"floor_divide_", [other: TensorLike]>): Tensor;
    logical_and_(...args: OperandArgs<"logical_and_", [other: TensorLike]>): Tensor;
    logical_or_(...args: OperandArgs<"logical_or_", [other: TensorLike]>): Tensor;
    logical_xor_(...args: OperandArgs<"logical_xor_", [other: TensorLike]>): Tensor;
    heaviside_(...args: OperandArgs<"heaviside_", [values: Tensor]>): Tensor;
    pow_(...args: OperandArgs<"pow_", [exponent: TensorLike]>): this;
    float_power_(...args: OperandArgs<"float_power_", [exponent: TensorLike]>): Tensor;
    copy_(...args: OperandArgs<"copy_", [src: TensorLike, options?: { non_blocking?: boolean }]>): this;
    addcmul_(...args: OperandArgs<"addcmul_", [tensor1: Tensor, tensor2: Tensor, options?: { value?: number | Tensor }]>): this;
    addcdiv_(...args: OperandArgs<"addcdiv_", [tensor1: Tensor, tensor2: Tensor, options?: { value?: number | Tensor }]>): this;
    isclose(...args: OperandArgs<"isclose", [other: Tensor, ...PyArgs<[rtol?: number, atol?: number, equal_nan?: boolean], CloseOptions>]>): Tensor;
    allclose(...args: OperandArgs<"allclose", [other: Tensor, options?: { rtol?: number; atol?: number; equal_nan?: boolean }]>): boolean;
    cross(...args: OperandArgs<"cross", [other: Tensor, ...AfterTwo<typeof cross>]>): Tensor;
    slice_scatter(...args: OperandArgs<"slice_scatter", [src: Tensor, ...AfterTwo<typeof slice_scatter>]>): Tensor;
    diagonal_scatter(...args: OperandArgs<"diagonal_scatter", [src: Tensor, ...AfterTwo<typeof diagonal_scatter>]>): Tensor;
    cholesky_solve(...args: OperandArgs<"cholesky_solve", [input2: Tensor, ...AfterTwo<typeof cholesky_solve>]>): Tensor;
    swapaxes_(...args: OperandArgs<"swapaxes_", [axis0: number, axis1: number]>): Tensor;
    swapdims_(...args: OperandArgs<"swapdims_", [dim0: number, dim1: number]>): Tensor;
    broadcast_to(...args: OperandArgs<"broadcast_to", [size: readonly number[]]>): Tensor;
    bitwise_and(...args: OperandArgs<"bitwise_and", [other: TensorLike]>): Tensor;
    bitwise_or(...args: OperandArgs<"bitwise_or", [other: TensorLike]>): Tensor;
    bitwise_xor(...args: OperandArgs<"bitwise_xor", [other: TensorLike]>): Tensor;
    bitwise_left_shift(...args: OperandArgs<"bitwise_left_shift", [other: TensorLike]>): Tensor;
    bitwise_right_shift(...args: OperandArgs<"bitwise_right_shift", [other: TensorLike]>): Tensor;
    gcd(...args: OperandArgs<"gcd", [other: TensorLike]>): Tensor;
    lcm(...args: OperandArgs<"lcm", [other: TensorLike]>): Tensor;
    gcd_(...args: OperandArgs<"gcd_", [other: TensorLike]>): Tensor;
    lcm_(...args: OperandArgs<"lcm_", [other: TensorLike]>): Tensor;
    renorm(...args: OperandArgs<"renorm", [p: number, dim: number, maxnorm: number]>): Tensor;
    renorm_(...args: OperandArgs<"renorm_", [p: number, dim: number, maxnorm: number]>): Tensor;
    addmm_(...args: OperandArgs<"addmm_", [mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    put(...args: OperandArgs<"put", [index: Tensor, source: Tensor, ...PyArgs<[accumulate?: boolean], { accumulate?: boolean }>]>): Tensor;
    put_(...args: OperandArgs<"put_", [index: Tensor, source: Tensor, ...PyArgs<[accumulate?: boolean], { accumulate?: boolean }>]>): Tensor;
    index_reduce(...args: OperandArgs<"index_reduce", [dim: number, index: Tensor, source: Tensor, ...IndexReduceArgs]>): Tensor;
    index_reduce_(...args: OperandArgs<"index_reduce_", [dim: number, index: Tensor, source: Tensor, ...IndexReduceArgs]>): Tensor;
    select_scatter(...args: OperandArgs<"select_scatter", [src: Tensor, dim: number, index: number]>): Tensor;
    unflatten(...args: OperandArgs<"unflatten", [dim: number, sizes: readonly SizeArg[]]>): Tensor;
    addbmm(...args: OperandArgs<"addbmm", [batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addbmm_(...args: OperandArgs<"addbmm_", [batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addr(...args: OperandArgs<"addr", [vec1: Tensor, vec2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addr_(...args: OperandArgs<"addr_", [vec1: Tensor, vec2: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    addmv_(...args: OperandArgs<"addmv_", [mat: Tensor, vec: Tensor, options?: { beta?: number; alpha?: number }]>): Tensor;
    lu_solve(...args: OperandArgs<"lu_solve", [LU_data: Tensor, LU_pivots: Tensor]>): Tensor;
    matrix_power(...args: OperandArgs<"matrix_power", [n: number]>): Tensor;
    as_strided(...args: OperandArgs<"as_strided", [size: readonly number[], stride: readonly number[], storage_offset?: number | null]>): Tensor;
    bitwise_and_(...args: OperandArgs<"bitwise_and_", [other: TensorLike]>): Tensor;
    bitwise_or_(...args: OperandArgs<"bitwise_or_", [other: TensorLike]>): Tensor;
    bitwise_xor_(...args: OperandArgs<"bitwise_xor_", [other: TensorLike]>): Tensor;
    bitwise_left_shift_(...args: OperandArgs<"bitwise_left_shift_", [other: TensorLike]>): Tensor;
    bitwise_right_shift_(...args: OperandArgs<"bitwise_right_shift_", [other: TensorLike]>): Tensor;
    register_hook(...args: OperandArgs<"register_hook", [hook: Hook]>): RemovableHandle;
    apply_(...args: OperandArgs<"apply_", [callable: (v: number) => number]>): Tensor;
    map_(...args: OperandArgs<"map_", [tensor: Tensor, callable: (a: number, b: number) => number]>): Tensor;
    // the splits: sections by keyword, or the other overloads' names (fixed_arity.ts's OVERLOAD_NAMES)
    hsplit(...args: OperandArgs<"hsplit", [sections: number | readonly number[]]> | [options: { indices: readonly number[] }]): Tensor[];
    vsplit(...args: OperandArgs<"vsplit", [sections: number | readonly number[]]> | [options: { indices: readonly number[] }]): Tensor[];
    dsplit(...args: OperandArgs<"dsplit", [sections: number | readonly number[]]> | [options: { indices: readonly number[] }]): Tensor[];
    tensor_split(
      ...args: OperandArgs<"tensor_split", [sections: number | readonly number[] | Tensor, ...PyArgs<[dim?: number], { dim?: number }>]>
        | [options: { indices: readonly number[]; dim?: number } | { tensor_indices_or_sections: Tensor; dim?: number }]
    ): Tensor[];
    triangular_solve(...args: OperandArgs<"triangular_solve", [A: Tensor, ...AfterTwo<typeof triangular_solve>]>): ReturnType<typeof triangular_solve>;
    resize_as_(...args: OperandArgs<"resize_as_", [the_template: Tensor]>): Tensor;
    fill_diagonal_(...args: OperandArgs<"fill_diagonal_", [fill_value: number, ...PyArgs<[wrap?: boolean], { wrap?: boolean }>]>): Tensor;
    new_tensor(...args: OperandArgs<"new_tensor", [data: Parameters<typeof new_tensor>[1], options?: Parameters<typeof new_tensor>[2]]>): Tensor;
  }
}
