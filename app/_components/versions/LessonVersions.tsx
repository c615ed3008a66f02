import Link from "next/link";
import type { LessonVersion } from "@/lib/lessons/versions";
import styles from "./versions.module.css";

function day(date: string | null): string {
  return date ? new Date(`${date}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }) : "";
}

/**
 * Which version of the lesson this page shows and what changed, with links to earlier
 * versions (read-only). `showing` is the version on screen; the newest is listed first.
 */
export function LessonVersions({ slug, versions, showing }: { slug: string; versions: LessonVersion[]; showing: number }) {
  const current = versions.find((version) => version.current)!;
  const shown = versions.find((version) => version.version === showing) ?? current;
  return (
    <details className={styles.versions} data-testid="lesson-version">
      <summary>
        Version {shown.version}
        {shown.date ? <> · {shown.current ? "updated" : "published"} {day(shown.date)}</> : null}
        {shown.current && shown.summary && versions.length > 1 ? <span className={styles.change}>: {shown.summary}</span> : null}
      </summary>
      <ol className={styles.list} aria-label="Versions of this lesson">
        {versions.map((version) => (
          <li key={version.version} aria-current={version.version === showing ? "page" : undefined}>
            <strong>Version {version.version}</strong>
            {version.date ? ` (${day(version.date)})` : null}
            {version.summary ? `: ${version.summary}` : null}{" "}
            {version.version === showing ? (
              <span className={styles.muted}>(this page)</span>
            ) : version.current ? (
              <Link href={`/lessons/${slug}`}>Open the current version</Link>
            ) : (
              <Link href={`/lessons/${slug}/versions/${version.version}`}>Read version {version.version}</Link>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
