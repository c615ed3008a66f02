import Link from "next/link";
import styles from "./progress.module.css";

/** Back to where the learner stopped: the lesson, scrolled to the last cell they ran. */
export function ContinueLink({ lessonSlug, lessonTitle, cellId }: { lessonSlug: string; lessonTitle: string; cellId: string | null }) {
  const href = `/lessons/${lessonSlug}${cellId ? `#${encodeURIComponent(cellId)}` : ""}`;
  return (
    <Link href={href} className={styles.continue} data-testid="continue-link">
      Continue: {lessonTitle} →
    </Link>
  );
}
