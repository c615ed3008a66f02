/**
 * torch.utils.data's samplers (PyTorch 1.13, torch/utils/data/sampler.py): iterables of dataset
 * indices (or, for BatchSampler, of index batches) with a length. The random ones draw exactly
 * what PyTorch's draw, so a seeded run visits samples in PyTorch's order and leaves the generator
 * where PyTorch leaves it:
 *   RandomSampler without a generator draws one int64 seed from the global generator per pass and
 *   runs a fresh mt19937 seeded with it; randperm(n) per full pass (replacement=false), or
 *   randint(n) in blocks of 32 (replacement=true).
 *   SubsetRandomSampler: randperm(len(indices)) on its generator (the global one by default).
 *   WeightedRandomSampler: one torch.multinomial(weights as float64, num_samples, replacement).
 */
import { float64 } from "../../dtype";
import { checkNoMoreArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { leadingArgs } from "../../leading_args";
import { randint, randperm, tensor } from "../../ops/creation";
import { multinomial } from "../../ops/sampling";
import { default_generator, Generator } from "../../random";
import { Tensor } from "../../tensor";

/** Anything with a length in Python's sense: an array, a Dataset or a Sampler (`__len__`). */
export type Sized = readonly unknown[] | { __len__(): number };

/** Python's len(): an array's length or `__len__()`, else its TypeError. */
export function sizedLength(x: unknown): number {
  if (Array.isArray(x)) return x.length;
  // A tensor as a dataset (DataLoader(t)): its length is dim 0's, as Python's len(t)
  if (x instanceof Tensor) {
    if (x.dim() === 0) throw new TypeError_("len() of a 0-d tensor");
    return x.shape[0];
  }
  const len = (x as { __len__?: unknown } | null)?.__len__;
  if (typeof len === "function") return (len as () => number).call(x);
  const name = (x as object | null)?.constructor?.name ?? typeof x;
  throw new TypeError_(`object of type '${name}' has no len()`);
}

/** An int64 `random_()` draw: two 32-bit outputs; a generator seeded with it uses the low word. */
export function drawSeedLowWord(gen: Generator): number {
  gen.random();
  return gen.random();
}

/** Base class: subclasses give `__iter__()` (indices) and usually `__len__()`. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract __iter__(): Iterator<T>;

  [Symbol.iterator](): Iterator<T> {
    return this.__iter__();
  }

  get length(): number {
    return sizedLength(this);
  }
}

/** 0, 1, ..., len(data_source) - 1. */
export class SequentialSampler extends Sampler<number> {
  readonly data_source: Sized;

  constructor(data_source: Sized);
  /** SequentialSampler(data_source=ds). */
  constructor(options: { data_source: Sized });
  constructor(...all: unknown[]) {
    super();
    const [data_source, ...extra] = leadingArgs("SequentialSampler.__init__", ["data_source"], 1, all, { objectValues: true }) as [Sized, ...unknown[]];
    checkNoMoreArgs("SequentialSampler.__init__", extra);
    this.data_source = data_source;
  }

  *__iter__(): Iterator<number> {
    const n = sizedLength(this.data_source);
    for (let i = 0; i < n; i++) yield i;
  }

  __len__(): number {
    return sizedLength(this.data_source);
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  num_samples?: number | null;
  generator?: Generator | null;
}

function optionsOf<O extends object>(args: unknown[], names: readonly (keyof O & string)[], fn: string): O {
  const last = args[args.length - 1];
  const kw = last !== null && typeof last === "object" && !(last instanceof Generator) && !Array.isArray(last) ? (args.pop() as O) : ({} as O);
  if (args.length > names.length) throw new TypeError_(`${fn}() takes at most ${names.length + 1} positional arguments but ${args.length + 1} were given`);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(kw)) {
    if (!names.includes(k as keyof O & string)) throw new TypeError_(`${fn}() got an unexpected keyword argument '${k}'`);
  }
  names.forEach((k, i) => {
    if (i < args.length && args[i] !== undefined) {
      if (k in kw) throw new TypeError_(`${fn}() got multiple values for argument '${k}'`);
      o[k] = args[i];
    } else if (k in kw) o[k] = (kw as Record<string, unknown>)[k];
  });
  return o as O;
}

/**
 * Random order: a permutation per pass over the data (replacement=false; num_samples may
 * exceed len, taking further permutations), or num_samples uniform draws (replacement=true).
 *   new RandomSampler(ds), (ds, true, 100), (ds, { replacement: true, num_samples: 100, generator })
 */
export class RandomSampler extends Sampler<number> {
  readonly data_source: Sized;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly _num_samples: number | null;

  constructor(data_source: Sized, ...args: [replacement?: boolean | RandomSamplerOptions, num_samples?: number | null | RandomSamplerOptions, generator?: Generator | null | RandomSamplerOptions]);
  /** RandomSampler(data_source=ds, replacement=True, ...): every argument by keyword. */
  constructor(options: RandomSamplerOptions & { data_source: Sized });
  constructor(...all: unknown[]) {
    super();
    const [data_source, ...args] = leadingArgs("RandomSampler.__init__", ["data_source"], 1, all, { objectValues: true }) as [Sized, ...unknown[]];
    const o = optionsOf<RandomSamplerOptions>(args, ["replacement", "num_samples", "generator"], "RandomSampler.__init__");
    this.data_source = data_source;
    this.replacement = o.replacement ?? false;
    this._num_samples = o.num_samples ?? null;
    this.generator = o.generator ?? null;
    if (typeof this.replacement !== "boolean") {
      throw new TypeError_(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    }
    const ns = this.num_samples;
    if (!Number.isInteger(ns) || ns <= 0) throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${ns}`);
  }

  get num_samples(): number {
    return this._num_samples ?? sizedLength(this.data_source);
  }

  *__iter__(): Iterator<number> {
    const n = sizedLength(this.data_source);
    const generator = this.generator ?? new Generator(drawSeedLowWord(default_generator));
    const ns = this.num_samples;
    if (this.replacement) {
      for (let b = 0; b < Math.floor(ns / 32); b++) yield* randint(0, n, [32], { generator })._data;
      if (ns % 32 > 0) yield* randint(0, n, [ns % 32], { generator })._data;
    } else {
      for (let p = 0; p < Math.floor(ns / n); p++) yield* randperm(n, { generator })._data;
      // PyTorch draws the last permutation even when it keeps none of it.
      yield* randperm(n, { generator })._data.subarray(0, ns % n);
    }
  }

  __len__(): number {
    return this.num_samples;
  }
}

/** The given indices in a random order (a randperm of their positions). */
export class SubsetRandomSampler extends Sampler<number> {
  readonly generator: Generator | null;

  readonly indices: readonly number[];

  constructor(indices: readonly number[], generator?: Generator | null | { generator?: Generator | null });
  /** SubsetRandomSampler(indices=[0, 2], generator=g). */
  constructor(options: { indices: readonly number[]; generator?: Generator | null });
  constructor(...all: unknown[]) {
    super();
    const [indices, ...args] = leadingArgs("SubsetRandomSampler.__init__", ["indices"], 1, all) as [readonly number[], ...unknown[]];
    this.indices = indices;
    this.generator = optionsOf<{ generator?: Generator | null }>(args, ["generator"], "SubsetRandomSampler.__init__").generator ?? null;
  }

  *__iter__(): Iterator<number> {
    for (const i of randperm(this.indices.length, { generator: this.generator ?? default_generator })._data) yield this.indices[i];
  }

  __len__(): number {
    return this.indices.length;
  }
}

export interface WeightedRandomSamplerOptions {
  num_samples?: number;
  replacement?: boolean;
  generator?: Generator | null;
}

/** num_samples indices of `weights` drawn with probabilities proportional to them. */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly num_samples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;

  constructor(
    weights: readonly number[] | Tensor,
    ...args: [num_samples?: number | WeightedRandomSamplerOptions, replacement?: boolean | WeightedRandomSamplerOptions, generator?: Generator | null | WeightedRandomSamplerOptions]
  );
  /** WeightedRandomSampler(weights=w, num_samples=10, replacement=False): every argument by keyword. */
  constructor(options: WeightedRandomSamplerOptions & { weights: readonly number[] | Tensor; num_samples: number });
  constructor(...all: unknown[]) {
    super();
    const [weights, ...args] = leadingArgs("WeightedRandomSampler.__init__", ["weights"], 1, all) as [readonly number[] | Tensor, ...unknown[]];
    const o = optionsOf<WeightedRandomSamplerOptions>(args, ["num_samples", "replacement", "generator"], "WeightedRandomSampler.__init__");
    const ns = o.num_samples;
    if (ns === undefined) throw new TypeError_("WeightedRandomSampler.__init__() missing 1 required positional argument: 'num_samples'");
    if (typeof ns !== "number" || !Number.isInteger(ns) || ns <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${String(ns)}`);
    }
    const replacement = o.replacement ?? true;
    if (typeof replacement !== "boolean") throw new ValueError(`replacement should be a boolean value, but got replacement=${String(replacement)}`);
    const w = weights instanceof Tensor ? weights.to(float64) : tensor(weights as number[], { dtype: float64 });
    if (w.dim() !== 1) throw new ValueError(`weights should be a 1d sequence but given weights have shape (${w.shape.join(", ")}${w.dim() === 1 ? "," : ""})`);
    this.weights = w;
    this.num_samples = ns;
    this.replacement = replacement;
    this.generator = o.generator ?? null;
  }

  *__iter__(): Iterator<number> {
    yield* multinomial(this.weights, this.num_samples, this.replacement, this.generator ?? default_generator)._data;
  }

  __len__(): number {
    return this.num_samples;
  }
}

/** Groups another sampler's indices into lists of batch_size (the last one shorter unless drop_last). */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: Iterable<number>;
  readonly batch_size: number;
  readonly drop_last: boolean;

  constructor(sampler: Iterable<number>, ...args: [batch_size?: number | { batch_size?: number; drop_last?: boolean }, drop_last?: boolean | { drop_last?: boolean }]);
  /** BatchSampler(sampler=s, batch_size=4, drop_last=False): every argument by keyword. */
  constructor(options: { sampler: Iterable<number>; batch_size: number; drop_last: boolean });
  constructor(...all: unknown[]) {
    super();
    const [sampler, ...args] = leadingArgs("BatchSampler.__init__", ["sampler"], 1, all, { objectValues: true }) as [Iterable<number>, ...unknown[]];
    const o = optionsOf<{ batch_size?: number; drop_last?: boolean }>(args, ["batch_size", "drop_last"], "BatchSampler.__init__");
    const missing = (["batch_size", "drop_last"] as const).filter((k) => o[k] === undefined);
    if (missing.length > 0) {
      throw new TypeError_(`BatchSampler.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((k) => `'${k}'`).join(" and ")}`);
    }
    const bs = o.batch_size as number;
    if (typeof bs !== "number" || !Number.isInteger(bs) || bs <= 0) throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${String(bs)}`);
    if (typeof o.drop_last !== "boolean") throw new ValueError(`drop_last should be a boolean value, but got drop_last=${String(o.drop_last)}`);
    this.sampler = sampler;
    this.batch_size = bs;
    this.drop_last = o.drop_last;
  }

  *__iter__(): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(Number(i));
      if (batch.length === this.batch_size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }

  __len__(): number {
    const n = sizedLength(this.sampler);
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }
}
