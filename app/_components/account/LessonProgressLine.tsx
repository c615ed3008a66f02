import styles from "./progress.module.css";

export interface LessonProgressView {
  cellsRun: number;
  cellCount: number;
  exercisesPassed: number;
  exerciseCount: number;
  completed: boolean;
}

/** "3/7 cells run · 1/3 exercises passed", or "Completed". */
export function LessonProgressLine({ progress }: { progress: LessonProgressView }) {
  const fraction = progress.cellCount ? progress.cellsRun / progress.cellCount : 0;
  return (
    <span className={styles.progress} data-testid="lesson-progress">
      <span className={styles.bar} aria-hidden="true">
        <span className={styles.fill} style={{ width: `${Math.round(100 * fraction)}%`, display: "block" }} />
      </span>
      <span>
        {progress.cellsRun}/{progress.cellCount} cells run
      </span>
      {progress.exerciseCount > 0 ? (
        <span>
          {progress.exercisesPassed}/{progress.exerciseCount} exercises passed
        </span>
      ) : null}
      {progress.completed ? <span className={styles.done}>Completed</span> : null}
    </span>
  );
}
