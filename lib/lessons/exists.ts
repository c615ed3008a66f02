import { existsSync } from "node:fs";
import path from "node:path";
import { LESSONS_DIR } from "./files";

export function lessonExists(slug: string): boolean {
  return existsSync(path.join(LESSONS_DIR, `${slug}.mdx`));
}
