import { describe, expect, it } from "vitest";
import { collectExercises, parseExerciseMeta, parseLessonTree, readLessonExercises } from "@/lib/lessons/exercises";
import { lessonSlugs } from "@/lib/lessons/files";
import { renderHintHtml } from "@/lib/lessons/render-hint";
import { compile } from "@mdx-js/mdx";
import { remarkPlugins } from "@/lib/lessons/compile";

const fence = "```";
const LESSON = `
Intro.

${fence}ts cell id=setup-data
const xs = torch.tensor([1, 2, 3]);
${fence}

<Exercise id="leaky-relu" points={2} title="Implement Leaky ReLU" attemptsBeforeSolution={3} dependsOn="setup-data">
Instructions in **Markdown** with $x^2$.

${fence}ts starter
function leaky_relu(x: Tensor, slope = 0.01): Tensor {
  // your code
}
${fence}

${fence}ts check name="matches F.leaky_relu on a small input"
const x = torch.tensor([-2, -0.5, 0, 1.5]);
expect.allclose(leaky_relu(x, 0.1), F.leaky_relu(x, 0.1));
${fence}

${fence}ts hidden name="keeps gradients flowing for negative inputs"
const SECRET_MARKER_7f3a = 1;
expect.gradcheck((x) => leaky_relu(x, 0.2), [torch.randn([5], { dtype: torch.float64, requires_grad: true })]);
${fence}

${fence}ts solution
function leaky_relu(x: Tensor, slope = 0.01): Tensor {
  return torch.where(x.gt(0), x, x.mul(slope)); // SOLUTION_MARKER_91c2
}
${fence}

<Hint>Use \`torch.where\` with a mask from \`x.gt(0)\`.</Hint>
<Hint>Compare with zero first.</Hint>
<Hint>
The negative side is \`x.mul(slope)\`.
</Hint>
</Exercise>
`;

describe("parseExerciseMeta", () => {
  it("reads the role and quoted options with spaces", () => {
    const { kind, options } = parseExerciseMeta(`check name="matches F.leaky_relu on a small input" weight=2`);
    expect(kind).toBe("check");
    expect(options.get("name")).toBe("matches F.leaky_relu on a small input");
    expect(options.get("weight")).toBe("2");
  });
});

describe("collectExercises", () => {
  it("extracts every part of the documented form", () => {
    const [exercise, ...rest] = collectExercises(parseLessonTree(LESSON));
    expect(rest).toHaveLength(0);
    expect(exercise).toMatchObject({ id: "leaky-relu", points: 2, title: "Implement Leaky ReLU", attemptsBeforeSolution: 3, dependsOn: ["setup-data"], hintCount: 3 });
    expect(exercise.starter).toContain("function leaky_relu");
    expect(exercise.solution).toContain("torch.where");
    expect(exercise.checks.map((c) => [c.name, c.hidden])).toEqual([
      ["matches F.leaky_relu on a small input", false],
      ["keeps gradients flowing for negative inputs", true],
    ]);
  });

  it("defaults points to 1, attempts to 3 and the title to the id", () => {
    const [exercise] = collectExercises(parseLessonTree(`<Exercise id="x">\n\n${fence}ts starter\nlet a = 1;\n${fence}\n\n${fence}ts check name="a"\nexpect.true(a === 1, "a")\n${fence}\n</Exercise>\n`));
    expect(exercise).toMatchObject({ points: 1, attemptsBeforeSolution: 3, title: "x", solution: null, dependsOn: [] });
  });

  it.each([
    ["a missing starter", `<Exercise id="x">\n\n${fence}ts check name="a"\n1\n${fence}\n</Exercise>`, /missing the ```ts starter/],
    ["no checks", `<Exercise id="x">\n\n${fence}ts starter\n1\n${fence}\n</Exercise>`, /at least one/],
    ["a check without a name", `<Exercise id="x">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check\n1\n${fence}\n</Exercise>`, /needs a name=/],
    ["a block without a role", `<Exercise id="x">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts\n1\n${fence}\n</Exercise>`, /needs a role/],
    ["an unknown dependency", `<Exercise id="x" dependsOn="nope">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check name="a"\n1\n${fence}\n</Exercise>`, /no ```ts cell id=nope/],
    ["a bad id", `<Exercise id="Bad Id">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check name="a"\n1\n${fence}\n</Exercise>`, /id: must be lowercase/],
    ["negative points", `<Exercise id="x" points={-1}>\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check name="a"\n1\n${fence}\n</Exercise>`, /points/],
    ["a hidden block nested in a blockquote", `<Exercise id="x">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check name="a"\n1\n${fence}\n\n> ${fence}ts hidden name="b"\n> 1\n> ${fence}\n</Exercise>`, /direct child/],
  ])("rejects %s with a message saying what is wrong", (_label, source, message) => {
    expect(() => collectExercises(parseLessonTree(source))).toThrow(message);
  });

  it("rejects a dependency declared after the exercise", () => {
    const source = `<Exercise id="x" dependsOn="later">\n\n${fence}ts starter\n1\n${fence}\n\n${fence}ts check name="a"\n1\n${fence}\n</Exercise>\n\n${fence}ts cell id=later\n1\n${fence}\n`;
    expect(() => collectExercises(parseLessonTree(source))).toThrow(/comes after the exercise/);
  });
});

describe("the compiled lesson", () => {
  it("keeps the starter and visible checks but drops hidden checks, hints and the solution", async () => {
    const compiled = String(await compile(LESSON, { remarkPlugins }));
    expect(compiled).toContain("matches F.leaky_relu on a small input");
    expect(compiled).toContain("function leaky_relu");
    expect(compiled).not.toContain("SECRET_MARKER_7f3a");
    expect(compiled).not.toContain("gradcheck");
    expect(compiled).not.toContain("SOLUTION_MARKER_91c2");
    expect(compiled).toContain('hiddenCheckCount: "1"');
    // Hints leave the page too (the hint API serves each once opened); only their number stays.
    expect(compiled).toContain('hintCount: "3"');
    expect(compiled).not.toContain("Compare with zero first");
    expect(compiled).not.toMatch(/_components\.Hint|\(Hint, \{/);
  });

  it("renders each hint to HTML for the hint API, math and code included", () => {
    const [exercise] = collectExercises(parseLessonTree(LESSON));
    expect(exercise.hints).toHaveLength(3);
    expect(exercise.hints[0]).toBe("<p>Use <code>torch.where</code> with a mask from <code>x.gt(0)</code>.</p>");
    expect(exercise.hints[1]).toBe("<p>Compare with zero first.</p>");
    expect(exercise.hints[2]).toBe("<p>The negative side is <code>x.mul(slope)</code>.</p>");
    const withMath = parseLessonTree("Scale by $\\sqrt{2}$ here.").children;
    expect(renderHintHtml(withMath)).toContain('class="katex"');
  });
});

describe("the course's lessons", () => {
  it.each(lessonSlugs())("%s: every exercise parses", (slug) => {
    const { exercises } = readLessonExercises(slug);
    for (const exercise of exercises) expect(exercise.checks.length).toBeGreaterThan(0);
  });
});
