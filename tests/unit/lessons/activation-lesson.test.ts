import { describe, expect, it } from "vitest";
import { collectCells } from "@/lib/lessons/cells";
import { collectExercises, parseLessonTree } from "@/lib/lessons/exercises";
import { readCourseOutline, readLesson } from "@/lib/lessons/files";

/**
 * The shape the course promises for the Activation Functions lesson (issue 7). That every cell
 * runs and every exercise grades is `npm run lessons:check`'s job; this checks the structure.
 */
const lesson = readLesson("activation-functions");
const tree = parseLessonTree(lesson.body);
const cells = collectCells(tree);
const exercises = collectExercises(tree);

/** The lesson body split at its `## ` headings. */
function sections(): { title: string; text: string }[] {
  const parts = lesson.body.split(/^## /m).slice(1);
  return parts.map((part) => ({ title: part.slice(0, part.indexOf("\n")).trim(), text: part }));
}

describe("the Activation Functions lesson", () => {
  it("is titled as the issue asks and belongs to the activation-functions module", () => {
    expect(lesson.frontmatter.title).toBe("Activation Functions");
    expect(readCourseOutline().modules.map((m) => m.id)).toContain(lesson.frontmatter.module);
    expect(lesson.frontmatter.module).toBe("activation-functions");
  });

  it("has at least 25 runnable cells with unique ids", () => {
    expect(cells.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
  });

  it("has a runnable cell in every section except the takeaways", () => {
    const withoutCells = sections().filter((s) => s.title !== "Key takeaways" && !s.text.includes("```ts cell")).map((s) => s.title);
    expect(withoutCells).toEqual([]);
    expect(sections().map((s) => s.title)).toContain("Key takeaways");
  });

  it("tours all seven activations, each with a cell that plots it with an autograd derivative", () => {
    const tour = sections().find((s) => s.title.startsWith("A tour"))!;
    const subsections = tour.text.split(/^### /m).slice(1);
    const names = subsections.map((s) => s.slice(0, s.indexOf("\n")));
    for (const name of ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU and PReLU", "ELU and SELU", "Softmax", "Linear"]) {
      const sub = subsections[names.findIndex((n) => n.includes(name))];
      expect(sub, name).toBeDefined();
      expect(sub, name).toMatch(/\$\$[\s\S]+\$\$/); // a KaTeX formula
      expect(sub, name).toMatch(/plotActivation\(/);
    }
    const helper = cells.find((c) => c.id === "plot-helper")!;
    expect(helper.code).toMatch(/\.sum\(\)\.backward\(\)/);
    expect(helper.code).toMatch(/z\.grad/);
  });

  it("has at least five exercises, each with starter, visible and hidden checks, hints and a solution", () => {
    expect(exercises.length).toBeGreaterThanOrEqual(5);
    for (const exercise of exercises) {
      expect(exercise.starter.trim(), exercise.id).not.toBe("");
      expect(exercise.solution, exercise.id).not.toBeNull();
      expect(exercise.checks.some((c) => !c.hidden), `${exercise.id} visible`).toBe(true);
      expect(exercise.checks.some((c) => c.hidden), `${exercise.id} hidden`).toBe(true);
      expect(exercise.hintCount, exercise.id).toBeGreaterThanOrEqual(1);
    }
  });

  it("records the three quick experiments and overlays each with ExperimentCompare", () => {
    for (const name of ["activation-sweep", "class-imbalance", "dead-relu-recovery"]) {
      expect(cells.some((c) => c.code.includes(`experiments.start("${name}"`)), name).toBe(true);
      expect(lesson.body).toMatch(new RegExp(`<ExperimentCompare name="${name}" metric="\\w+" />`));
    }
    const sweep = cells.find((c) => c.code.includes('experiments.start("activation-sweep"'))!;
    for (const activation of ["sigmoid", "tanh", "relu"]) expect(sweep.code).toContain(`${activation}: () =>`);
  });

  it("shows the Keras and PyTorch examples as Python, each beside a runnable cell", () => {
    const python = [...lesson.body.matchAll(/```python\n([\s\S]*?)```\n\n```ts cell id=([\w-]+)/g)];
    expect(python.map((m) => m[2])).toEqual(["keras-example", "pytorch-example"]);
    expect(python[0][1]).toContain("Dense(num_classes, activation='softmax')");
    expect(python[1][1]).toContain("class Net(nn.Module)");
  });

  it("says what it assumes from earlier modules", () => {
    for (const topic of ["weights", "biases", "forward and backward propagation", "scikit-learn pipelines", "save and load", "class imbalance"]) {
      expect(lesson.body.slice(0, 1500)).toContain(topic);
    }
  });
});

describe("the course outline", () => {
  it("lists the seven modules of Deep Learning Foundations in order", () => {
    const outline = readCourseOutline();
    expect(outline.title).toBe("Deep Learning Foundations");
    expect(outline.modules.map((m) => m.id)).toEqual([
      "neural-network-basics",
      "activation-functions",
      "initialization-and-normalization",
      "training-loop-and-optimizers",
      "cnns",
      "transformers",
      "deployment",
    ]);
  });
});
