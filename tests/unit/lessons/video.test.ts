import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { byteRange } from "@/lib/api/byte-range";
import { parseLessonTree } from "@/lib/lessons/parse";
import { MediaFormatError, mediaPath, parseChapters, readChapters } from "@/lib/lessons/media";
import { checkVideos } from "@/scripts/lessons-check/video-checks";

const lesson = readFileSync("lessons/activation-functions.mdx", "utf8");

describe("video chapters (WebVTT, cue id = lesson heading id)", () => {
  it("reads each chapter's section, title and start", () => {
    const chapters = parseChapters("WEBVTT\n\nNOTE made by hand\n\nintro\n00:00.000 --> 00:05.500\nWhy it matters\n\nrelu\n01:02:03.250 --> 01:02:09.000\nReLU, up close\n");
    expect(chapters).toEqual([
      { section: "intro", title: "Why it matters", startSeconds: 0 },
      { section: "relu", title: "ReLU, up close", startSeconds: 3723.25 },
    ]);
  });

  it("refuses a file that is not WebVTT, a cue without a section id, and a bad timestamp", () => {
    expect(() => parseChapters("00:00.000 --> 00:01.000\nx")).toThrow(/starts with "WEBVTT"/);
    expect(() => parseChapters("WEBVTT\n\n00:00.000 --> 00:01.000\nTitle")).toThrow(MediaFormatError);
    expect(() => parseChapters("WEBVTT\n\nintro\n0:0.1 --> 00:01.000\nTitle")).toThrow(/not a WebVTT timestamp/);
  });

  it("the Activation Functions video's chapters all point at headings of its lesson", () => {
    expect(readChapters("activation-functions.chapters.vtt").length).toBeGreaterThanOrEqual(5);
    expect(checkVideos("activation-functions.mdx", 0, parseLessonTree(lesson))).toEqual([]);
  });

  it("lessons:check names a chapter whose heading was renamed, and a missing video file", () => {
    const renamed = lesson.replace("### 3. ReLU (rectified linear unit)", "### 3. ReLU").replace('src="activation-functions.webm"', 'src="missing.webm"');
    const messages = checkVideos("activation-functions.mdx", 0, parseLessonTree(renamed)).map((p) => p.message);
    expect(messages).toContainEqual(expect.stringMatching(/src="missing.webm" is not a file in media/));
    expect(messages).toContainEqual(expect.stringMatching(/points at #3-relu-rectified-linear-unit, which is not a heading/));
  });
});

describe("media files", () => {
  it("serves only plain names in media/, never a path out of it", () => {
    expect(mediaPath("activation-functions.webm")).toMatch(/media\/activation-functions\.webm$/);
    for (const name of ["../package.json", "..%2Fpackage.json", "/etc/passwd", "activation-functions.WEBM", ".env.vtt", "missing.webm"]) {
      expect(mediaPath(name)).toBeNull();
    }
  });
});

describe("byte ranges (how a browser seeks in a video)", () => {
  it("answers a, a-b, and -n ranges within the file", () => {
    expect(byteRange("bytes=0-99", 1000)).toEqual([0, 99]);
    expect(byteRange("bytes=900-", 1000)).toEqual([900, 999]);
    expect(byteRange("bytes=990-5000", 1000)).toEqual([990, 999]);
    expect(byteRange("bytes=-100", 1000)).toEqual([900, 999]);
    expect(byteRange("bytes=-5000", 1000)).toEqual([0, 999]);
  });

  it("whole file without a usable header; unsatisfiable past the end", () => {
    expect(byteRange(null, 1000)).toBeNull();
    expect(byteRange("bytes=0-1,5-9", 1000)).toBeNull();
    expect(byteRange("items=0-5", 1000)).toBeNull();
    expect(byteRange("bytes=50-10", 1000)).toBeNull();
    expect(byteRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(byteRange("bytes=-0", 1000)).toBe("unsatisfiable");
  });
});
