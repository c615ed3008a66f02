import Link from "next/link";
import { loadCourse } from "@/lib/lessons/outline";

export default function HomePage() {
  const course = loadCourse();
  return (
    <div className="home">
      <h1>{course.title}</h1>
      <p className="lead">{course.summary}</p>
      <ol className="module-list">
        {course.modules.map((module, index) => (
          <li key={module.id} className="module-card">
            <h2>
              <span className="module-number">Module {index + 1}</span> {module.title}
            </h2>
            <p>{module.summary}</p>
            {module.lessons.length > 0 ? (
              <ul className="lesson-list">
                {module.lessons.map((lesson) => (
                  <li key={lesson.slug}>
                    <Link href={`/lessons/${lesson.slug}`}>{lesson.title}</Link>
                    <span className="lesson-summary">{lesson.summary}</span>
                  </li>
                ))}
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
