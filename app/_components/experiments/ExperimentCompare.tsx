"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { RunChart } from "./RunChart";
import { curveOf, fetchRuns, type RunSummary } from "./runs-api";
import { onRunEnded } from "./run-events";

export interface ExperimentCompareProps {
  /** The run name given to experiments.start(name, ...) */
  name: string;
  /** The metric to plot (a key logged with run.log) */
  metric: string;
  /** Only runs started in this lesson (default: the learner's runs of that name anywhere). */
  lesson?: string;
}

/**
 * In a lesson: overlays the learner's runs of one name on a chart of one metric. Refreshes
 * when a run ends on this page, so the comparison grows as the learner experiments.
 */
export function ExperimentCompare({ name, metric, lesson }: ExperimentCompareProps) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    fetchRuns({ name, lesson, points: true })
      .then((loaded) => {
        setRuns(loaded);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [name, lesson]);

  useEffect(() => {
    load();
    return onRunEnded((detail) => {
      if (detail.name === name) load();
    });
  }, [load, name]);

  const curves = useMemo(() => (runs ?? []).map((run) => curveOf(run, metric)).filter((curve) => curve.steps.length > 0), [runs, metric]);

  return (
    <section className="experiment-compare" aria-label={`Compare runs: ${name}`} data-testid="experiment-compare">
      <header>
        <strong>Your runs of “{name}”</strong> — {metric}{" "}
        <Link href={`/experiments?name=${encodeURIComponent(name)}`}>all experiments</Link>
      </header>
      {error ? <p className="error">{error}</p> : null}
      {runs === null && !error ? <p>Loading runs…</p> : null}
      {runs !== null && curves.length === 0 ? (
        <p>
          No runs yet. Run a cell that calls <code>experiments.start(&quot;{name}&quot;, …)</code> and logs <code>{metric}</code>.
        </p>
      ) : null}
      {curves.length > 0 ? <RunChart curves={curves} metric={metric} /> : null}
      {runs && runs.length > 0 ? (
        <p className="experiment-compare-count" data-testid="compare-run-count">
          {curves.length} run{curves.length === 1 ? "" : "s"} shown
        </p>
      ) : null}
    </section>
  );
}
