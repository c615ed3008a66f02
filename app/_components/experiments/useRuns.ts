"use client";

import { useCallback, useEffect, useState } from "react";
import { fetchRuns, type RunSummary } from "./runs-api";

/**
 * The learner's runs matching a filter, with their points, loaded when the filter changes;
 * `runs` is null until the first answer. `reload` asks again (after a delete, or when a run
 * ends on the page).
 */
export function useRuns(filter: { lesson?: string; name?: string }) {
  const { lesson, name } = filter;
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    fetchRuns({ lesson, name, points: true })
      .then((loaded) => {
        setRuns(loaded);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [lesson, name]);

  useEffect(() => reload(), [reload]);

  return { runs, error, setError, reload };
}
