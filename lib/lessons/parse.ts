import { createProcessor } from "@mdx-js/mdx";
import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";

/** A lesson body's Markdown/MDX syntax tree, parsed the way the page compiles it. */
export function parseLessonTree(body: string): Root {
  return createProcessor({ remarkPlugins: [remarkGfm, remarkMath] }).parse(body) as Root;
}
