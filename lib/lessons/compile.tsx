import { evaluate } from "@mdx-js/mdx";
import type { ComponentType } from "react";
import * as runtime from "react/jsx-runtime";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import rehypeKatex from "rehype-katex";
import rehypeSlug from "rehype-slug";
import { remarkCells } from "./remark-cells";
import { remarkExercises } from "./remark-exercises";
import { readLesson, type LessonSource } from "./files";

export interface CompiledLesson {
  source: LessonSource;
  Content: ComponentType<{ components?: Record<string, ComponentType<never>> }>;
}

// remarkExercises runs before remarkCells: it checks `dependsOn` against the ```ts cell blocks.
export const remarkPlugins = [remarkGfm, remarkMath, remarkExercises, remarkCells];
// rehypeSlug gives every heading an id (GitHub's slugs), so video chapters and links can jump to a section.
export const rehypePlugins = [rehypeSlug, rehypeKatex];

/** Compiles a lesson's MDX on the server (at build time for static pages). */
export async function compileLesson(slug: string): Promise<CompiledLesson> {
  return compileLessonSource(readLesson(slug));
}

/** Compiles a given version of a lesson (lib/lessons/versions.ts reads earlier ones). */
export async function compileLessonSource(source: LessonSource): Promise<CompiledLesson> {
  const mdxModule = await evaluate(source.body, { ...runtime, remarkPlugins, rehypePlugins, development: false });
  return { source, Content: mdxModule.default as CompiledLesson["Content"] };
}
