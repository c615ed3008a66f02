/**
 * Python's warnings.warn as the engine shows torch's UserWarnings. Under Python's default filter a
 * warning raised from the same call site is shown once (torch's Python warnings.warn and its C++
 * TORCH_WARN, which reaches Python as a warning, alike; TORCH_WARN_ONCE is once per process), so a
 * training loop calling F.dropout2d on a 2-D input warns once, not at every step. The engine has no
 * call sites to key on: it shows each message once (a message naming other shapes is shown again).
 * Checked against torch 1.13 for every warning routed here (two or three calls in a loop warn once).
 * Not routed here: set_float32_matmul_precision's (torch's C++ logs it at every call, not as a
 * Python warning) and the engine's own notices.
 */

/** The messages already shown. */
const shown = new Set<string>();

/** Shows `message` (written "UserWarning: ..." as Python prints it) the first time it comes. */
export function warnOnce(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  console.warn(message);
}

/**
 * For tests: shows every warning again. The tensor test projects share the engine's module state across
 * files (isolate: false), so a test that expects a warning calls this first (e.g. in beforeEach).
 */
export function forgetShownWarnings(): void {
  shown.clear();
}
