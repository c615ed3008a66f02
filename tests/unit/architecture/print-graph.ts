/** Prints the folder dependency graph: `npx tsx tests/unit/architecture/print-graph.ts [--via]`. */
import { cycles, folderGraph } from "./import-graph";

const edges = [...folderGraph().values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
const byFrom = new Map<string, string[]>();
for (const edge of edges) byFrom.set(edge.from, [...(byFrom.get(edge.from) ?? []), `${edge.to}${edge.typeOnly ? " (types)" : ""}`]);
for (const [from, tos] of byFrom) console.log(`${from} -> ${tos.join(", ")}`);
if (process.argv.includes("--via")) for (const edge of edges) console.log(`\n${edge.from} -> ${edge.to}\n  ${edge.via.join("\n  ")}`);
const found = cycles(edges);
console.log(found.length ? `\ncycles: ${found.map((c) => c.join(" <-> ")).join("; ")}` : "\nno cycles between folders");
