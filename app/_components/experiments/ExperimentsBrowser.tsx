"use client";

import { useMemo, useState } from "react";
import { RunChart } from "./RunChart";
import { RunFilters } from "./RunFilters";
import { RunsTable } from "./RunsTable";
import { curveOf, runLabel, type RunSummary } from "./runs-api";
import { configColour } from "./run-groups";
import { useRuns } from "./useRuns";
import styles from "./experiments.module.css";
import { learnerFetch } from "@/app/_components/learner-fetch";

const sortedUnique = (values: string[]) => [...new Set(values)].sort();

/** The chosen metric while the runs shown log it; else loss, else the first one logged. */
function metricToPlot(chosen: string, metricNames: string[]): string {
  if (chosen && metricNames.includes(chosen)) return chosen;
  return (metricNames.includes("loss") ? "loss" : metricNames[0]) ?? "";
}

/** Ids ticked for comparison: toggled one at a time, dropped when their run is deleted. */
function useSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const change = (tick: (next: Set<string>) => void) =>
    setSelected((current) => {
      const next = new Set(current);
      tick(next);
      return next;
    });
  const toggle = (id: string) => change((next) => (next.has(id) ? next.delete(id) : next.add(id)));
  const drop = (id: string) => change((next) => next.delete(id));
  return { selected, toggle, drop };
}

/**
 * The /experiments page: the learner's runs, filtered by lesson and name; selected runs'
 * curves overlaid; parameters and final metrics in a table; delete; export as CSV or JSON.
 */
export function ExperimentsBrowser({ lessons, initialName, initialLesson }: { lessons: { slug: string; title: string }[]; initialName?: string; initialLesson?: string }) {
  const [lesson, setLesson] = useState(initialLesson ?? "");
  const [name, setName] = useState(initialName ?? "");
  const [metric, setMetric] = useState("");
  const { runs, error, setError, reload } = useRuns({ lesson: lesson || undefined });
  const { selected, toggle, drop } = useSelection();

  const names = useMemo(() => sortedUnique((runs ?? []).map((run) => run.name)), [runs]);
  const visible = useMemo(() => (runs ?? []).filter((run) => !name || run.name === name), [runs, name]);
  const paramNames = useMemo(() => sortedUnique(visible.flatMap((run) => Object.keys(run.params))), [visible]);
  const metricNames = useMemo(() => sortedUnique(visible.flatMap((run) => Object.keys(run.finalMetrics))), [visible]);
  const chosenMetric = metricToPlot(metric, metricNames);
  const selectedRuns = visible.filter((run) => selected.has(run.id));
  // One colour per ticked run, kept while other runs are ticked or unticked (the index in the visible list).
  const curves = useMemo(
    () => selectedRuns.map((run) => ({ ...curveOf(run, chosenMetric), color: configColour(visible.indexOf(run)) })).filter((c) => c.steps.length > 0),
    [selectedRuns, visible, chosenMetric],
  );

  const remove = async (run: RunSummary) => {
    if (!window.confirm(`Delete the run "${runLabel(run)}"? This cannot be undone.`)) return;
    const response = await learnerFetch(`/api/experiments/runs/${run.id}`, { method: "DELETE" });
    if (!response.ok) {
      setError(`Could not delete the run (${response.status})`);
      return;
    }
    drop(run.id);
    reload();
  };

  return (
    <div>
      <RunFilters lessons={lessons} lesson={lesson} setLesson={setLesson} names={names} name={name} setName={setName} metricNames={metricNames} metric={chosenMetric} setMetric={setMetric} />

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

      {visible.length > 0 ? <RunsTable runs={visible} paramNames={paramNames} metricNames={metricNames} selected={selected} toggle={toggle} remove={remove} /> : null}
    </div>
  );
}
