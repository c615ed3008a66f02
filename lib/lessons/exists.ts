import { existsSync } from "node:fs";
import path from "node:path";

export function lessonExists(slug: string): boolean {
  return /^[a-z0-9-]+$/.test(slug) && existsSync(path.join(process.cwd(), "lessons", `${slug}.mdx`));
}
