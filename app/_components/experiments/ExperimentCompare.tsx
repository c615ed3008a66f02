"use client";

import { useEffect, useMemo } from "react";
import Link from "next/link";
import { RunChart } from "./RunChart";
import { curveOf } from "./runs-api";
import { onRunEnded } from "./run-events";
import { useRuns } from "./useRuns";

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
  const { runs, error, reload } = useRuns({ name, lesson });

  useEffect(
    () =>
      onRunEnded((detail) => {
        if (detail.name === name) reload();
      }),
    [reload, name],
  );

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
