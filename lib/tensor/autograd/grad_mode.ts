/**
 * Global grad mode. Ops record a backward node only while grad mode is on; backward
 * functions themselves run with it off so computing gradients never builds a new graph.
 */
import { TypeError_ } from "../errors";
let enabled = true;

export function is_grad_enabled(): boolean {
  return enabled;
}

/**
 * `torch.set_grad_enabled(false)` switches recording off until switched back;
 * `torch.set_grad_enabled(phase === "train", () => ...)` runs fn in that mode (PyTorch's
 * `with torch.set_grad_enabled(...)`) and returns its result.
 */
export function set_grad_enabled(mode: boolean): void;
export function set_grad_enabled<T>(mode: boolean, fn: () => T): T;
export function set_grad_enabled<T>(mode: boolean, fn?: () => T): T | void {
  if (fn) return withMode(Boolean(mode), fn);
  enabled = Boolean(mode);
}

function withMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** `torch.no_grad(() => ...)`: runs fn without recording and returns its result. */
export function no_grad<T>(fn: () => T): T;
/** `torch.no_grad()` with no function: PyTorch's decorator form, `const f = torch.no_grad()(g)` for `@torch.no_grad()`. */
export function no_grad(): GradModeDecorator;
export function no_grad<T>(fn?: () => T): T | GradModeDecorator {
  if (typeof fn === "function") return withMode(false, runNow("no_grad", fn));
  return fn === undefined ? decorator(false) : badCall("no_grad", fn);
}

/** `torch.enable_grad(() => ...)`: re-enables recording inside a no_grad region (`torch.enable_grad()` decorates). */
export function enable_grad<T>(fn: () => T): T;
export function enable_grad(): GradModeDecorator;
export function enable_grad<T>(fn?: () => T): T | GradModeDecorator {
  if (typeof fn === "function") return withMode(true, runNow("enable_grad", fn));
  return fn === undefined ? decorator(true) : badCall("enable_grad", fn);
}

/**
 * torch.no_grad(fn) is the `with` block: fn runs now, with no arguments. A function that needs
 * arguments was meant to be decorated (`@torch.no_grad() def split_loss(split)`), which is
 * torch.no_grad()(fn); running it with undefined arguments would fail later, far from the cause.
 */
function runNow<T>(name: string, fn: () => T): () => T {
  if (fn.length > 0) {
    throw new TypeError_(
      `${name}(fn) runs fn now with no arguments (Python's \`with torch.${name}():\`), but fn takes ${fn.length}; ` +
        `to decorate a function as @torch.${name}() does, write torch.${name}()(fn)`,
    );
  }
  return fn;
}

/** PyTorch's TypeError for an argument the grad-mode context managers do not take. */
function badCall(name: string, arg: unknown): never {
  if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) {
    throw new TypeError_(`${name}() got an unexpected keyword argument '${Object.keys(arg)[0] ?? ""}'`);
  }
  throw new TypeError_(`${name}() takes a function to run (or nothing, as a decorator), not ${typeof arg}`);
}

/** Wraps a function so every call runs in one grad mode (Python's `@torch.no_grad()` / `@torch.enable_grad()`). */
export type GradModeDecorator = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R;
function decorator(mode: boolean): GradModeDecorator {
  return <A extends unknown[], R>(f: (...args: A) => R) => {
    if (typeof f !== "function") throw new TypeError_(`${mode ? "enable_grad" : "no_grad"}() decorates a function, got ${typeof f}`);
    return (...args: A): R => withMode(mode, () => f(...args));
  };
}

/**
 * Anomaly detection (torch.autograd.set_detect_anomaly / detect_anomaly): while on, ops keep
 * the stack trace of where they ran and backward raises as soon as a node returns NaN,
 * naming it ("Function 'LogBackward0' returned nan values in its 0th output.").
 */
let anomaly = false;

export function is_anomaly_enabled(): boolean {
  return anomaly;
}

/** With check_nan off (torch.set_anomaly_enabled(true, false)), anomaly mode keeps traces but backward does not test for NaN. */
let anomalyCheckNan = true;

export function is_anomaly_check_nan_enabled(): boolean {
  return anomalyCheckNan;
}

export function set_detect_anomaly(mode: boolean, check_nan = true): void {
  anomaly = Boolean(mode);
  anomalyCheckNan = Boolean(check_nan);
}

/** `torch.autograd.detect_anomaly(() => { ...; loss.backward(); })`: anomaly mode for fn only. */
export function detect_anomaly<T>(fn: () => T): T {
  const prev = anomaly;
  anomaly = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
  }
}
