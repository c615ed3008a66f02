/**
 * ATen's C++ printing of a tensor (aten/src/ATen/core/Formatting.cpp, torch 1.13), which some of torch's error messages
 * embed (torch.meshgrid's "Expected 0D or 1D tensor in the tensor list but got: ..."): one common format for all values
 * (integers by %g in expMax + 1 columns, else fixed with 4 decimals, scaled or scientific by the exponent range),
 * matrices row by row, higher ranks as "(i,j,.,.) = " slices with the leading dims varying fastest, then the footer
 * "[ torch.FloatTensor{2,2} ]" ("[ CPUBoolType{1,2} ]" for bool). Line wrapping ("Columns a to b") at 80 characters as ATen's.
 */
import { cppTypeName } from "./dtype";
import type { Tensor } from "./tensor";

/** C++'s defaultfloat (printf %g, precision 6). */
function fmtG(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -4 || e >= 6) {
    const [m, x] = v.toExponential(5).split("e");
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const n = Number(x);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = v.toPrecision(6);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** C++'s scientific with precision 4 (1.0000e+10). */
function fmtE(v: number): string {
  if (!Number.isFinite(v)) return fmtG(v);
  const [m, x] = v.toExponential(4).split("e");
  const n = Number(x);
  return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

type Format = { scale: number; sz: number; fmt: (v: number) => string };

/** __printFormat: the scale, field width and number format shared by every value printed. */
function printFormat(vals: readonly number[]): Format {
  if (vals.length === 0) return { scale: 1, sz: 0, fmt: fmtG };
  const intMode = vals.every((z) => !Number.isFinite(z) || z === Math.ceil(z));
  const offset = vals.findIndex((z) => Number.isFinite(z));
  let expMin = 1;
  let expMax = 1;
  if (offset >= 0) {
    expMin = Math.abs(vals[offset]);
    expMax = Math.abs(vals[offset]);
    for (let i = offset; i < vals.length; i++) {
      const z = Math.abs(vals[i]);
      if (Number.isFinite(z)) {
        if (z < expMin) expMin = z;
        if (vals[i] > expMax) expMax = z; // ATen compares the signed value here
      }
    }
    expMin = expMin !== 0 ? Math.floor(Math.log10(expMin)) + 1 : 1;
    expMax = expMax !== 0 ? Math.floor(Math.log10(expMax)) + 1 : 1;
  }
  const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : fmtG(v));
  if (intMode) return expMax > 9 ? { scale: 1, sz: 11, fmt: fmtE } : { scale: 1, sz: expMax + 1, fmt: fmtG };
  if (expMax - expMin > 4) return { scale: 1, sz: Math.abs(expMax) > 99 || Math.abs(expMin) > 99 ? 12 : 11, fmt: fmtE };
  if (expMax > 5 || expMax < 0) return { scale: 10 ** (expMax - 1), sz: 7, fmt: fixed };
  return { scale: 1, sz: expMax === 0 ? 7 : expMax + 6, fmt: fixed };
}

const cell = (f: Format, v: number) => f.fmt(v / f.scale).padStart(f.sz);

/** __printMatrix: rows of a [r, c] block (row-major values), indented, split into column groups at linesize. */
function printMatrix(vals: readonly number[], rows: number, cols: number, indent: number, linesize = 80): string {
  const f = printFormat(vals);
  const pad = " ".repeat(indent);
  let s = pad;
  const perLine = Math.floor((linesize - indent) / (f.sz + 1));
  for (let first = 0; first < cols; ) {
    const last = first + perLine <= cols ? first + perLine - 1 : cols - 1;
    if (perLine < cols) {
      if (first !== 0) s += "\n";
      s += `Columns ${first + 1} to ${last + 1}` + pad;
    }
    if (f.scale !== 1) s += `${fmtG(f.scale)} *\n` + pad;
    for (let l = 0; l < rows; l++) {
      for (let c = first; c <= last; c++) {
        s += cell(f, vals[l * cols + c]);
        if (c === last) {
          s += "\n";
          if (l !== rows - 1) s += f.scale !== 1 ? pad + " " : pad;
        } else s += " ";
      }
    }
    first = last + 1;
  }
  return s;
}

/** std::cout << tensor, as ATen prints it into an error message. */
export function atenPrint(t: Tensor): string {
  const vals = (t.detach().reshape(-1).tolist() as (number | boolean)[]).map(Number);
  const shape = t.shape;
  // the legacy Python type name, which bool lacks (ATen then prints the backend's type: CPUBoolType)
  const name = t.dtype.name === "bool" ? "CPUBoolType" : `torch.${cppTypeName(t.dtype)}Tensor`;
  let body = "";
  if (shape.length === 0) body = `${fmtG(vals[0])}\n`;
  else if (shape.length === 1) {
    const f = printFormat(vals);
    if (vals.length > 0 && f.scale !== 1) body += `${fmtG(f.scale)} *\n`;
    for (const v of vals) body += `${cell(f, v)}\n`;
  } else if (shape.length === 2) {
    if (vals.length > 0) body = printMatrix(vals, shape[0], shape[1], 0);
  } else if (vals.length > 0) {
    const lead = shape.slice(0, -2);
    const [r, c] = shape.slice(-2);
    const counter = lead.map(() => 0);
    const slices: string[] = [];
    for (let k = 0; k < numelOfLead(lead); k++) {
      let off = 0;
      for (let i = 0; i < lead.length; i++) off = off * lead[i] + counter[i];
      slices.push(`(${counter.map((i) => `${i + 1},`).join("")}.,.) = \n` + printMatrix(vals.slice(off * r * c, (off + 1) * r * c), r, c, 1));
      for (let i = 0; i < lead.length; i++) {
        counter[i] += 1;
        if (counter[i] < lead[i]) break;
        counter[i] = 0;
      }
    }
    body = slices.join("\n");
  }
  return `${body}[ ${name}{${shape.join(",")}} ]`;
}

function numelOfLead(lead: readonly number[]): number {
  return lead.reduce((p, s) => p * s, 1);
}
