/**
 * The folder dependency graph of our own code, built from the import statements of every source
 * file under lib/ and app/, parsed with TypeScript (so comments and strings never count): static
 * `import`/`export ... from`, `import type`, dynamic `import()`, `require()`, type-position
 * `import("x").T`, and `new URL("./x", import.meta.url)` (how a worker entry is referenced).
 * Only `@/` and relative specifiers are ours; packages are not edges.
 * Used by layers.test.ts; printed by `npx tsx tests/unit/architecture/print-graph.ts [--via]`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const ROOT = path.resolve(__dirname, "../../..");

/** The folder a repository-relative path belongs to: `lib/<name>` for lib, `app` for app, else its first segment. */
export function folderOf(relativePath: string): string {
  const parts = relativePath.split("/");
  if (parts[0] === "lib" && parts.length >= 2) return `lib/${parts[1].replace(/\.(ts|tsx)$/, "")}`;
  return parts[0];
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs)$/;

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      // Generated code (the Prisma client) is a dependency, not a layer.
      if (path.relative(ROOT, full) !== path.join("lib", "generated")) walk(full, out);
    } else if (SOURCE.test(entry) && !entry.endsWith(".d.ts")) out.push(full);
  }
}

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/** The module specifiers a source file refers to, from its syntax tree. */
export function importsOf(fileName: string, source: string): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: ImportRef[] = [];
  const literal = (node: ts.Node | undefined) => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null);
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      const specifier = literal(node.moduleSpecifier);
      if (specifier) found.push({ specifier, typeOnly });
    } else if (ts.isExportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier) found.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const specifier = literal(node.moduleReference.expression);
      if (specifier) found.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      const specifier = ts.isLiteralTypeNode(argument) ? literal(argument.literal) : null;
      if (specifier) found.push({ specifier, typeOnly: true });
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      const specifier = literal(node.arguments[0]);
      if ((isImport || isRequire) && specifier) found.push({ specifier, typeOnly: false });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "URL" && node.arguments?.length === 2) {
      const base = node.arguments[1];
      const specifier = literal(node.arguments[0]);
      if (specifier && ts.isPropertyAccessExpression(base) && ts.isMetaProperty(base.expression) && base.name.text === "url") found.push({ specifier, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The repository-relative path an import points into, or null for a package. */
export function resolveSpecifier(fromRelativeFile: string, specifier: string): string | null {
  if (specifier.startsWith("@/")) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith("./") || specifier.startsWith("../")) return path.posix.normalize(path.posix.join(path.posix.dirname(fromRelativeFile), specifier));
  return null;
}

export interface Edge {
  from: string;
  to: string;
  /** True when every import making this edge is type-only (erased at build time). */
  typeOnly: boolean;
  /** "file -> specifier" for each import that makes the edge. */
  via: string[];
}

/** Every import between two different folders, grouped by (from, to). */
export function folderGraph(roots: string[] = ["lib", "app"]): Map<string, Edge> {
  const files: string[] = [];
  for (const root of roots) walk(path.join(ROOT, root), files);
  const edges = new Map<string, Edge>();
  for (const file of files) {
    const relative = path.relative(ROOT, file).split(path.sep).join("/");
    const from = folderOf(relative);
    for (const { specifier, typeOnly } of importsOf(file, readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(relative, specifier);
      if (!target) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const key = `${from} -> ${to}`;
      const edge = edges.get(key) ?? { from, to, typeOnly: true, via: [] };
      edge.typeOnly &&= typeOnly;
      edge.via.push(`${relative} -> ${specifier}${typeOnly ? " (type)" : ""}`);
      edges.set(key, edge);
    }
  }
  return edges;
}

/** The cycles of a directed graph: each strongly connected component of more than one folder. */
export function cycles(edges: Iterable<Pick<Edge, "from" | "to">>): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return components;
}
