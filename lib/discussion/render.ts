import type { Element, Root } from "hast";
import { toHtml } from "hast-util-to-html";
import rehypeKatex from "rehype-katex";
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { visit } from "unist-util-visit";

/**
 * Comments are Markdown (GFM, `$math$` and `$$math$$`, fenced code) rendered to HTML here, on the
 * server, and the page inserts that HTML as is. So everything a learner can smuggle in must be
 * made inert here:
 * - raw HTML in the Markdown never becomes HTML: remark-rehype without `allowDangerousHtml`
 *   drops it, and rehype-sanitize (GitHub's allowlist, narrowed below) removes any element,
 *   attribute or URL scheme it does not know, whatever produced it;
 * - links keep http(s), mailto and relative URLs only (no javascript:, data:, vbscript:), and get
 *   `rel="nofollow ugc noopener noreferrer"`;
 * - images become plain links (an <img> would load a third-party URL in every reader's browser);
 * - math is rendered by KaTeX *after* sanitising, from the sanitised text, with `trust: false`
 *   (no \href, \url, \htmlClass, \includegraphics output) and bounded sizes and macro
 *   expansion. KaTeX's output is its own markup (spans, MathML, inline SVG for stretchy
 *   symbols), never the learner's.
 * Bump RENDER_VERSION when the output changes: stored comments rendered by an older version are
 * rendered again when read (lib/discussion/comments.ts).
 */
export const RENDER_VERSION = 1;

const LINK_REL = ["nofollow", "ugc", "noopener", "noreferrer"];

const schema: SanitizeSchema = {
  ...defaultSchema,
  // Neither learners' images nor their form controls: task-list checkboxes are the only input
  // GitHub's schema keeps, and they stay (disabled) for "- [x] done" lists.
  tagNames: (defaultSchema.tagNames ?? []).filter((tag) => tag !== "img" && tag !== "picture" && tag !== "source"),
  attributes: {
    ...defaultSchema.attributes,
    // remark-math marks math as <code class="language-math math-inline|math-display">.
    code: [["className", /^language-./, "math-inline", "math-display"]],
  },
  protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], cite: ["http", "https"] },
};

/** Markdown images become links to the image, their alt text the link text. */
function imagesAsLinks() {
  return (tree: Root) => {
    visit(tree, "element", (node: Element) => {
      if (node.tagName !== "img") return;
      const alt = typeof node.properties.alt === "string" && node.properties.alt ? node.properties.alt : String(node.properties.src ?? "image");
      node.tagName = "a";
      node.properties = { href: node.properties.src };
      node.children = [{ type: "text", value: alt }];
    });
  };
}

/** Every link a learner wrote: not endorsed (nofollow ugc), and no window.opener for the target. */
function ugcLinks() {
  return (tree: Root) => {
    visit(tree, "element", (node: Element) => {
      if (node.tagName === "a" && node.properties.href !== undefined) node.properties.rel = LINK_REL;
    });
  };
}

/**
 * Math KaTeX cannot parse stays as the learner's TeX, marked `katex-error` (styled by the page):
 * without KaTeX's inline colour and its message, which repeats the source in a title attribute.
 */
function plainMathErrors() {
  return (tree: Root) => {
    visit(tree, "element", (node: Element) => {
      const classes = node.properties.className;
      if (Array.isArray(classes) && classes.includes("katex-error")) node.properties = { className: ["katex-error"] };
    });
  };
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm, { singleTilde: false })
  .use(remarkMath)
  .use(remarkRehype)
  .use(imagesAsLinks)
  .use(rehypeSanitize, schema)
  .use(ugcLinks)
  .use(rehypeKatex, { trust: false, strict: "ignore", maxSize: 10, maxExpand: 200, output: "htmlAndMathml" })
  .use(plainMathErrors)
  .freeze();

/** A comment's Markdown as sanitised HTML. */
export function renderCommentMarkdown(markdown: string): string {
  const tree = processor.runSync(processor.parse(markdown)) as Root;
  return toHtml(tree);
}
