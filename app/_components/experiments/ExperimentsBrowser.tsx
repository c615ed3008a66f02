"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { RunChart } from "./RunChart";
import { curveOf, fetchRuns, runLabel, type RunSummary } from "./runs-api";
import styles from "./experiments.module.css";
import { learnerFetch } from "@/app/_components/learner-fetch";

function formatNumber(value: number | undefined): string {
  if (value === undefined) return "";
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4);
}

function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * The /experiments page: the learner's runs, filtered by lesson and name; selected runs'
 * curves overlaid; parameters and final metrics in a table; delete; export as CSV or JSON.
 */
export function ExperimentsBrowser({ lessons, initialName, initialLesson }: { lessons: { slug: string; title: string }[]; initialName?: string; initialLesson?: string }) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lesson, setLesson] = useState(initialLesson ?? "");
  const [name, setName] = useState(initialName ?? "");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [metric, setMetric] = useState("");

  const load = useCallback(() => {
    fetchRuns({ lesson: lesson || undefined, points: true })
      .then((loaded) => {
        setRuns(loaded);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [lesson]);

  useEffect(() => load(), [load]);

  const names = useMemo(() => [...new Set((runs ?? []).map((run) => run.name))].sort(), [runs]);
  const visible = useMemo(() => (runs ?? []).filter((run) => !name || run.name === name), [runs, name]);
  const paramNames = useMemo(() => [...new Set(visible.flatMap((run) => Object.keys(run.params)))].sort(), [visible]);
  const metricNames = useMemo(() => [...new Set(visible.flatMap((run) => Object.keys(run.finalMetrics)))].sort(), [visible]);
  const chosenMetric = metric && metricNames.includes(metric) ? metric : (metricNames.includes("loss") ? "loss" : metricNames[0]) ?? "";
  const selectedRuns = visible.filter((run) => selected.has(run.id));
  const curves = useMemo(() => selectedRuns.map((run) => curveOf(run, chosenMetric)).filter((c) => c.steps.length > 0), [selectedRuns, chosenMetric]);

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const remove = async (run: RunSummary) => {
    if (!window.confirm(`Delete the run "${runLabel(run)}"? This cannot be undone.`)) return;
    const response = await learnerFetch(`/api/experiments/runs/${run.id}`, { method: "DELETE" });
    if (!response.ok) {
      setError(`Could not delete the run (${response.status})`);
      return;
    }
    setSelected((current) => {
      const next = new Set(current);
      next.delete(run.id);
      return next;
    });
    load();
  };

  const exportQuery = new URLSearchParams({ ...(lesson ? { lesson } : {}), ...(name ? { name } : {}) }).toString();

  return (
    <div>
      <div className={styles.filters}>
        <label>
          Lesson
          <select value={lesson} onChange={(e) => setLesson(e.target.value)} aria-label="Filter by lesson">
            <option value="">All lessons</option>
            {lessons.map((l) => (
              <option key={l.slug} value={l.slug}>
                {l.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Experiment
          <select value={name} onChange={(e) => setName(e.target.value)} aria-label="Filter by name">
            <option value="">All names</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Metric
          <select value={chosenMetric} onChange={(e) => setMetric(e.target.value)} aria-label="Metric to plot">
            {metricNames.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <span className={styles.exports}>
          <a href={`/api/experiments/export?format=csv&${exportQuery}`} download>
            Export CSV
          </a>
          <a href={`/api/experiments/export?format=json&${exportQuery}`} download>
            Export JSON
          </a>
        </span>
      </div>

      {error ? <p className="error" role="alert">{error}</p> : null}
      {runs === null && !error ? <p>Loading runs…</p> : null}

      {curves.length > 0 ? (
        <div className={styles.compare}>
          <RunChart curves={curves} metric={chosenMetric} />
        </div>
      ) : visible.length > 0 ? (
        <p className={styles.empty}>Tick runs in the table to overlay their {chosenMetric || "metric"} curves.</p>
      ) : null}

      {runs !== null && visible.length === 0 ? (
        <p className={styles.empty}>
          No runs yet. In a lesson cell: <code>const run = experiments.start(&quot;my-sweep&quot;, {"{ lr: 0.1 }"})</code>, then <code>run.log({"{ loss }"})</code> and{" "}
          <code>run.finish()</code>.
        </p>
      ) : null}

      {visible.length > 0 ? (
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
              {visible.map((run) => (
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
      ) : null}
    </div>
  );
}
