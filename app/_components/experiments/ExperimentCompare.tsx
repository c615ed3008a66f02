"use client";

import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useNotebook } from "../notebook/NotebookProvider";
import { RunChart, type RunCurve } from "./RunChart";
import { curveOf } from "./runs-api";
import { announceRunsCleared, onRunEnded, onRunsCleared } from "./run-events";
import { comparisonTitle, configColour, groupLabel, groupRuns, varyingFields } from "./run-groups";
import { useRuns } from "./useRuns";
import { learnerFetch } from "@/app/_components/learner-fetch";

export interface ExperimentCompareProps {
  /** The run name given to experiments.start(name, ...) */
  name: string;
  /** The metric to plot (a key logged with run.log) */
  metric: string;
  /** Only runs started in this lesson (default: the learner's runs of that name anywhere). */
  lesson?: string;
}

/**
 * In a lesson: the learner's runs of one name on a chart of one metric, one line per
 * configuration (the latest run of it; older repeats on request), each configuration in its
 * own colour and labelled by what varies. Refreshes when a run ends on this page. "Clear old
 * runs" deletes the lesson's older repeats on the server.
 */
export function ExperimentCompare({ name, metric, lesson }: ExperimentCompareProps) {
  const { lessonSlug } = useNotebook();
  const { runs, error, setError, reload } = useRuns({ name, lesson });
  const [showRepeats, setShowRepeats] = useState(false);
  const [clearing, setClearing] = useState(false);

  useEffect(
    () =>
      onRunEnded((detail) => {
        if (detail.name === name) reload();
      }),
    [reload, name],
  );
  useEffect(() => onRunsCleared(reload), [reload]);

  const groups = useMemo(() => groupRuns(runs ?? []), [runs]);
  const varying = useMemo(() => varyingFields(groups), [groups]);
  const curves = useMemo(() => {
    const out: RunCurve[] = [];
    groups.forEach((group, index) => {
      const label = groupLabel(group, varying, groups);
      const withPoints = group.runs.map((run) => curveOf(run, metric)).filter((curve) => curve.steps.length > 0);
      // Newest first: the first with points is the latest drawn; older ones only on request.
      withPoints.slice(0, showRepeats ? undefined : 1).forEach((curve, i) => out.push({ ...curve, name: label, color: configColour(index), repeat: i > 0 }));
    });
    // Older repeats first, so the latest lines are drawn on top.
    return out.sort((a, b) => Number(b.repeat ?? false) - Number(a.repeat ?? false));
  }, [groups, varying, metric, showRepeats]);
  const repeats = (runs?.length ?? 0) - groups.length;

  const clearOld = async () => {
    if (!window.confirm("Delete your older repeats of every experiment in this lesson? The latest run of each configuration is kept.")) return;
    setClearing(true);
    try {
      const response = await learnerFetch(`/api/experiments/runs?lesson=${encodeURIComponent(lessonSlug)}`, { method: "DELETE" });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      announceRunsCleared();
    } catch (e) {
      setError(`Could not clear old runs: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setClearing(false);
    }
  };

  return (
    <section className="experiment-compare" aria-label={`Compare runs: ${name}, ${metric}`} data-testid="experiment-compare">
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
      {curves.length > 0 ? <RunChart curves={curves} metric={metric} title={comparisonTitle(metric, varying)} /> : null}
      {runs && runs.length > 0 ? (
        <div className="experiment-compare-footer">
          <span className="experiment-compare-count" data-testid="compare-run-count" data-configurations={groups.length} data-runs={runs.length}>
            {groups.length} configuration{groups.length === 1 ? "" : "s"} · {runs.length} run{runs.length === 1 ? "" : "s"}
            {repeats > 0 && !showRepeats ? ` (latest of each shown; ${repeats} older repeat${repeats === 1 ? "" : "s"} hidden)` : ""}
          </span>
          {repeats > 0 ? (
            <label>
              <input type="checkbox" checked={showRepeats} onChange={(e) => setShowRepeats(e.target.checked)} /> Show older repeats
            </label>
          ) : null}
          {repeats > 0 ? (
            <button type="button" onClick={() => void clearOld()} disabled={clearing} title="Delete older repeats of every experiment in this lesson; keeps the latest run of each configuration">
              {clearing ? "Clearing…" : "Clear old runs"}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
