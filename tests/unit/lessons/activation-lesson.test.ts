import { parse, type Pattern } from "acorn";
import { simple as walkSimple } from "acorn-walk";
import { describe, expect, it } from "vitest";
import { collectCells } from "@/lib/lessons/cells";
import { dependencyNames, gradedNames } from "@/lib/lessons/exercise-scope";
import { collectExercises, parseLessonTree } from "@/lib/lessons/exercises";
import { readCourseOutline, readLesson } from "@/lib/lessons/files";
import { stripTypes } from "@/lib/kernel/rewrite/transpile";

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

/** The identifiers a check's code reads without declaring them (what it needs from outside). */
function freeNames(code: string): string[] {
  const program = parse(stripTypes(code), { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true });
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (pattern: Pattern | null): void => {
    if (!pattern) return;
    if (pattern.type === "Identifier") declared.add(pattern.name);
    else if (pattern.type === "ArrayPattern") pattern.elements.forEach(bind);
    else if (pattern.type === "ObjectPattern") pattern.properties.forEach((p) => bind(p.type === "RestElement" ? p.argument : p.value));
    else if (pattern.type === "RestElement") bind(pattern.argument);
    else if (pattern.type === "AssignmentPattern") bind(pattern.left);
  };
  walkSimple(program, {
    VariableDeclarator: (node) => bind(node.id),
    ArrowFunctionExpression: (node) => node.params.forEach(bind),
    FunctionExpression: (node) => node.params.forEach(bind),
    FunctionDeclaration: (node) => { if (node.id) declared.add(node.id.name); node.params.forEach(bind); },
    Identifier: (node) => used.add(node.name),   // expression identifiers only: not a.b's b, not { key: … }'s key
  });
  return [...used].filter((n) => !declared.has(n));
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

  it("tours the seven activations of the module plus GELU and SiLU, each with a cell that plots it with an autograd derivative", () => {
    const tour = sections().find((s) => s.title.startsWith("A tour"))!;
    const subsections = tour.text.split(/^### /m).slice(1);
    const names = subsections.map((s) => s.slice(0, s.indexOf("\n")));
    for (const name of ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU and PReLU", "ELU and SELU", "Softmax", "Linear", "GELU and SiLU"]) {
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

  it("gives every exercise point-carrying checks and marks sanity checks free (issue 17)", () => {
    for (const exercise of exercises) {
      const counted = exercise.checks.filter((c) => !c.free);
      expect(counted.some((c) => !c.hidden), `${exercise.id}: a visible check that carries points`).toBe(true);
      expect(counted.some((c) => c.hidden), `${exercise.id}: a hidden check that carries points`).toBe(true);
      for (const check of exercise.checks.filter((c) => c.free)) expect(check.name, exercise.id).toMatch(/sanity check/);
    }
  });

  it("finds the names a check reads from outside (self-test of freeNames)", () => {
    expect(freeNames("const [a, b] = helper(x);\nexpect.true(a.size > b, `${Math.max(a, 1)}`);\nfor (const [k, v] of pairs) use(k, v);").sort()).toEqual(["Math", "expect", "helper", "pairs", "use", "x"]);
  });

  it("writes checks that use only what the grader gives them: engine, expect, the starter's names and dependsOn cells", () => {
    const allowed = new Set(["torch", "nn", "F", "optim", "utils", "expect", "Math", "JSON", "Number", "String", "Object", "Array", "Infinity", "NaN", "undefined", "Boolean", "Error"]);
    for (const exercise of exercises) {
      const dependencies = cells.filter((c) => exercise.dependsOn.includes(c.id));
      const names = new Set([...allowed, ...gradedNames(exercise), ...dependencyNames(dependencies)]);
      for (const check of exercise.checks) {
        const free = freeNames(check.code).filter((n) => !names.has(n));
        expect(free, `${exercise.id} / ${check.name}`).toEqual([]);
      }
    }
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
