import type { ProgressData } from "@/lib/kernel/display/mime";

export function ProgressOutput({ progress }: { progress: ProgressData }) {
  const percent = progress.total > 0 ? Math.min(100, (100 * progress.value) / progress.total) : 0;
  return (
    <div className="output-progress" data-testid="progress-output">
      {progress.label ? <span className="progress-label">{progress.label}</span> : null}
      <progress max={progress.total} value={Math.min(progress.value, progress.total)} aria-label={progress.label || "progress"} />
      <span className="progress-text">
        {Math.floor(percent)}% · {progress.value}/{progress.total} · {progress.elapsed_s.toFixed(1)} s{progress.postfix ? ` · ${progress.postfix}` : ""}
      </span>
    </div>
  );
}
