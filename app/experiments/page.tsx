import type { Metadata } from "next";
import { loadCourse } from "@/lib/lessons/outline";
import { ExperimentsBrowser } from "@/app/_components/experiments/ExperimentsBrowser";

export const metadata: Metadata = { title: "Experiments" };

type Props = { searchParams: Promise<{ name?: string | string[]; lesson?: string | string[] }> };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function ExperimentsPage({ searchParams }: Props) {
  const query = await searchParams;
  const lessons = loadCourse().modules.flatMap((module) => module.lessons.map((lesson) => ({ slug: lesson.slug, title: lesson.title })));
  return (
    <div>
      <h1>Experiments</h1>
      <p className="lead">Every run you logged with <code>experiments.start(…)</code>: compare curves, parameters and final metrics.</p>
      <ExperimentsBrowser lessons={lessons} initialName={first(query.name)} initialLesson={first(query.lesson)} />
    </div>
  );
}
