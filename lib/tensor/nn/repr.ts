/**
 * Python-style value formatting for module printing, so `String(model)` matches what
 * `print(model)` shows in PyTorch (e.g. `eps=1e-05`, `alpha=1.0`, `bias=True`).
 */

/** Python's repr() of a float: shortest round-trip digits, ".0" on integers, "1e-05" exponents. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e");
  const exp = Number(expStr);
  // Python switches to scientific notation below 1e-4 and from 1e16 on.
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A number the user passed where PyTorch's default is an int (Softplus beta): no ".0" added. */
export function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

export function pyBool(b: boolean): string {
  return b ? "True" : "False";
}

export function pyStr(s: string): string {
  return `'${s}'`;
}

/** torch.nn.modules.module._addindent: indents every line but the first. */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split("\n");
  if (lines.length === 1) return s;
  const pad = " ".repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}

/** torch.Size([3, 2]) as PyTorch prints it in error messages. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}
