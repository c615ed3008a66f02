/**
 * Global grad mode. Ops record a backward node only while grad mode is on; backward
 * functions themselves run with it off so computing gradients never builds a new graph.
 */
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
export function no_grad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** `torch.enable_grad(() => ...)`: re-enables recording inside a no_grad region. */
export function enable_grad<T>(fn: () => T): T {
  return withMode(true, fn);
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
