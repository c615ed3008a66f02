import Link from "next/link";
import { loadCourse } from "@/lib/lessons/outline";
import { getPageUser } from "@/lib/auth/request-user";
import { progressOf, type LessonProgressSummary } from "@/lib/db/progress";
import { lessonParts } from "@/lib/lessons/lesson-parts";
import { ContinueLink } from "./_components/account/ContinueLink";
import { LessonProgressLine } from "./_components/account/LessonProgressLine";

export default async function HomePage() {
  const course = loadCourse();
  const user = await getPageUser();
  const progress = user ? await progressOf(user.id) : [];
  const bySlug = new Map<string, LessonProgressSummary>(progress.map((p) => [p.lessonSlug, p]));
  const lessons = course.modules.flatMap((module) => module.lessons);
  // progressOf is ordered by most recently opened: the first one still in the course is where they stopped.
  const last = progress.find((p) => lessons.some((lesson) => lesson.slug === p.lessonSlug));
  const lastLesson = last ? lessons.find((lesson) => lesson.slug === last.lessonSlug) : undefined;

  return (
    <div className="home">
      <h1>{course.title}</h1>
      <p className="lead">{course.summary}</p>
      {last && lastLesson ? <ContinueLink lessonSlug={last.lessonSlug} lessonTitle={lastLesson.title} cellId={last.lastCellId} /> : null}
      <ol className="module-list">
        {course.modules.map((module, index) => (
          <li key={module.id} className="module-card">
            <h2>
              <span className="module-number">Module {index + 1}</span> {module.title}
            </h2>
            <p>{module.summary}</p>
            {module.lessons.length > 0 ? (
              <ul className="lesson-list">
                {module.lessons.map((lesson) => {
                  const mine = bySlug.get(lesson.slug);
                  const parts = mine ? lessonParts(lesson.slug) : null;
                  return (
                    <li key={lesson.slug} data-lesson={lesson.slug}>
                      <Link href={`/lessons/${lesson.slug}`}>{lesson.title}</Link>
                      <span className="lesson-summary">{lesson.summary}</span>
                      {mine && parts ? (
                        <LessonProgressLine
                          progress={{
                            cellsRun: mine.cellsRun.filter((id) => parts.cellIds.includes(id)).length,
                            cellCount: parts.cellIds.length,
                            exercisesPassed: mine.exercisesPassed.filter((id) => parts.exerciseIds.includes(id)).length,
                            exerciseCount: parts.exerciseIds.length,
                            // An exercise passed after the last cell run completes the lesson too.
                            completed: mine.completedAt !== null || (parts.cellIds.every((id) => mine.cellsRun.includes(id)) && parts.exerciseIds.every((id) => mine.exercisesPassed.includes(id))),
                          }}
                        />
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="coming-soon">Coming soon</p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
