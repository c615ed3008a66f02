import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LESSONS_DIR, parseLesson, readCourseOutline } from "@/lib/lessons/files";
import { validateLessonFile } from "@/scripts/lessons-check/index";
import { createLesson, existingLessons, scaffoldLesson, slugify } from "@/scripts/lessons-new";

const outline = readCourseOutline();
const lessons = existingLessons(LESSONS_DIR);

describe("lessons:new", () => {
  it("makes a slug from the title", () => {
    expect(slugify("Recurrent Networks: Part 1")).toBe("recurrent-networks-part-1");
    expect(slugify("  Élan & Attention  ")).toBe("elan-attention");
  });

  it("scaffolds a lesson that lessons:check accepts as generated (cells run, exercise graded, experiment recorded)", async () => {
    const { slug, text } = scaffoldLesson({ module: "deployment", title: "Serving: a first look", outline, lessons });
    expect(slug).toBe("serving-a-first-look");
    const dir = mkdtempSync(path.join(tmpdir(), "lessons-new-"));
    const file = path.join(dir, `${slug}.mdx`);
    writeFileSync(file, text);
    const { frontmatter } = parseLesson(slug, file, text);
    expect(frontmatter).toMatchObject({ title: "Serving: a first look", module: "deployment" });
    expect(text).toContain("**What this lesson assumes.**");
    // Links the lessons of the modules before it, in course order.
    const first = lessons.find((l) => l.module === outline.modules[0].id);
    if (first) expect(text).toContain(`(/lessons/${first.slug})`);
    for (const part of ["```ts starter", "```ts check name=", "```ts hidden name=", "```ts solution", "experiments.start(", "<ExperimentCompare"]) expect(text).toContain(part);

    const report = await validateLessonFile(file, { outline });
    expect(report.problems).toEqual([]);
    expect(report.exercises).toBe(1);
    expect(report.checks).toBe(2);
    expect(report.cellDurations.map((c) => c.id)).toEqual(["first-cell", "exercise-helpers", "first-experiment"]);
  }, 120_000);

  it("puts the lesson after the module's existing lessons", () => {
    const taken = lessons.filter((l) => l.module === "activation-functions").map((l) => l.order);
    const { text } = scaffoldLesson({ module: "activation-functions", title: "More activations", outline, lessons });
    expect(text).toMatch(new RegExp(`^order: ${Math.max(0, ...taken) + 1}$`, "m"));
  });

  it("refuses an unknown module, an empty title and an existing lesson, writing nothing", () => {
    expect(() => scaffoldLesson({ module: "no-such-module", title: "X", outline, lessons })).toThrow(/not a module of lessons\/course.json/);
    expect(() => scaffoldLesson({ module: "cnns", title: " !? ", outline, lessons })).toThrow(/title/);
    const existing = lessons[0];
    expect(() => scaffoldLesson({ module: existing.module, title: existing.slug.replace(/-/g, " "), outline, lessons })).toThrow(/already exists/);

    const dir = mkdtempSync(path.join(tmpdir(), "lessons-new-"));
    writeFileSync(path.join(dir, "course.json"), JSON.stringify(outline));
    const file = createLesson("cnns", "Pooling in depth", dir);
    expect(path.basename(file)).toBe("pooling-in-depth.mdx");
    const before = readFileSync(file, "utf8");
    expect(() => createLesson("cnns", "Pooling in depth", dir)).toThrow(/already exists/);
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
