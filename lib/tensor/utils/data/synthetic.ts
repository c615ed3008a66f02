/**
 * Toy 2-D classification datasets for the course, after scikit-learn's make_moons,
 * make_circles and make_blobs, plus the classic interleaved spirals. Each returns
 * { X: float32 [n, 2] (or [n, n_features]), y: int64 [n] }.
 *
 * Randomness comes from the engine's generator, so torch.manual_seed(s) repeats a dataset;
 * `random_state: s` instead uses a private generator seeded with s (the global stream is left
 * alone). `weights` makes classes imbalanced: `make_moons(1000, { weights: [0.9, 0.1] })`
 * gives about 900 samples of class 0 and 100 of class 1.
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, int64 } from "../../dtype";
import { ValueError } from "../../errors";
import { from_array, randperm } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import type { Tensor } from "../../tensor";

export interface SyntheticOptions {
  /** How many points (default 100); also the one positional argument, as in sklearn. */
  n_samples?: number;
  /** Standard deviation of Gaussian noise added to the points (0 or null: none). */
  noise?: number | null;
  /** Shuffle the samples (default true); otherwise they come grouped by class. */
  shuffle?: boolean;
  /** Class proportions, e.g. [0.9, 0.1]; normalised to sum to 1. */
  weights?: readonly number[] | null;
  /** Seed of a private generator; default: the global generator (torch.manual_seed). */
  random_state?: number | null;
  generator?: Generator;
}

export interface ToyDataset {
  X: Tensor;
  y: Tensor;
}

const COMMON = ["n_samples", "noise", "shuffle", "weights", "random_state", "generator"] as const;

/** `make_x(200, { noise })` or `make_x({ n_samples: 200, noise })`: the count and the settings. */
function settings<O extends SyntheticOptions>(fn: string, args: readonly unknown[], extra: readonly (keyof O & string)[] = []): { n: number; o: Partial<O> } {
  const o = parseArgs<O>(fn, [...COMMON, ...extra], args);
  return { n: o.n_samples ?? 100, o };
}

function generatorOf(o: SyntheticOptions): Generator {
  if (o.generator) return o.generator;
  if (o.random_state !== undefined && o.random_state !== null) return new Generator(o.random_state);
  return default_generator;
}

/** Samples per class: an even split (earlier classes get the remainder), or by `weights`. */
export function classCounts(n: number, nClasses: number, weights?: readonly number[] | null): number[] {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`n_samples must be a non-negative integer, got ${n}`);
  if (!weights) {
    return Array.from({ length: nClasses }, (_, c) => Math.floor(n / nClasses) + (c < n % nClasses ? 1 : 0));
  }
  if (weights.length !== nClasses || weights.some((w) => !(w >= 0))) {
    throw new ValueError(`weights must hold ${nClasses} non-negative proportions, got [${weights.join(", ")}]`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((n * w) / total));
  // Hand out what flooring lost to the classes with the largest remainders.
  const order = weights.map((w, c) => [(n * w) / total - counts[c], c] as const).sort((a, b) => b[0] - a[0]);
  let rest = n - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; rest > 0; k = (k + 1) % nClasses, rest--) counts[order[k][1]] += 1;
  return counts;
}

/** numpy.linspace(start, stop, num, endpoint). */
function linspace(start: number, stop: number, num: number, endpoint = true): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** Adds noise, shuffles (one randperm on the generator) and wraps the arrays as tensors. */
function finish(X: Float64Array, y: Int32Array, nFeatures: number, o: SyntheticOptions, gen: Generator): ToyDataset {
  const n = y.length;
  let order: Float32Array | null = null;
  if (o.shuffle ?? true) order = randperm(n, { generator: gen })._data as Float32Array;
  if (o.noise) {
    const noise = new Float64Array(n * nFeatures);
    gen.fillNormal(noise, 0, o.noise, true);
    for (let i = 0; i < noise.length; i++) X[i] += noise[i];
  }
  const xs = new Float32Array(n * nFeatures);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order ? order[i] : i;
    for (let f = 0; f < nFeatures; f++) xs[i * nFeatures + f] = X[src * nFeatures + f];
    ys[i] = y[src];
  }
  return { X: from_array(xs, [n, nFeatures], { dtype: float32 }), y: from_array(ys, [n], { dtype: int64 }) };
}

/** Two interleaving half circles (sklearn.datasets.make_moons): class 0 on top, class 1 below. */
export function make_moons(...args: PyArgs<[n_samples?: number], SyntheticOptions>): ToyDataset {
  const { n, o } = settings<SyntheticOptions>("make_moons", args);
  const [nOut, nIn] = o.weights ? classCounts(n, 2, o.weights) : [Math.floor(n / 2), n - Math.floor(n / 2)];
  const gen = generatorOf(o);
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  const tOut = linspace(0, Math.PI, nOut);
  const tIn = linspace(0, Math.PI, nIn);
  for (let i = 0; i < nOut; i++) {
    X[2 * i] = Math.cos(tOut[i]);
    X[2 * i + 1] = Math.sin(tOut[i]);
  }
  for (let i = 0; i < nIn; i++) {
    const k = nOut + i;
    X[2 * k] = 1 - Math.cos(tIn[i]);
    X[2 * k + 1] = 1 - Math.sin(tIn[i]) - 0.5;
    y[k] = 1;
  }
  return finish(X, y, 2, o, gen);
}

export interface CirclesOptions extends SyntheticOptions {
  /** Radius of the inner circle relative to the outer one (0 < factor < 1). */
  factor?: number;
}

/** A small circle inside a large one (sklearn.datasets.make_circles): class 0 outside. */
export function make_circles(...args: PyArgs<[n_samples?: number], CirclesOptions>): ToyDataset {
  const { n, o } = settings<CirclesOptions>("make_circles", args, ["factor"]);
  const factor = o.factor ?? 0.8;
  if (!(factor >= 0 && factor < 1)) throw new ValueError("'factor' has to be between 0 and 1.");
  const [nOut, nIn] = o.weights ? classCounts(n, 2, o.weights) : [Math.floor(n / 2), n - Math.floor(n / 2)];
  const gen = generatorOf(o);
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  const tOut = linspace(0, 2 * Math.PI, nOut, false);
  const tIn = linspace(0, 2 * Math.PI, nIn, false);
  for (let i = 0; i < nOut; i++) {
    X[2 * i] = Math.cos(tOut[i]);
    X[2 * i + 1] = Math.sin(tOut[i]);
  }
  for (let i = 0; i < nIn; i++) {
    const k = nOut + i;
    X[2 * k] = Math.cos(tIn[i]) * factor;
    X[2 * k + 1] = Math.sin(tIn[i]) * factor;
    y[k] = 1;
  }
  return finish(X, y, 2, o, gen);
}

export interface SpiralOptions extends SyntheticOptions {
  /** Number of arms (classes), default 2. */
  n_classes?: number;
  /** How far each arm winds, in turns (default 0.75). */
  turns?: number;
}

/**
 * Interleaved spiral arms, one per class (the CS231n toy problem): radius grows linearly
 * from 0 to 1 along each arm, arms are rotated 2*pi/K apart, and `noise` (default 0.2)
 * jitters the angle, in radians.
 */
export function make_spirals(...args: PyArgs<[n_samples?: number], SpiralOptions>): ToyDataset {
  const { n, o } = settings<SpiralOptions>("make_spirals", args, ["n_classes", "turns"]);
  const K = o.n_classes ?? 2;
  const turns = o.turns ?? 0.75;
  const angleNoise = o.noise === undefined ? 0.2 : (o.noise ?? 0);
  const counts = classCounts(n, K, o.weights);
  const gen = generatorOf(o);
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  let k = 0;
  for (let c = 0; c < K; c++) {
    const r = linspace(0, 1, counts[c]);
    for (let i = 0; i < counts[c]; i++, k++) {
      const t = (2 * Math.PI * c) / K + r[i] * turns * 2 * Math.PI + gen.normal() * angleNoise;
      X[2 * k] = r[i] * Math.sin(t);
      X[2 * k + 1] = r[i] * Math.cos(t);
      y[k] = c;
    }
  }
  // The noise is in the angle already; finish only shuffles.
  return finish(X, y, 2, { ...o, noise: 0 }, gen);
}

export interface BlobsOptions extends SyntheticOptions {
  /** Number of centers (drawn uniformly in center_box) or their coordinates. Default 3. */
  centers?: number | readonly (readonly number[])[];
  n_features?: number;
  /** Standard deviation of each cluster (one value or one per center). Default 1. */
  cluster_std?: number | readonly number[];
  center_box?: readonly [number, number];
}

/** Isotropic Gaussian clusters (sklearn.datasets.make_blobs); class c is cluster c. */
export function make_blobs(...args: PyArgs<[n_samples?: number], BlobsOptions>): ToyDataset {
  const { n, o } = settings<BlobsOptions>("make_blobs", args, ["centers", "n_features", "cluster_std", "center_box"]);
  const gen = generatorOf(o);
  let centers: number[][];
  let nFeatures = o.n_features ?? 2;
  if (Array.isArray(o.centers)) {
    centers = o.centers.map((c) => c.slice());
    nFeatures = centers[0].length;
  } else {
    const k = typeof o.centers === "number" ? o.centers : 3;
    const [lo, hi] = o.center_box ?? [-10, 10];
    centers = Array.from({ length: k }, () => Array.from({ length: nFeatures }, () => lo + (hi - lo) * gen.uniform53()));
  }
  const K = centers.length;
  const std = o.cluster_std ?? 1;
  const stds: readonly number[] = typeof std === "number" ? new Array<number>(K).fill(std) : std;
  const counts = classCounts(n, K, o.weights);
  const X = new Float64Array(n * nFeatures);
  const y = new Int32Array(n);
  let k = 0;
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < counts[c]; i++, k++) {
      for (let f = 0; f < nFeatures; f++) X[k * nFeatures + f] = centers[c][f] + stds[c] * gen.normal();
      y[k] = c;
    }
  }
  return finish(X, y, nFeatures, { ...o, noise: 0 }, gen);
}
