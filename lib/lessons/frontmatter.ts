import { z } from "zod";

/** YAML reads an unquoted 2026-12-02 as a Date; either way the lesson keeps the plain day. */
const day = z
  .union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is written YYYY-MM-DD")])
  .transform((value) => (typeof value === "string" ? value : value.toISOString().slice(0, 10)));

/** One published revision of a lesson, newest first in `changelog`. */
export const changelogEntrySchema = z.object({
  version: z.number().int().positive(),
  /** When it was published; may be unknown for a version archived after the fact. */
  date: day.optional(),
  summary: z.string().min(1, "say in one line what changed"),
});

export const lessonFrontmatterSchema = z
  .object({
    title: z.string().min(1, "title must not be empty"),
    module: z.string().min(1, "module must name a module id from lessons/course.json"),
    order: z.number().int().nonnegative(),
    summary: z.string().min(1, "summary must not be empty"),
    /** The published revision learners see; earlier ones are kept in lessons/archive/<slug>/v<n>.mdx. */
    version: z.number().int().positive().default(1),
    changelog: z.array(changelogEntrySchema).default([]),
  })
  .superRefine((lesson, context) => {
    const versions = lesson.changelog.map((entry) => entry.version);
    if (versions.some((version, i) => i > 0 && version >= versions[i - 1])) {
      context.addIssue({ code: "custom", path: ["changelog"], message: "list the changes newest first, one entry per version" });
    }
    if (versions.some((version) => version > lesson.version)) {
      context.addIssue({ code: "custom", path: ["changelog"], message: `an entry is newer than the lesson's version ${lesson.version}` });
    }
    if (lesson.version > 1 && versions[0] !== lesson.version) {
      context.addIssue({ code: "custom", path: ["changelog"], message: `version ${lesson.version} needs a changelog entry saying what changed` });
    }
  });

export type LessonFrontmatter = z.infer<typeof lessonFrontmatterSchema>;

export const courseOutlineSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1),
  modules: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/, "module ids are lowercase words joined by dashes"),
        title: z.string().min(1),
        summary: z.string().min(1),
      }),
    )
    .min(1),
});

export type CourseOutline = z.infer<typeof courseOutlineSchema>;
