import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { compileLessonSource } from "@/lib/lessons/compile";
import { lessonSlugs } from "@/lib/lessons/files";
import { archivedVersions, lessonVersions, readLessonVersion } from "@/lib/lessons/versions";
import { ArchivedCell, ArchivedExercise, ArchivedExperimentCompare, ArchivedHint } from "@/app/_components/versions/ArchivedParts";
import { LessonVersions } from "@/app/_components/versions/LessonVersions";
import { Video } from "@/app/_components/video/Video";
import styles from "@/app/_components/versions/versions.module.css";

export const dynamicParams = false;

export function generateStaticParams() {
  return lessonSlugs().flatMap((slug) => archivedVersions(slug).map((version) => ({ slug, version: String(version) })));
}

type Params = { params: Promise<{ slug: string; version: string }> };

function earlierVersion(slug: string, version: string) {
  const number = Number(version);
  if (!/^\d+$/.test(version) || !archivedVersions(slug).includes(number)) return null;
  return readLessonVersion(slug, number);
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug, version } = await params;
  const source = earlierVersion(slug, version);
  return source ? { title: `${source.frontmatter.title} (version ${version}, read-only)`, robots: { index: false } } : {};
}

/** An earlier version of a lesson, read-only: its words and code as they were, nothing runs or saves. */
export default async function EarlierLessonVersion({ params }: Params) {
  const { slug, version } = await params;
  const source = earlierVersion(slug, version);
  if (!source) notFound();
  const { Content } = await compileLessonSource(source);
  const versions = lessonVersions(slug);
  const current = versions.find((entry) => entry.current)!;
  return (
    <article className="lesson">
      <nav className="breadcrumbs">
        <Link href="/">Course</Link> / <Link href={`/lessons/${slug}`}>{source.frontmatter.title}</Link> / <span>Version {version}</span>
      </nav>
      <h1>{source.frontmatter.title}</h1>
      <p className={styles.banner} role="note" data-testid="read-only-version">
        You are reading <strong>version {version}</strong> of this lesson. It is read-only: its cells do not run and its
        exercises cannot be submitted here. <Link href={`/lessons/${slug}`}>Open the current version ({current.version})</Link>, where your code and grades are.
      </p>
      <LessonVersions slug={slug} versions={versions} showing={Number(version)} />
      <div className="lesson-body">
        <Content components={{ Cell: ArchivedCell, Exercise: ArchivedExercise, Hint: ArchivedHint, ExperimentCompare: ArchivedExperimentCompare, Video }} />
      </div>
    </article>
  );
}
