#!/usr/bin/env node
// Where a server's CPU went: summarises a V8 CPU profile (LOAD_CPU_PROF=<dir> npm run load, or
// node --cpu-prof scripts/load/handler-cpu.mjs) by layer (self time of each sampled frame, by the
// file it runs in), then the heaviest functions.
//
//   node scripts/load/profile.mjs <file.cpuprofile> [--skip SECONDS] [--until SECONDS] [--top N]
//
// --skip leaves out the first seconds (the server starting, the warm-up) and --until what comes
// after (shutting down), so that the figures are those of the requests.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/load/profile.mjs <file.cpuprofile> [--skip SECONDS] [--top N]");
  process.exit(2);
}
const option = (flag, fallback) => {
  const index = process.argv.indexOf(flag);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const skipUs = option("--skip", 0) * 1e6;
const untilUs = option("--until", Infinity) * 1e6;
const top = option("--top", 25);

const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

// The first matching rule names a frame's layer.
const LAYERS = [
  ["idle", (url, name) => name === "(idle)"],
  ["garbage collection", (url, name) => name === "(garbage collector)"],
  ["V8 / native (program)", (url, name) => name === "(program)"],
  ["Prisma (client, query compiler, adapters)", (url) => /node_modules\/@prisma\/|query_compiler|wasm:\/\//.test(url)],
  ["SQLite driver (better-sqlite3)", (url) => /node_modules\/better-sqlite3\//.test(url)],
  ["PostgreSQL driver (pg)", (url) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)],
  ["better-auth", (url) => /node_modules\/(better-auth|@better-auth|better-call|jose|@noble)\//.test(url)],
  ["zod", (url) => /node_modules\/zod\//.test(url)],
  ["Next.js (router, request/response handling)", (url) => /node_modules\/next\//.test(url)],
  ["fetch API objects (undici Request/Response/Headers, web streams)", (url) => /node:internal\/deps\/undici|node:internal\/webstreams/.test(url)],
  ["Node HTTP server and sockets", (url) => /node:(_http|http|net|internal\/http|internal\/stream|internal\/streams|stream|internal\/net|internal\/dns)/.test(url)],
  ["Node crypto (HMAC of the learner cookie, ids)", (url) => /node:internal\/crypto|node:crypto/.test(url)],
  ["app build (our route code and bundled libraries)", (url) => /\.next[^/]*\/server\/|lib\/generated\/handler-cpu\//.test(url)],
  ["serve.mjs / instrumentation", (url) => /scripts\/serve\.mjs|instrumentation/.test(url)],
  ["other Node internals", (url) => url.startsWith("node:")],
  ["other", () => true],
];

const layerOf = (node) => LAYERS.find(([, test]) => test(node.callFrame.url, node.callFrame.functionName))[0];
const bySelf = new Map();
const byLayer = new Map();
let elapsed = 0;
let counted = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsed += delta;
  if (elapsed < skipUs || elapsed > untilUs) continue;
  const node = nodes.get(profile.samples[i]);
  const layer = layerOf(node);
  byLayer.set(layer, (byLayer.get(layer) ?? 0) + delta);
  if (layer === "idle") continue;
  counted += delta;
  const frame = node.callFrame;
  const key = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/.*node_modules\//, "").replace(/.*\/(\.next[^/]*)\//, "$1/")}:${frame.lineNumber + 1}`;
  bySelf.set(key, (bySelf.get(key) ?? 0) + delta);
}

const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const share = (us) => `${((100 * us) / counted).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${ms(counted).trim()} of CPU sampled (idle left out${skipUs ? `, first ${skipUs / 1e6} s skipped` : ""}${untilUs < Infinity ? `, after ${untilUs / 1e6} s left out` : ""})\n`);
for (const [layer, us] of [...byLayer].sort((a, b) => b[1] - a[1])) if (layer !== "idle") console.log(`${share(us)} ${ms(us)}  ${layer}`);
console.log(`\nheaviest functions (self time):`);
for (const [key, us] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(us)} ${ms(us)}  ${key}`);
