/**
 * PyTorch-style printing, a port of torch/_tensor_str.py (1.13): one formatter per tensor
 * chooses integer, fixed (precision 4) or scientific mode from the nonzero finite values,
 * pads every element to a common width, wraps 1-D rows at 80 columns and summarises tensors
 * above 1000 elements with `...` (3 edge items). Python's number formatting is reproduced,
 * including round-half-even at exact ties, so strings match real torch output.
 */
import { get_default_dtype } from "./default_dtype";
import { bool, int64 } from "./dtype";
import type { Tensor } from "./tensor";

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

const PRINT_OPTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };

/** torch.set_printoptions({ precision, threshold, edgeitems, linewidth, sci_mode, profile }). */
export function set_printoptions(opts: Partial<PrintOptions> & { profile?: "default" | "short" | "full" } = {}): void {
  if (opts.profile === "default") Object.assign(PRINT_OPTS, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
  if (opts.profile === "short") Object.assign(PRINT_OPTS, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
  if (opts.profile === "full") Object.assign(PRINT_OPTS, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
  for (const k of ["precision", "threshold", "edgeitems", "linewidth"] as const) if (opts[k] !== undefined) PRINT_OPTS[k] = opts[k]!;
  if (opts.sci_mode !== undefined) PRINT_OPTS.sci_mode = opts.sci_mode;
}

export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

/** Rounds the digit string at `keep` digits with round-half-even on exact ties (Python's rule). */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  if (rest.length === 0) return { digits: head, carry: false };
  const first = rest.charCodeAt(0) - 48;
  const tail = rest.slice(1);
  const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(tail) || (head.length > 0 && (head.charCodeAt(head.length - 1) - 48) % 2 === 1)));
  if (!roundUp) return { digits: head, carry: false };
  const arr = head.split("").map((c) => c.charCodeAt(0) - 48);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i] < 9) {
      arr[i]++;
      break;
    }
    arr[i] = 0;
    i--;
  }
  const out = arr.join("");
  return i < 0 ? { digits: "1" + out, carry: true } : { digits: out, carry: false };
}

/** Python's "{:.pf}".format(x). */
export function formatFixed(x: number, p: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const neg = x < 0 || Object.is(x, -0);
  // toFixed with many digits is exact for doubles in printable ranges; round ourselves.
  const exact = Math.abs(x).toFixed(Math.min(100, p + 60));
  const [ip, fp] = exact.split(".");
  const { digits } = roundDigits(ip + fp, ip.length + p);
  const intLen = digits.length - p;
  const s = p > 0 ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}` : digits;
  return (neg ? "-" : "") + s;
}

/** Python's "{:.pe}".format(x). */
export function formatSci(x: number, p: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let mant: string;
  let exp: number;
  if (ax === 0) {
    mant = p > 0 ? "0." + "0".repeat(p) : "0";
    exp = 0;
  } else {
    const exact = ax.toExponential(Math.min(100, p + 60));
    const [m, e] = exact.split("e");
    exp = Number(e);
    const { digits, carry } = roundDigits(m.replace(".", ""), p + 1);
    const d = carry ? digits.slice(0, p + 1) : digits;
    if (carry) exp += 1;
    mant = p > 0 ? `${d[0]}.${d.slice(1)}` : d;
  }
  const es = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return `${neg ? "-" : ""}${mant}e${es}`;
}

class Formatter {
  private floating: boolean;
  private isBool: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(values: number[], floating: boolean, isBool: boolean) {
    this.floating = floating;
    this.isBool = isBool;
    const p = PRINT_OPTS.precision;
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.raw(v).length);
    } else {
      const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
      if (nz.length > 0) {
        const abs = nz.map(Math.abs);
        const min = Math.min(...abs);
        const max = Math.max(...abs);
        this.intMode = nz.every((v) => v === Math.ceil(v));
        if (this.intMode) {
          if (max / min > 1000 || max > 1e8) {
            this.sciMode = true;
            for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatSci(v, p).length);
          } else for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
        } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
          this.sciMode = true;
          for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatSci(v, p).length);
        } else for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
      }
      if (PRINT_OPTS.sci_mode !== null) this.sciMode = PRINT_OPTS.sci_mode;
    }
  }

  private raw(v: number): string {
    if (this.isBool) return v !== 0 ? "True" : "False";
    return String(v);
  }

  format(v: number): string {
    let s: string;
    if (this.floating) {
      if (this.sciMode) s = formatSci(v, PRINT_OPTS.precision);
      else if (this.intMode) {
        s = formatFixed(v, 0);
        if (Number.isFinite(v)) s += ".";
      } else s = formatFixed(v, PRINT_OPTS.precision);
    } else s = this.raw(v);
    return s.padStart(this.maxWidth, " ");
  }
}

/** Elements the formatter looks at: only the printed edges when summarising. */
function summarizedValues(t: Tensor, summarize: boolean, out: number[], dim = 0, off = t._offset): void {
  if (t.dim() === 0) {
    out.push(t._data[off]);
    return;
  }
  if (dim === t.dim()) {
    out.push(t._data[off]);
    return;
  }
  const n = t.shape[dim];
  const e = PRINT_OPTS.edgeitems;
  const idx = summarize && n > 2 * e ? [...Array(e).keys(), ...Array.from({ length: e }, (_, i) => n - e + i)] : [...Array(n).keys()];
  for (const i of idx) summarizedValues(t, summarize, out, dim + 1, off + i * t._strides[dim]);
}

/** How one element at a storage offset prints, and its width (a complex one is two formatters' widths + 1). */
interface ElementFormat {
  width: number;
  format(off: number): string;
}

const realElements = (t: Tensor, f: Formatter): ElementFormat => ({ width: f.maxWidth, format: (off) => f.format(t._data[off]) });

function vectorStr(t: Tensor, off: number, dim: number, indent: number, summarize: boolean, f: ElementFormat): string {
  const elementLength = f.width + 2;
  const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const n = t.shape[dim];
  const st = t._strides[dim];
  const e = PRINT_OPTS.edgeitems;
  let data: string[];
  if (summarize && n > 2 * e) {
    data = [];
    for (let i = 0; i < e; i++) data.push(f.format(off + i * st));
    data.push(" ...");
    for (let i = n - e; i < n; i++) data.push(f.format(off + i * st));
  } else {
    data = [];
    for (let i = 0; i < n; i++) data.push(f.format(off + i * st));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
}

function tensorStr(t: Tensor, off: number, dim: number, indent: number, summarize: boolean, f: ElementFormat): string {
  const remaining = t.dim() - dim;
  if (remaining === 0) return f.format(off);
  if (remaining === 1) return vectorStr(t, off, dim, indent, summarize, f);
  const n = t.shape[dim];
  const e = PRINT_OPTS.edgeitems;
  const sub = (i: number): string => tensorStr(t, off + i * t._strides[dim], dim + 1, indent + 1, summarize, f);
  let slices: string[];
  if (summarize && n > 2 * e) {
    slices = [];
    for (let i = 0; i < e; i++) slices.push(sub(i));
    slices.push("...");
    for (let i = n - e; i < n; i++) slices.push(sub(i));
  } else slices = Array.from({ length: n }, (_, i) => sub(i));
  return "[" + slices.join("," + "\n".repeat(remaining - 1) + " ".repeat(indent + 1)) + "]";
}

/** torch's _add_suffixes; `forceNewline` puts the first suffix on a line of its own (sparse tensors, sparse/format.ts). */
export function addSuffixes(tensorString: string, suffixes: string[], indent: number, forceNewline = false): string {
  const parts = [tensorString];
  let lastLineLen = tensorString.length - tensorString.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (forceNewline || lastLineLen + s.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(",\n" + " ".repeat(indent) + s);
      lastLineLen = indent + s.length;
      forceNewline = false;
    } else {
      parts.push(", " + s);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

export function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The tensor's body only (what PyTorch's _tensor_str returns), for a given indent. */
export function formatData(t: Tensor, indent = 7): string {
  if (t.numel() === 0) return "[]";
  const summarize = t.numel() > PRINT_OPTS.threshold;
  const values: number[] = [];
  summarizedValues(t, summarize, values);
  const f = new Formatter(values, t.dtype.is_floating_point, t.dtype === bool);
  return tensorStr(t, t._offset, 0, indent, summarize, realElements(t, f));
}

/**
 * A complex tensor's body, given its real and imaginary parts (views with equal shapes and strides over one storage,
 * the imaginary part one element after the real one): torch's two formatters, `1.0000+2.0000j`, `1.-2.j`.
 */
export function formatComplexData(re: Tensor, im: Tensor, indent: number): string {
  if (re.numel() === 0) return "[]";
  const summarize = re.numel() > PRINT_OPTS.threshold;
  const rv: number[] = [];
  const iv: number[] = [];
  summarizedValues(re, summarize, rv);
  summarizedValues(im, summarize, iv);
  const f1 = new Formatter(rv, true, false);
  const f2 = new Formatter(iv, true, false);
  const shift = im._offset - re._offset;
  const elements: ElementFormat = {
    width: f1.maxWidth + f2.maxWidth + 1,
    format: (off) => {
      const real = f1.format(re._data[off]);
      const imag = (f2.format(re._data[off + shift]) + "j").trimStart();
      return imag[0] === "+" || imag[0] === "-" ? real + imag : real + "+" + imag;
    },
  };
  return tensorStr(re, re._offset, 0, indent, summarize, elements);
}

/** repr of a complex tensor from its parts: dtype shown unless it is the default float's complex dtype. */
export function formatComplexTensor(re: Tensor, im: Tensor, dtypeName: string, gradFn: string | null, requiresGrad: boolean, prefix = "tensor("): string {
  const indent = prefix.length;
  const suffixes: string[] = [];
  const defaultComplex = get_default_dtype().name === "float64" ? "complex128" : "complex64";
  if (re.numel() === 0 && re.dim() !== 1) suffixes.push(`size=${pyTuple(re.shape)}`);
  if (dtypeName !== defaultComplex) suffixes.push(`dtype=torch.${dtypeName}`);
  const body = formatComplexData(re, im, indent);
  if (gradFn) suffixes.push(`grad_fn=<${gradFn}>`);
  else if (requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent);
}

/** `tensor([[ 0.1000, -0.2000]], grad_fn=<AddmmBackward0>)`, like repr() of a torch tensor. */
export function formatTensor(t: Tensor, prefix = "tensor("): string {
  const indent = prefix.length;
  const suffixes: string[] = [];
  // torch omits the default float dtype (float64 after set_default_dtype), int64 and bool; it names float32 then
  const defaultFloat = get_default_dtype();
  const defaultDtype = t.dtype === defaultFloat || t.dtype === int64 || t.dtype === bool;
  let body: string;
  if (t.numel() === 0) {
    if (t.dim() !== 1) suffixes.push(`size=${pyTuple(t.shape)}`);
    if (t.dtype !== defaultFloat) suffixes.push(`dtype=${t.dtype}`);
    body = "[]";
  } else {
    if (!defaultDtype) suffixes.push(`dtype=${t.dtype}`);
    body = formatData(t, indent);
  }
  if (t.grad_fn) suffixes.push(`grad_fn=<${t.grad_fn._name}>`); // the class name: <CopySlices>, where name() says torch::autograd::CopySlices
  else if (t.requires_grad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent);
}

