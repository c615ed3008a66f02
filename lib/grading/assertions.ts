/**
 * The assertion library exercise checks use, in scope as `expect`. It understands tensors:
 * messages say what differed (shape, the first differing index with expected and actual
 * values, the step and accuracy a training run reached), in words a learner can act on.
 *
 * The same code runs in the kernel worker ("Check") and in the server's sandbox ("Submit").
 * It captures the built-ins it relies on when the module loads, so a learner who later
 * replaces `Math.abs` or `Array.prototype.every` does not change what a check concludes.
 */
import { F, optim, torch, Tensor } from "../tensor";
import { describe, fail, formatNumber, formatNumberish, formatShape, unflattenIndex } from "./assertion-failure";
import { gradcheck, type GradcheckOptions } from "./gradcheck";
import { MathAbs, MathMax, NumberIsNaN, NumberIsFinite, ArrayIsArray, ObjectFreeze, ObjectIs, StringOf, JsonStringify } from "./primordials";

export { AssertionError, formatNumber, unflattenIndex } from "./assertion-failure";
export type { GradcheckOptions } from "./gradcheck";

export interface CloseOptions {
  /** Relative tolerance (default 1e-5, like torch.allclose). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8, like torch.allclose). */
  atol?: number;
  /** Treat NaN as equal to NaN (default false). */
  equal_nan?: boolean;
  /** Prefix for the failure message, e.g. "leaky_relu(x, 0.1)". */
  what?: string;
}

/** Something with a forward pass and parameters: an nn.Module, or anything shaped like one. */
interface Trainable {
  (input: Tensor): Tensor;
  parameters(): Iterable<Tensor>;
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

export interface TrainsOptions {
  /** Builds a fresh model; called after seeding, so its initial weights repeat. */
  build?: () => Trainable;
  /** A model to train in place (use `build` when the seed should decide its weights). */
  model?: Trainable;
  /** Inputs and targets: class indices (int64) for several outputs, 0/1 floats for one output. */
  data: readonly [Tensor, Tensor] | { x: Tensor; y: Tensor };
  steps: number;
  seed?: number;
  min_accuracy: number;
  lr?: number;
  optimizer?: "sgd" | "adam";
  /** Mini-batch size; the whole set each step when omitted. */
  batch_size?: number;
}

export interface TrainsReport {
  accuracy: number;
  loss: number;
  steps: number;
}

interface Values {
  shape: readonly number[];
  values: ArrayLike<number>;
}

/** A tensor, a number or a (nested) array of numbers as a shape plus row-major values. */
function valuesOf(value: unknown, role: "actual" | "expected", what: string): Values {
  if (value instanceof Tensor) {
    const flat = value.detach().contiguous();
    return { shape: value.shape, values: flat._data.subarray(flat._offset, flat._offset + flat.numel()) };
  }
  if (typeof value === "number" || typeof value === "boolean") return { shape: [], values: [Number(value)] };
  if (ArrayIsArray(value)) {
    const shape: number[] = [];
    let level: unknown = value;
    while (ArrayIsArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const values: number[] = [];
    const walk = (node: unknown, depth: number) => {
      if (depth === shape.length) {
        if (typeof node !== "number" && typeof node !== "boolean") fail(`${what}: the ${role} array holds ${describe(node)}, not a number`);
        values.push(Number(node));
        return;
      }
      if (!ArrayIsArray(node) || node.length !== shape[depth]) fail(`${what}: the ${role} array is ragged (not every row has ${shape[depth]} entries)`);
      for (const child of node) walk(child, depth + 1);
    };
    walk(value, 0);
    return { shape, values };
  }
  return fail(role === "actual" ? `${what}: expected a tensor or number but got ${describe(value)}` : `${what}: the expected value is ${describe(value)}, not a tensor or number`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeCheck(actual: unknown, shape: readonly number[], message?: string): void {
  if (!(actual instanceof Tensor)) fail(`${message ? `${message}: ` : ""}expected a tensor of shape ${formatShape(shape)} but got ${describe(actual)}`);
  if (!sameShape(actual.shape, shape)) fail(`${message ? `${message}: ` : ""}expected shape ${formatShape(shape)} but got ${formatShape(actual.shape)}`);
}

function allclose(actual: unknown, expected: unknown, options: CloseOptions = {}): void {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const what = options.what ?? "values";
  if (expected instanceof Tensor && !(actual instanceof Tensor)) fail(`${what}: expected a tensor of shape ${formatShape(expected.shape)} but got ${describe(actual)}`);
  const a = valuesOf(actual, "actual", what);
  const e = valuesOf(expected, "expected", what);
  if (!sameShape(a.shape, e.shape)) fail(`${what}: expected shape ${formatShape(e.shape)} but got ${formatShape(a.shape)}`);
  let firstBad = -1;
  let badCount = 0;
  let worst = 0;
  for (let i = 0; i < e.values.length; i++) {
    const got = a.values[i];
    const want = e.values[i];
    const bothNan = NumberIsNaN(got) && NumberIsNaN(want);
    const close = bothNan ? options.equal_nan === true : ObjectIs(got, want) || MathAbs(got - want) <= atol + rtol * MathAbs(want);
    if (!close) {
      badCount++;
      if (firstBad === -1) firstBad = i;
      const diff = MathAbs(got - want);
      worst = NumberIsNaN(diff) ? worst : MathMax(worst, diff);
    }
  }
  if (firstBad === -1) return;
  const where = e.shape.length === 0 ? "" : ` at index ${formatShape(unflattenIndex(firstBad, e.shape))}`;
  fail(
    `${what} differ${where}: expected ${formatNumber(e.values[firstBad])} but got ${formatNumber(a.values[firstBad])}` +
      (e.values.length > 1 ? ` (${badCount} of ${e.values.length} elements differ` + (worst > 0 ? `, largest difference ${formatNumber(worst)}` : "") + ")" : "") +
      `; tolerance: atol=${atol}, rtol=${rtol}`,
  );
}

function deepEqual(actual: unknown, expected: unknown, path: string): string | null {
  if (expected instanceof Tensor || actual instanceof Tensor) {
    try {
      allclose(actual, expected, { rtol: 0, atol: 0, equal_nan: true, what: path || "values" });
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (ArrayIsArray(expected)) {
    if (!ArrayIsArray(actual)) return `${path || "value"}: expected an array of length ${expected.length} but got ${describe(actual)}`;
    if (actual.length !== expected.length) return `${path || "value"}: expected an array of length ${expected.length} but got length ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const inner = deepEqual(actual[i], expected[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return `${path || "value"}: expected an object but got ${describe(actual)}`;
    for (const key of Object.keys(expected)) {
      const inner = deepEqual((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return null;
  }
  if (ObjectIs(actual, expected) || actual === expected) return null;
  return `${path || "value"}: expected ${formatNumberish(expected)} but got ${formatNumberish(actual)}`;
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  const difference = deepEqual(actual, expected, "");
  if (difference) fail(message ? `${message}: ${difference}` : difference);
}

function truthy(condition: unknown, message: string): void {
  if (!condition) fail(message);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return StringOf(error);
}

function throws(fn: () => unknown, mentioning?: RegExp | string, message?: string): void {
  if (typeof fn !== "function") fail("expect.throws needs a function to call, e.g. expect.throws(() => f(bad_input), /shape/)");
  const prefix = message ? `${message}: ` : "";
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  const wanted = mentioning === undefined ? "" : ` mentioning ${typeof mentioning === "string" ? JsonStringify(mentioning) : StringOf(mentioning)}`;
  if (!threw) fail(`${prefix}expected an error${wanted}, but the call returned normally`);
  if (mentioning === undefined) return;
  const text = thrown instanceof Error ? thrown.message : StringOf(thrown);
  const matches = typeof mentioning === "string" ? text.includes(mentioning) : mentioning.test(text);
  if (!matches) fail(`${prefix}expected an error${wanted}, but got ${JsonStringify(errorText(thrown))}`);
}

function trainsData(data: TrainsOptions["data"]): [Tensor, Tensor] {
  const pair = ArrayIsArray(data) ? data : [(data as { x: Tensor }).x, (data as { y: Tensor }).y];
  const [x, y] = pair as [unknown, unknown];
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) fail("expect.trains: data must be [inputs, targets] tensors");
  if (x.shape[0] !== y.shape[0]) fail(`expect.trains: ${x.shape[0]} inputs but ${y.shape[0]} targets`);
  return [x, y];
}

/** Loss and accuracy for a batch: one output column means binary logits, several mean classes. */
function lossAndAccuracy(logits: Tensor, y: Tensor): { loss: Tensor; correct: number } {
  const columns = logits.shape.length === 1 ? 1 : logits.shape[logits.shape.length - 1];
  if (columns === 1) {
    const flatLogits = logits.reshape([-1]);
    const target = y.reshape([-1]).to(torch.float32);
    const loss = F.binary_cross_entropy_with_logits(flatLogits, target);
    const predicted = flatLogits.detach().gt(0).to(torch.float32);
    return { loss, correct: predicted.eq(target).sum().item() };
  }
  const loss = F.cross_entropy(logits, y);
  return { loss, correct: logits.detach().argmax(1).eq(y).sum().item() };
}

function trains(options: TrainsOptions): TrainsReport {
  if (!options || typeof options !== "object") fail("expect.trains needs options: { build, data, steps, seed, min_accuracy }");
  const seed = options.seed ?? 0;
  const steps = options.steps;
  if (!(steps > 0)) fail("expect.trains: steps must be a positive number");
  torch.manual_seed(seed);
  const model = options.build ? options.build() : options.model;
  if (!model || typeof model !== "function" || typeof model.parameters !== "function") {
    fail(`expect.trains: expected a model (an nn.Module) from ${options.build ? "build()" : "model"} but got ${describe(model)}`);
  }
  const [x, y] = trainsData(options.data);
  const parameters = [...model.parameters()];
  if (parameters.length === 0) fail("expect.trains: the model has no parameters to train");
  const lr = options.lr ?? (options.optimizer === "sgd" ? 0.1 : 0.01);
  const optimizer = options.optimizer === "sgd" ? new optim.SGD(parameters, { lr }) : new optim.Adam(parameters, { lr });
  const n = x.shape[0];
  const batch = options.batch_size ?? n;
  model.train?.(true);
  let lastLoss = NaN;
  for (let step = 0; step < steps; step++) {
    const start = (step * batch) % n;
    const end = Math.min(start + batch, n);
    const xb = batch >= n ? x : x.narrow(0, start, end - start);
    const yb = batch >= n ? y : y.narrow(0, start, end - start);
    optimizer.zero_grad();
    const { loss } = lossAndAccuracy(model(xb), yb);
    lastLoss = loss.item();
    if (!NumberIsFinite(lastLoss)) fail(`expect.trains: the loss became ${formatNumber(lastLoss)} at step ${step + 1} of ${steps} (seed ${seed}); is the learning rate too high or a log of 0 taken?`);
    loss.backward();
    optimizer.step();
  }
  model.eval?.();
  const { loss, correct } = torch.no_grad(() => lossAndAccuracy(model(x), y));
  const accuracy = correct / n;
  const report = { accuracy, loss: loss.item(), steps };
  if (!(accuracy >= options.min_accuracy)) {
    fail(
      `expected to train to at least ${formatNumber(options.min_accuracy * 100)}% accuracy within ${steps} steps with seed ${seed}, ` +
        `but reached ${formatNumber(accuracy * 100)}% (final loss ${formatNumber(report.loss)}, last training loss ${formatNumber(lastLoss)})`,
    );
  }
  return report;
}

export interface Expect {
  shape(actual: unknown, shape: readonly number[], message?: string): void;
  allclose(actual: unknown, expected: unknown, options?: CloseOptions): void;
  equal(actual: unknown, expected: unknown, message?: string): void;
  true(condition: unknown, message: string): void;
  throws(fn: () => unknown, mentioning?: RegExp | string, message?: string): void;
  gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: GradcheckOptions): void;
  trains(options: TrainsOptions): TrainsReport;
}

/** The frozen `expect` object checks receive. */
export const expect: Expect = ObjectFreeze({
  shape: shapeCheck,
  allclose,
  equal,
  true: truthy,
  throws,
  gradcheck: (fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: GradcheckOptions) => void gradcheck(fn, inputs, options),
  trains,
});
