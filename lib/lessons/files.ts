import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { courseOutlineSchema, lessonFrontmatterSchema, type CourseOutline, type LessonFrontmatter } from "./frontmatter";

export const LESSONS_DIR = path.join(process.cwd(), "lessons");

export interface LessonSource {
  slug: string;
  file: string;
  frontmatter: LessonFrontmatter;
  /** The MDX body without its frontmatter. */
  body: string;
  /** Lines taken by the frontmatter, to turn body line numbers into file line numbers. */
  bodyLineOffset: number;
}

export class LessonFormatError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${path.relative(process.cwd(), file)}: ${message}`);
  }
}

export function lessonSlugs(): string[] {
  return readdirSync(path.join(process.cwd(), "lessons"))
    .filter((name) => name.endsWith(".mdx"))
    .map((name) => name.slice(0, -".mdx".length))
    .sort();
}

export function readLesson(slug: string): LessonSource {
  const file = path.join(process.cwd(), "lessons", `${slug}.mdx`);
  return parseLesson(slug, file, readFileSync(file, "utf8"));
}

/** Parses a lesson's frontmatter and body; `file` is only used in messages. */
export function parseLesson(slug: string, file: string, raw: string): LessonSource {
  const parsed = matter(raw);
  const result = lessonFrontmatterSchema.safeParse(parsed.data);
  if (!result.success) {
    throw new LessonFormatError(file, `invalid frontmatter: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const bodyStart = raw.indexOf(parsed.content);
  const bodyLineOffset = bodyStart > 0 ? raw.slice(0, bodyStart).split("\n").length - 1 : 0;
  return { slug, file, frontmatter: result.data, body: parsed.content, bodyLineOffset };
}

export function readCourseOutline(): CourseOutline {
  const file = path.join(process.cwd(), "lessons", "course.json");
  const result = courseOutlineSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!result.success) throw new LessonFormatError(file, result.error.message);
  return result.data;
}
