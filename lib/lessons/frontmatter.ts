import { z } from "zod";

export const lessonFrontmatterSchema = z.object({
  title: z.string().min(1, "title must not be empty"),
  module: z.string().min(1, "module must name a module id from lessons/course.json"),
  order: z.number().int().nonnegative(),
  summary: z.string().min(1, "summary must not be empty"),
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
