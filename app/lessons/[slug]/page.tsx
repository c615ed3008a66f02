import type { ComponentProps } from "react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { compileLesson } from "@/lib/lessons/compile";
import { lessonSlugs } from "@/lib/lessons/files";
import { lessonExists } from "@/lib/lessons/exists";
import { notebookParts } from "@/lib/lessons/notebook-parts";
import { NotebookProvider } from "@/app/_components/notebook/NotebookProvider";
import { CodeCell } from "@/app/_components/notebook/CodeCell";
import { Exercise } from "@/app/_components/exercise/Exercise";
import { Hint } from "@/app/_components/exercise/Hint";
import { ExperimentCompare } from "@/app/_components/experiments/ExperimentCompare";
import { CommentCountLink } from "@/app/_components/discussion/CommentCountLink";
import { LessonDiscussion } from "@/app/_components/discussion/LessonDiscussion";
import { Video } from "@/app/_components/video/Video";
import { LessonVersions } from "@/app/_components/versions/LessonVersions";
import { EarlierWork } from "@/app/_components/versions/EarlierWork";
import { lessonVersions } from "@/lib/lessons/versions";

export const dynamicParams = false;

export function generateStaticParams() {
  return lessonSlugs().map((slug) => ({ slug }));
}

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug } = await params;
  if (!lessonExists(slug)) return {};
  const { source } = await compileLesson(slug);
  return { title: source.frontmatter.title, description: source.frontmatter.summary };
}

/** A static code block may scroll sideways: focusable, so a keyboard can scroll it (axe: scrollable-region-focusable). */
function FocusablePre(props: ComponentProps<"pre">) {
  return <pre tabIndex={0} {...props} />;
}

export default async function LessonPage({ params }: Params) {
  const { slug } = await params;
  if (!lessonExists(slug)) notFound();
  const { source, Content } = await compileLesson(slug);
  return (
    <article className="lesson">
      <nav className="breadcrumbs">
        <Link href="/">Course</Link> / <span>{source.frontmatter.title}</span>
      </nav>
      <h1>{source.frontmatter.title}</h1>
      <p className="lead">{source.frontmatter.summary}</p>
      <LessonVersions slug={slug} versions={lessonVersions(slug)} showing={source.frontmatter.version} />
      <CommentCountLink />
      <NotebookProvider lessonSlug={slug} lessonTitle={source.frontmatter.title} parts={notebookParts(source.body)}>
        <div className="lesson-body">
          <Content components={{ Cell: CodeCell, ExperimentCompare, Exercise, Hint, Video, pre: FocusablePre }} />
        </div>
        <EarlierWork lessonSlug={slug} />
      </NotebookProvider>
      <LessonDiscussion lessonSlug={slug} />
    </article>
  );
}
