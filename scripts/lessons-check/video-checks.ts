import { existsSync } from "node:fs";
import path from "node:path";
import GithubSlugger from "github-slugger";
import type { Root } from "mdast";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { isJsxElement } from "../../lib/lessons/exercises";
import { mediaPath, readChapters } from "../../lib/lessons/media";
import type { LessonProblem } from "./problems";

/** The ids rehype-slug gives the lesson's headings (same slugger, same order). */
function headingIds(tree: Root): Set<string> {
  const slugger = new GithubSlugger();
  const ids = new Set<string>();
  visit(tree, "heading", (heading) => void ids.add(slugger.slug(toString(heading))));
  return ids;
}

function attribute(node: { attributes?: unknown[] }, name: string): string | undefined {
  const found = (node.attributes as { type: string; name?: string; value?: unknown }[] | undefined)?.find((a) => a.type === "mdxJsxAttribute" && a.name === name);
  return typeof found?.value === "string" ? found.value : undefined;
}

/**
 * Every `<Video>` names files that exist (the video and captions in media/, the poster under
 * public/), and its chapters parse and point at headings of this lesson: a typo would
 * otherwise only show as a broken player or a chapter link that goes nowhere.
 */
export function checkVideos(file: string, offset: number, tree: Root): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const ids = headingIds(tree);
  visit(tree, (node) => {
    if (!isJsxElement(node, "Video")) return;
    const at = (message: string) => problems.push({ file, line: offset + (node.position?.start.line ?? 1), message: `<Video>: ${message}` });
    for (const name of ["src", "captions"]) {
      const value = attribute(node, name);
      if (!value) at(`needs a ${name}="..." naming a file in media/`);
      else if (!mediaPath(value)) at(`${name}="${value}" is not a file in media/ (lowercase name, .webm, .mp4 or .vtt)`);
    }
    const poster = attribute(node, "poster");
    if (poster && !existsSync(path.join(process.cwd(), "public", poster))) at(`poster="${poster}" is not a file under public/`);
    try {
      for (const chapter of readChapters(attribute(node, "chapters"))) {
        if (!ids.has(chapter.section)) at(`chapter "${chapter.title}" points at #${chapter.section}, which is not a heading of this lesson`);
      }
    } catch (error) {
      at((error as Error).message);
    }
  });
  return problems;
}
