import { lessonSlugs, readCourseOutline, readLesson } from "./files";

export interface OutlineLesson {
  slug: string;
  title: string;
  summary: string;
}

export interface OutlineModule {
  id: string;
  title: string;
  summary: string;
  /** Empty while the module's lessons are still being written ("coming soon"). */
  lessons: OutlineLesson[];
}

export interface Course {
  title: string;
  summary: string;
  modules: OutlineModule[];
}

/** The course as the home page lists it: modules in order, each with its lessons in order. */
export function loadCourse(): Course {
  const outline = readCourseOutline();
  const lessons = lessonSlugs().map((slug) => readLesson(slug));
  for (const lesson of lessons) {
    if (!outline.modules.some((module) => module.id === lesson.frontmatter.module)) {
      throw new Error(`lessons/${lesson.slug}.mdx: module "${lesson.frontmatter.module}" is not in lessons/course.json`);
    }
  }
  return {
    title: outline.title,
    summary: outline.summary,
    modules: outline.modules.map((module) => ({
      ...module,
      lessons: lessons
        .filter((lesson) => lesson.frontmatter.module === module.id)
        .sort((a, b) => a.frontmatter.order - b.frontmatter.order)
        .map((lesson) => ({ slug: lesson.slug, title: lesson.frontmatter.title, summary: lesson.frontmatter.summary })),
    })),
  };
}
