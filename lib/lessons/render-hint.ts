import type { Root, RootContent } from "mdast";
import { toHast } from "mdast-util-to-hast";
import { toHtml } from "hast-util-to-html";
import rehypeKatex from "rehype-katex";
import type { Root as HastRoot } from "hast";

/**
 * A hint's content as HTML, rendered on the server only when the learner opens it, so
 * unopened hints are in no page. Math renders with KaTeX like the rest of the lesson.
 */
export function renderHintHtml(children: readonly RootContent[]): string {
  const blocks: RootContent[] = children.some((child) => child.type === "paragraph" || child.type === "code" || child.type === "list" || child.type === "math")
    ? [...children]
    : [{ type: "paragraph", children: children as never }];
  const hast = toHast({ type: "root", children: blocks } as Root) as HastRoot;
  (rehypeKatex() as unknown as (tree: HastRoot) => void)(hast);
  return toHtml(hast);
}
