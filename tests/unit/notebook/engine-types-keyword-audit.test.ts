/**
 * Audit: the keywords a public function takes at run time are the keywords its editor type takes. Each Tensor method,
 * torch.* (linalg / special / fft), F.* and nn constructor is called on a valid minimal input (the first of
 * tests/unit/tensor/core/api_probe_inputs.ts's candidate argument lists it accepts) plus an unknown keyword; the
 * TypeError that refuses it lists the keywords the function takes ("(accepted: dim, keepdim)", args.ts's parseArgs /
 * checkKeywords), and when they have dim / keepdim, a call with both dim and NumPy's axis (keepdim and keepdims) tells
 * whether the run time takes the alias (numpyAliases: "got both ... NumPy alias"). The declarations the editor loads
 * (engine-types-cells.ts) give the typed keywords: every property of an options object in any of the function's
 * signatures. A keyword the run time takes that the type lacks is a form a learner's cell runs but sees underlined; an
 * axis / keepdims the type offers where the run time takes only dim / keepdim is one that type-checks and then raises
 * (that must not be).
 *
 * Names with such keywords are listed in engine-types-keyword-audit-known.ts (a ratchet: a newly untyped keyword fails
 * the test, a newly typed one must leave the list). The full report:
 *   KEYWORD_TYPES_REPORT=1 npx vitest run --project unit tests/unit/notebook/engine-types-keyword-audit.test.ts
 */
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { F, nn, torch, Tensor } from "../../../lib/tensor/index";
import { EXCLUDED, callMethod, ctorCandidates, fnCandidates, isClass, methodCandidates, splitOptions } from "../tensor/core/api_probe_inputs";
import { cellPrograms } from "./engine-types-cells";
import { REFUSED_ALIASES, UNTYPED_KEYWORDS } from "./engine-types-keyword-audit-known";

const programOf = cellPrograms();

/** The run time's keywords of a call: the accepted list of its unknown-keyword TypeError, plus the NumPy aliases it takes. */
function runtimeKeywords(call: (args: unknown[]) => unknown, candidates: (() => unknown[])[]): string[] | null {
  for (const make of candidates) {
    try {
      const r = call(make());
      if (r instanceof Promise) {
        r.catch(() => undefined);
        return null;
      }
    } catch {
      continue; // not a valid input: the next candidate
    }
    const withKeywords = (extra: Record<string, unknown>): string => {
      const [positional, options] = splitOptions(make());
      try {
        const r = call([...positional, { ...options, ...extra }]);
        if (r instanceof Promise) r.catch(() => undefined);
        return "";
      } catch (e) {
        return String((e as Error).message ?? e);
      }
    };
    const listed = /unexpected keyword argument 'zzz_unknown' \(accepted: ([^)]*)\)/.exec(withKeywords({ zzz_unknown: 1 }));
    if (!listed) return null;
    const accepted = listed[1].split(", ").filter((k) => k !== "");
    // both spellings at once: numpyAliases raises its own TypeError before anything reads them
    if (accepted.includes("dim") && !accepted.includes("axis") && withKeywords({ dim: 0, axis: 0 }).includes("NumPy alias 'axis'")) accepted.push("axis");
    if (accepted.includes("keepdim") && !accepted.includes("keepdims") && withKeywords({ keepdim: false, keepdims: false }).includes("NumPy alias 'keepdims'")) {
      accepted.push("keepdims");
    }
    return accepted;
  }
  return null;
}

/** The keywords of a type's signatures: the properties of every options object among their parameters. */
function typedKeywords(checker: ts.TypeChecker, type: ts.Type, construct: boolean): Set<string> {
  const out = new Set<string>();
  const seen = new Set<ts.Type>();
  const collect = (t: ts.Type): void => {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.isUnion()) return t.types.forEach(collect);
    if (checker.isTupleType(t) || checker.isArrayType(t)) return checker.getTypeArguments(t as ts.TypeReference).forEach(collect);
    if (!(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection))) return;
    if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0) return;
    // a class's instance (Tensor, a dtype, a Module) is a value, not options
    const symbol = t.getSymbol() ?? t.aliasSymbol;
    if (symbol && symbol.flags & ts.SymbolFlags.Class) return;
    if (t.isIntersection() && t.types.some((p) => (p.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class)) return;
    for (const p of checker.getPropertiesOfType(t)) out.add(p.name);
  };
  const signatures = construct ? type.getConstructSignatures() : type.getCallSignatures();
  for (const sig of signatures) for (const param of sig.parameters) collect(checker.getTypeOfSymbol(param));
  return out;
}

/** untyped: taken at run time, not in the type; refused: NumPy aliases the type offers but the run time refuses. */
type Row = { name: string; untyped: string[]; refused: string[] };

function audit(): Row[] {
  // The cell holds each namespace and a tensor, so the checker gives their types as a learner's cell sees them.
  const spaces: [string, object][] = [["Tensor", Tensor.prototype], ["torch", torch], ["torch.linalg", torch.linalg], ["torch.special", torch.special], ["torch.fft", torch.fft], ["F", F], ["nn", nn]];
  const source = `declare const __tensor: Tensor;\n${spaces.map(([p], i) => `export const __ns${i} = ${p === "Tensor" ? "__tensor" : p};`).join("\n")}\n`;
  const program = programOf(source);
  const checker = program.getTypeChecker();
  const cell = program.getSourceFile("/cells/cell.ts")!;
  const declared = new Map<string, ts.Type>();
  ts.forEachChild(cell, (node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) declared.set(d.name.text, checker.getTypeAtLocation(d.name));
  });
  const rows: Row[] = [];
  spaces.forEach(([prefix, ns], i) => {
    const nsType = declared.get(`__ns${i}`)!;
    const keys = prefix === "Tensor" ? Object.getOwnPropertyNames(ns) : Object.keys(ns);
    for (const key of keys) {
      const name = `${prefix}.${key}`;
      if (key === "constructor" || key.startsWith("_") || name in EXCLUDED) continue;
      const value = prefix === "Tensor" ? Object.getOwnPropertyDescriptor(ns, key)?.value : (ns as Record<string, unknown>)[key];
      if (typeof value !== "function") continue;
      const construct = isClass(value);
      if (construct && (prefix !== "nn" || value === Tensor)) continue;
      const property = checker.getPropertyOfType(nsType, key);
      if (!property) continue;
      const runtime =
        prefix === "Tensor"
          ? runtimeKeywords((a) => callMethod(key, a), methodCandidates(key))
          : construct
            ? runtimeKeywords((a) => new (value as new (...b: unknown[]) => unknown)(...a), ctorCandidates(name))
            : runtimeKeywords((a) => (value as (...b: unknown[]) => unknown)(...a), fnCandidates(name));
      if (!runtime) continue;
      const typed = typedKeywords(checker, checker.getTypeOfSymbol(property), construct);
      const untyped = runtime.filter((k) => !typed.has(k) && k !== "input" && k !== "self");
      // an alias typed for a dim / keepdim the run time takes under its own name only: a cell type-checks, then raises
      const refused = (["axis", "keepdims"] as const).filter((k) => typed.has(k) && !runtime.includes(k) && runtime.includes(k === "axis" ? "dim" : "keepdim"));
      if (untyped.length > 0 || refused.length > 0) rows.push({ name, untyped, refused });
    }
  });
  return rows;
}

describe("the keywords a function takes at run time are in its editor type", () => {
  it("every untyped keyword is a known gap (engine-types-keyword-audit-known.ts)", () => {
    const rows = audit();
    const found = Object.fromEntries(rows.map((r) => [r.name, r.untyped]));
    if (process.env.KEYWORD_TYPES_REPORT) {
      console.log(rows.filter((r) => r.untyped.length > 0).map((r) => `  "${r.name}": ${JSON.stringify(r.untyped)},`).join("\n"));
      console.log("typed, refused at run time:\n" + rows.filter((r) => r.refused.length > 0).map((r) => `  ${r.name}: ${r.refused.join(", ")}`).join("\n"));
    }
    const refused = rows.filter((r) => r.refused.length > 0).map((r) => `${r.name}: ${r.refused.join(", ")}`);
    expect(refused, "NumPy aliases these types offer but the run time refuses (a cell type-checks, then raises)").toEqual(REFUSED_ALIASES);
    const newly = rows.filter((r) => r.untyped.some((k) => !(UNTYPED_KEYWORDS[r.name] ?? []).includes(k))).map((r) => `${r.name}: ${r.untyped.join(", ")}`);
    expect(newly, "keywords these take at run time that their editor type lacks").toEqual([]);
    const typedNow = Object.entries(UNTYPED_KEYWORDS)
      .map(([n, ks]) => [n, ks.filter((k) => !(found[n] ?? []).includes(k))] as const)
      .filter(([, ks]) => ks.length > 0)
      .map(([n, ks]) => `${n}: ${ks.join(", ")}`);
    expect(typedNow, "typed now (or no longer taken): take them off UNTYPED_KEYWORDS").toEqual([]);
  }, 600_000);
});
