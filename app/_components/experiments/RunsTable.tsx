import { runLabel, type RunSummary } from "./runs-api";
import styles from "./experiments.module.css";

function formatNumber(value: number | undefined): string {
  if (value === undefined) return "";
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4);
}

function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export interface RunsTableProps {
  runs: RunSummary[];
  paramNames: string[];
  metricNames: string[];
  selected: ReadonlySet<string>;
  toggle(id: string): void;
  remove(run: RunSummary): Promise<void>;
}

/** One row a run: a compare tick box, name, lesson, status, timing, seed, params, final metrics, Delete. */
export function RunsTable({ runs, paramNames, metricNames, selected, toggle, remove }: RunsTableProps) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid="runs-table">
        <thead>
          <tr>
            <th>Compare</th>
            <th>Name</th>
            <th>Lesson</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Seed</th>
            {paramNames.map((p) => (
              <th key={`p-${p}`}>{p}</th>
            ))}
            {metricNames.map((m) => (
              <th key={`m-${m}`}>final {m}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <input type="checkbox" checked={selected.has(run.id)} onChange={() => toggle(run.id)} aria-label={`Compare ${runLabel(run)}`} />
              </td>
              <td>{run.name}</td>
              <td>{run.lessonSlug}</td>
              <td>
                <span className={`${styles.status} ${styles[run.status] ?? ""}`} title={run.statusReason ?? undefined}>
                  {run.status}
                </span>
              </td>
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td>{formatDuration(run.durationMs)}</td>
              <td className={styles.num}>{run.seed ?? ""}</td>
              {paramNames.map((p) => (
                <td key={`p-${p}`}>{run.params[p] === undefined ? "" : String(run.params[p])}</td>
              ))}
              {metricNames.map((m) => (
                <td key={`m-${m}`} className={styles.num}>
                  {formatNumber(run.finalMetrics[m])}
                </td>
              ))}
              <td>
                <button type="button" className={styles.deleteButton} onClick={() => void remove(run)} aria-label={`Delete ${runLabel(run)}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
