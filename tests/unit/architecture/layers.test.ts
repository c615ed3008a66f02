import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import path from "node:path";
import { cycles, folderGraph, importsOf, ROOT } from "./import-graph";

/**
 * The layers of docs/architecture.md, as edges between folders: what each folder may import of
 * ours. A new edge (or a new folder) is a design decision: add it here and to the diagram in
 * docs/architecture.md, and to LAYERS in eslint.config.mjs, which refuses the same imports as
 * they are written.
 */
const ALLOWED: Record<string, string[]> = {
  "lib/tensor": [],
  // The engine's public entry only (checked below); package.json gives the engine version.
  "lib/kernel": ["lib/tensor", "package.json"],
  // The cell rewrite only (checked below).
  "lib/lessons": ["lib/kernel"],
  // Pure: runs in the kernel worker ("Check") and the server's sandbox ("Submit").
  "lib/grading": ["lib/tensor", "lib/kernel", "lib/lessons"],
  // The lesson page's kernel worker: the kernel's builtins plus the grading builtin.
  "lib/notebook": ["lib/tensor", "lib/kernel", "lib/grading"],
  // Types only from grading (checked below).
  "lib/db": ["lib/generated", "lib/grading"],
  "lib/auth": ["lib/db"],
  "lib/api": ["lib/auth", "lib/db", "lib/grading", "lib/lessons"],
  "lib/discussion": ["lib/api", "lib/auth", "lib/db", "lib/generated", "lib/lessons"],
  app: ["lib/api", "lib/auth", "lib/db", "lib/discussion", "lib/grading", "lib/kernel", "lib/lessons", "lib/notebook", "lib/tensor"],
};

const graph = folderGraph();
const edges = [...graph.values()];
const via = (from: string, to: string) => graph.get(`${from} -> ${to}`)?.via ?? [];

describe("the folder dependency graph", () => {
  it("has no cycle between folders", () => {
    expect(cycles(edges)).toEqual([]);
  });

  it("has only the allowed edges", () => {
    const unexpected = edges.filter((edge) => !(ALLOWED[edge.from] ?? []).includes(edge.to)).map((edge) => `${edge.from} -> ${edge.to}: ${edge.via.join(", ")}`);
    expect(unexpected).toEqual([]);
  });

  it("places every folder of lib in a layer", () => {
    const folders = readdirSync(path.join(ROOT, "lib"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "generated")
      .map((entry) => `lib/${entry.name}`);
    expect(folders.filter((folder) => !(folder in ALLOWED))).toEqual([]);
  });

  it("the kernel reaches the engine through its public entry only", () => {
    expect(via("lib/kernel", "lib/tensor").filter((line) => !/\/tensor(\/index)?( \(type\))?$/.test(line))).toEqual([]);
  });

  it("lessons use only the kernel's cell rewrite", () => {
    expect(via("lib/lessons", "lib/kernel").filter((line) => !/\/kernel\/rewrite\//.test(line))).toEqual([]);
  });

  it("the database layer takes only types from grading", () => {
    expect(graph.get("lib/db -> lib/grading")?.typeOnly ?? true).toBe(true);
  });
});

describe("reading imports", () => {
  const refs = (source: string) => importsOf("x.ts", source);

  it("finds static, type, re-export, dynamic, require and worker-URL imports", () => {
    const source = [
      'import { a } from "./a";',
      'import type { B } from "@/lib/b";',
      'import { type C } from "../c";',
      'export * from "./d";',
      'const e = await import("./e");',
      'const f = require("./f");',
      'type G = import("./g").G;',
      'new Worker(new URL("./h.worker.ts", import.meta.url));',
      'import "./i";',
    ].join("\n");
    expect(refs(source)).toEqual([
      { specifier: "./a", typeOnly: false },
      { specifier: "@/lib/b", typeOnly: true },
      { specifier: "../c", typeOnly: true },
      { specifier: "./d", typeOnly: false },
      { specifier: "./e", typeOnly: false },
      { specifier: "./f", typeOnly: false },
      { specifier: "./g", typeOnly: true },
      { specifier: "./h.worker.ts", typeOnly: false },
      { specifier: "./i", typeOnly: false },
    ]);
  });

  it("skips comments and strings", () => {
    const source = ['// import { a } from "../app/a";', '/** see import("../core") */', 'const text = "import { b } from \'../b\'";'].join("\n");
    expect(refs(source)).toEqual([]);
  });
});
