import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Lesson videos and their WebVTT tracks live in media/ at the repository root, not in public/:
 * they are served by GET /api/media/<file> to signed-in learners only (as on the original
 * course site, guests are asked to sign in to watch). Posters stay public (public/media/).
 */
export const MEDIA_DIR = path.join(process.cwd(), "media");

/** A file name in media/: no folders, a lowercase name, an optional tag (".en", ".chapters") and a type we serve. */
export const MEDIA_FILE_PATTERN = /^[a-z0-9][a-z0-9-]*(\.[a-z]+)?\.(webm|mp4|vtt)$/;

const CONTENT_TYPES: Record<string, string> = { webm: "video/webm", mp4: "video/mp4", vtt: "text/vtt; charset=utf-8" };

export function mediaContentType(file: string): string {
  return CONTENT_TYPES[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream";
}

/** The path of a media file, or null when the name is not one we serve or the file is missing. */
export function mediaPath(file: string): string | null {
  if (!MEDIA_FILE_PATTERN.test(file)) return null;
  // Spelled out (not MEDIA_DIR) so the bundler's file tracing stays inside media/.
  const full = path.join(process.cwd(), "media", file);
  return existsSync(full) && statSync(full).isFile() ? full : null;
}

/** The URL a page uses for a media file. */
export function mediaUrl(file: string): string {
  return `/api/media/${file}`;
}

export interface VideoChapter {
  /** The id of the lesson heading the chapter illustrates (rehype-slug's id). */
  section: string;
  title: string;
  startSeconds: number;
}

export class MediaFormatError extends Error {}

function seconds(stamp: string, where: string): number {
  const match = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/.exec(stamp);
  if (!match) throw new MediaFormatError(`${where}: "${stamp}" is not a WebVTT timestamp (hh:mm:ss.ttt or mm:ss.ttt)`);
  const [, h = "0", m, s, ms] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/**
 * Reads a WebVTT chapters track whose cue identifiers name lesson sections:
 *
 *   1-sigmoid-the-logistic-function
 *   00:00:06.000 --> 00:00:14.000
 *   Sigmoid
 *
 * The cue id is the heading id the chapter jumps to; the cue text is the chapter's title.
 */
export function parseChapters(vtt: string, file = "chapters"): VideoChapter[] {
  const blocks = vtt.replace(/\r\n?/g, "\n").trim().split(/\n{2,}/);
  if (!blocks[0]?.startsWith("WEBVTT")) throw new MediaFormatError(`${file}: a WebVTT file starts with "WEBVTT"`);
  const chapters: VideoChapter[] = [];
  for (const block of blocks.slice(1)) {
    const lines = block.split("\n");
    if (lines[0].startsWith("NOTE")) continue;
    const timingLine = lines.findIndex((line) => line.includes("-->"));
    if (timingLine !== 1) throw new MediaFormatError(`${file}: each chapter cue needs a section id line, then its timing line ("${lines[0]}")`);
    const start = lines[1].split("-->")[0].trim();
    const title = lines.slice(2).join(" ").trim();
    if (!title) throw new MediaFormatError(`${file}: the chapter for "${lines[0]}" has no title`);
    chapters.push({ section: lines[0].trim(), title, startSeconds: seconds(start, file) });
  }
  return chapters;
}

/** A lesson video's chapters, read at build time; an empty list when it has none. */
export function readChapters(file: string | undefined): VideoChapter[] {
  if (!file) return [];
  if (!mediaPath(file) || !file.endsWith(".vtt")) throw new MediaFormatError(`media/${file} is missing or not a .vtt file we serve`);
  return parseChapters(readFileSync(path.join(process.cwd(), "media", file), "utf8"), `media/${file}`);
}
