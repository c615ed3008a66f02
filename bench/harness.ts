/**
 * A tiny benchmark harness: register rows (one metric, our engine vs an optional peer), run
 * them all, print an aligned table with the ratio ours/peer. Other benches (e.g. kernel or
 * cell-execution benches) plug in with `registerBench` from their own files.
 */
export type Unit = "ms/step" | "GFLOP/s" | "M elem/s" | "ms";

export interface BenchRow {
  group: string;
  name: string;
  unit: Unit;
  /** Returns the metric for our engine (after its own warmup/timing). */
  ours: () => Promise<number> | number;
  /** Same metric for the peer library, if there is one. */
  peer?: () => Promise<number> | number;
  /** A target for our number, shown in the last column (e.g. "<= 7.7"). */
  target?: { value: number; higherIsBetter: boolean };
}

const rows: BenchRow[] = [];
/** Our figure of every row run so far, by "group: name" (for reference tables printed afterwards). */
export const measured = new Map<string, number>();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export function registerBench(row: BenchRow): void {
  rows.push(row);
}

export interface TimingOptions {
  warmup?: number;
  /** Keep sampling until this much time has passed... */
  minMs?: number;
  /** ...and at least this many samples were taken. */
  minIters?: number;
}

/** Median wall time of one call of fn, in milliseconds. */
export async function timeMs(fn: () => unknown, opts: TimingOptions = {}): Promise<number> {
  const warmup = opts.warmup ?? 5;
  const minMs = opts.minMs ?? 1000;
  const minIters = opts.minIters ?? 10;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minIters || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Runs every registered row (optionally filtered by a substring) and prints the table. */
export async function runAll(filter?: string, peerName = "peer", groups?: string[]): Promise<string> {
  const header = ["benchmark", "unit", "ours", peerName, "ours/peer", "target", "met"];
  const table: string[][] = [];
  for (const row of rows) {
    const label = `${row.group}: ${row.name}`;
    if (filter && !label.includes(filter)) continue;
    if (groups && !groups.includes(row.group)) continue;
    // Alternate ours and peer over a few rounds and keep each side's best round, so a burst of
    // load from other processes on this shared machine does not decide the ratio.
    const better = (a: number, b: number) => (row.unit === "ms/step" || row.unit === "ms" ? Math.min(a, b) : Math.max(a, b));
    let ours = NaN;
    let peer: number | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const o = await row.ours();
      ours = r === 0 ? o : better(ours, o);
      if (row.peer) {
        const p = await row.peer();
        peer = peer === undefined ? p : better(peer, p);
      }
    }
    measured.set(label, ours);
    const ratio = peer ? ours / peer : undefined;
    const t = row.target;
    const met = t ? ((t.higherIsBetter ? ours >= t.value : ours <= t.value) ? "yes" : "NO") : "";
    table.push([label, row.unit, fmt(ours), fmt(peer), ratio === undefined ? "-" : ratio.toFixed(2), t ? `${t.higherIsBetter ? ">=" : "<="} ${t.value}` : "", met]);
    process.stdout.write(`.`);
  }
  process.stdout.write("\n");
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...table.map(line)].join("\n");
  console.log(out);
  console.log("ratio: ours/peer of the metric (ms: lower is better; GFLOP/s and M elem/s: higher is better)");
  return out;
}
