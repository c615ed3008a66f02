/**
 * Leak detectors built from an exercise's hidden checks: what must never appear in anything the
 * grader returns or stores. Built from the hidden code only to recognise it, never to answer it.
 *
 * - Lines: every line of a hidden check with at least 12 non-space characters, as the author wrote
 *   it and with types stripped (what a `toString()` of the compiled check would show), compared
 *   with all whitespace removed.
 * - Call-printer fragments: V8 quotes the source of the expression that failed ("model.modules(...)
 *   .filter is not a function"); every member/call chain of at least 12 characters in a hidden check,
 *   printed that way.
 * Anything that also occurs in public code (the starter, the visible checks, the cells the exercise
 * depends on) or in the attack's own code is not a secret and is left out.
 */
import { parse, type Node } from "acorn";
import { full as walkFull } from "acorn-walk";
import { stripTypes } from "@/lib/kernel/rewrite/transpile";

const MIN_CHARS = 12;
const ENGINE_ROOTS = new Set(["torch", "nn", "F", "optim", "utils", "expect", "Tensor", "Math", "Number", "Object", "Array", "JSON", "String"]);

const squash = (text: string) => text.replace(/\s+/g, "");

function jsOf(typescript: string): string {
  try {
    return stripTypes(typescript);
  } catch {
    return typescript;
  }
}

/** The expression as V8's CallPrinter shows it in a TypeError, or null when it prints differently. */
function printed(node: Node): string | null {
  const n = node as Node & Record<string, unknown>;
  switch (node.type) {
    case "Identifier":
      return n.name as string;
    case "ThisExpression":
      return "this";
    case "Literal":
      return String(n.raw);
    case "MemberExpression": {
      const object = printed(n.object as Node);
      if (object === null) return null;
      if (!n.computed) return `${object}.${(n.property as { name: string }).name}`;
      const property = printed(n.property as Node);
      return property === null ? null : `${object}[${property}]`;
    }
    case "CallExpression": {
      const callee = printed(n.callee as Node);
      return callee === null ? null : `${callee}(...)`;
    }
    default:
      return null;
  }
}

function fragmentsOf(typescript: string): Set<string> {
  const found = new Set<string>();
  let program: Node;
  try {
    program = parse(`(async function () {\n${jsOf(typescript)}\n})`, { ecmaVersion: "latest", sourceType: "script" });
  } catch {
    return found;
  }
  walkFull(program, (node) => {
    if (node.type !== "MemberExpression" && node.type !== "CallExpression") return;
    const text = printed(node);
    if (text === null || !text.includes(".") || squash(text).length < MIN_CHARS) return;
    // A bare member chain of the engine's API (expect.gradcheck, torch.linspace) names documented API, not the check.
    if (!text.includes("(") && ENGINE_ROOTS.has(text.split(/[.[]/)[0])) return;
    found.add(text);
  });
  return found;
}

export interface LeakDetectors {
  /** Whitespace-free hidden lines. */
  lines: string[];
  /** Call-printer fragments, as V8 would print them. */
  fragments: string[];
}

export function leakDetectors(hiddenChecks: readonly { code: string }[], publicCode: readonly string[]): LeakDetectors {
  const publicText = squash(publicCode.map((code) => `${code}\n${jsOf(code)}`).join("\n"));
  const publicFragments = new Set(publicCode.flatMap((code) => [...fragmentsOf(code)]));
  const lines = new Set<string>();
  const fragments = new Set<string>();
  for (const check of hiddenChecks) {
    for (const version of [check.code, jsOf(check.code)]) {
      for (const line of version.split("\n")) {
        const squashed = squash(line);
        if (squashed.length >= MIN_CHARS && !publicText.includes(squashed)) lines.add(squashed);
      }
    }
    for (const fragment of fragmentsOf(check.code)) {
      if (!publicFragments.has(fragment) && !publicText.includes(squash(fragment))) fragments.add(fragment);
    }
  }
  return { lines: [...lines], fragments: [...fragments] };
}

/** Every string in a parsed JSON value (keys too). */
export function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      stringsIn(item, into);
    }
  }
  return into;
}

/**
 * The hidden lines and fragments found in `texts` (raw response or row text, and the strings
 * decoded from them), except those that occur in `ownCode` (the attacker wrote them).
 */
export function findLeaks(detectors: LeakDetectors, texts: readonly string[], ownCode: string): string[] {
  const own = squash(ownCode);
  const haystacks = texts.map(squash);
  const leaks: string[] = [];
  /** Where the secret was found: a little of the (whitespace-free) text around it. */
  const around = (secret: string): string | null => {
    for (const text of haystacks) {
      const at = text.indexOf(secret);
      if (at !== -1) return text.slice(Math.max(0, at - 80), at + secret.length + 40);
    }
    return null;
  };
  for (const line of detectors.lines) {
    if (own.includes(line)) continue;
    const found = around(line);
    if (found !== null) leaks.push(`hidden line ${JSON.stringify(line)} in …${found}…`);
  }
  for (const fragment of detectors.fragments) {
    const squashed = squash(fragment);
    if (own.includes(squashed)) continue;
    const found = around(squashed);
    if (found !== null) leaks.push(`hidden expression ${JSON.stringify(fragment)} in …${found}…`);
  }
  return leaks;
}
