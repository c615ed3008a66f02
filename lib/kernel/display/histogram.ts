/**
 * Histograms are binned here, in the kernel, so a figure keeps its bins and not its samples:
 * 16 layers x 131,072 activations become 16 x 50 counts (a few KB instead of tens of MB) and
 * Plotly draws bars. Groups share one set of bin edges so overlaid histograms line up.
 */
export interface BinnedGroup {
  name: string;
  /** Count per bin, for the shared edges. */
  counts: number[];
  /** Values that were NaN or infinite, which no bin holds. */
  skipped: number;
  total: number;
}

export interface Binned {
  /** bins + 1 increasing edges; the last bin includes its right edge (numpy's rule). */
  edges: number[];
  groups: BinnedGroup[];
}

export function binGroups(groups: [string, ArrayLike<number>][], bins: number): Binned {
  if (!Number.isInteger(bins) || bins < 1 || bins > 10_000) throw new RangeError(`plot.hist: bins must be an integer from 1 to 10000, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, values] of groups) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return { edges: [], groups: groups.map(([name, values]) => ({ name, counts: [], skipped: values.length, total: values.length })) };
  // One value repeated everywhere: a single bin of width 1 around it, as numpy does.
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  return {
    edges,
    groups: groups.map(([name, values]) => {
      const counts = new Array<number>(bins).fill(0);
      let skipped = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isFinite(v)) {
          skipped++;
          continue;
        }
        counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
      }
      return { name, counts, skipped, total: values.length };
    }),
  };
}
