/**
 * Scaffolds a new lesson: `npm run lessons:new -- <module> "<title>"`.
 *
 * Writes lessons/<slug>.mdx (slug from the title) with valid frontmatter, a "What this lesson
 * assumes" paragraph linking the lessons of the modules before it, two cells, a graded exercise
 * (starter, visible check, hidden check, solution, hints), a recorded experiment with its
 * `<ExperimentCompare>`, and a link to the next module's lesson when there is one. The file
 * passes `npm run lessons:check` as generated, so an author starts from a green lesson and
 * replaces the placeholders one by one (docs/authoring.md, "Start a lesson").
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CourseOutline } from "../lib/lessons/frontmatter";
import { parseLesson } from "../lib/lessons/files";

export interface ExistingLesson {
  slug: string;
  title: string;
  module: string;
  order: number;
}

/** "Recurrent Networks, Part 1" -> "recurrent-networks-part-1". */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The lessons already in `dir`, read from their frontmatter. */
export function existingLessons(dir: string): ExistingLesson[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".mdx"))
    .map((name) => {
      const slug = name.slice(0, -".mdx".length);
      const file = path.join(dir, name);
      const { frontmatter } = parseLesson(slug, file, readFileSync(file, "utf8"));
      return { slug, title: frontmatter.title, module: frontmatter.module, order: frontmatter.order };
    });
}

export interface ScaffoldInput {
  module: string;
  title: string;
  outline: CourseOutline;
  lessons: ExistingLesson[];
}

/** The text of a new lesson; throws with a clear message on an unknown module or an empty title. */
export function scaffoldLesson({ module, title, outline, lessons }: ScaffoldInput): { slug: string; text: string } {
  const moduleIndex = outline.modules.findIndex((m) => m.id === module);
  if (moduleIndex === -1) throw new Error(`"${module}" is not a module of lessons/course.json (known: ${outline.modules.map((m) => m.id).join(", ")})`);
  const cleanTitle = title.trim().replace(/\s+/g, " ");
  const slug = slugify(cleanTitle);
  if (!slug) throw new Error("give the lesson a title with at least one letter or digit");
  if (lessons.some((l) => l.slug === slug)) throw new Error(`lessons/${slug}.mdx already exists`);
  const mod = outline.modules[moduleIndex];
  const order = Math.max(0, ...lessons.filter((l) => l.module === module).map((l) => l.order)) + 1;
  const byModule = (id: string) => lessons.filter((l) => l.module === id).sort((a, b) => a.order - b.order);
  const earlier = outline.modules.slice(0, moduleIndex).flatMap((m) => byModule(m.id)).concat(byModule(module));
  const next = outline.modules.slice(moduleIndex + 1).map((m) => byModule(m.id)[0]).find(Boolean);
  const link = (l: ExistingLesson) => `[${l.title}](/lessons/${l.slug})`;
  const assumes = earlier.length
    ? `From ${earlier.map(link).join(", ")} you know … (say what this lesson takes for granted from each).`
    : "Nothing yet: this is the first lesson of the course. Say what a reader should know before starting.";
  const nextLine = next ? `**Next:** ${link(next)}.` : "**Next:** link the lesson that follows this one once it exists.";
  // JSON.stringify gives a YAML-safe double-quoted string for titles with colons or quotes.
  const text = `---
title: ${JSON.stringify(cleanTitle)}
module: ${module}
order: ${order}
summary: ${JSON.stringify(`One sentence on what ${cleanTitle} teaches (part of ${mod.title}).`)}
---

> One or two sentences that say why this lesson matters.

**What this lesson assumes.** ${assumes}

Every grey box is a live cell: **Shift+Enter** runs it. Run them in order; later cells use names
that earlier cells define.

## A first cell

Every claim in the text is shown happening in a cell. Replace this one with your own.

\`\`\`ts cell id=first-cell
torch.manual_seed(0);
const data = torch.randn([100, 2]);
print("mean of each column:", data.mean(0).tolist().map((v: number) => v.toFixed(3)).join(", "));
\`\`\`

Helpers that an exercise depends on go in a cell of their own that uses only the engine (the
grader's sandbox has no \`plot\`, \`table\` or \`experiments\`):

\`\`\`ts cell id=exercise-helpers
/** Squared distance of every row of x from the origin. */
function squaredNorms(x: Tensor): Tensor {
  return x.pow(2).sum(1);
}
print("squared norms of (3, 4) and (1, 1):", squaredNorms(torch.tensor([[3, 4], [1, 1]])).tolist().map((v: number) => v.toFixed(3)).join(", "));
\`\`\`

<Exercise id="first-exercise" points={1} title="Replace this exercise" attemptsBeforeSolution={3} dependsOn="exercise-helpers">
Write \`meanSquaredNorm(x)\`: the mean over rows of \`squaredNorms(x)\`, as a 0-d tensor.

\`\`\`ts starter
function meanSquaredNorm(x: Tensor): Tensor {
  return torch.tensor(0);
}
\`\`\`

\`\`\`ts check name="a known value"
expect.allclose(meanSquaredNorm(torch.tensor([[3, 4], [0, 0]])), torch.tensor(12.5));
\`\`\`

\`\`\`ts hidden name="random rows"
torch.manual_seed(1);
const x = torch.randn([7, 3]);
expect.allclose(meanSquaredNorm(x), x.pow(2).sum(1).mean(), { atol: 1e-6 });
\`\`\`

\`\`\`ts solution
function meanSquaredNorm(x: Tensor): Tensor {
  return squaredNorms(x).mean();
}
\`\`\`

<Hint>\`squaredNorms\` is already defined.</Hint>
<Hint>Take its \`.mean()\`.</Hint>
</Exercise>

## A recorded experiment

\`experiments.start\` records a run with its parameters and seed; \`run.log\` adds metrics;
\`<ExperimentCompare>\` overlays every run of that name.

\`\`\`ts cell id=first-experiment
const moons = utils.data.make_moons(200, { noise: 0.2, random_state: 0 });
for (const lr of [0.01, 0.1]) {
  const run = experiments.start(${JSON.stringify(`${slug}-lr`)}, { lr, steps: 100 }, { seed: 0 });
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const opt = new optim.SGD(model.parameters(), { lr });
  for (let step = 1; step <= 100; step++) {
    opt.zero_grad();
    const loss = F.cross_entropy(model(moons.X) as Tensor, moons.y);
    loss.backward();
    opt.step();
    if (step % 10 === 0) run.log({ step, loss: loss.item() });
  }
  run.finish();
}
\`\`\`

<ExperimentCompare name=${JSON.stringify(`${slug}-lr`)} metric="loss" />

${nextLine}
`;
  return { slug, text };
}

/** Writes the scaffold into `dir` (lessons/ by default) and returns the new file's path. */
export function createLesson(module: string, title: string, dir = path.join(process.cwd(), "lessons")): string {
  const outline = JSON.parse(readFileSync(path.join(dir, "course.json"), "utf8")) as CourseOutline;
  const { slug, text } = scaffoldLesson({ module, title, outline, lessons: existingLessons(dir) });
  const file = path.join(dir, `${slug}.mdx`);
  if (existsSync(file)) throw new Error(`${file} already exists`);
  writeFileSync(file, text);
  return file;
}

if (process.argv[1] && /lessons-new\.ts$/.test(process.argv[1])) {
  const [module, ...words] = process.argv.slice(2);
  if (!module || words.length === 0) {
    console.error('usage: npm run lessons:new -- <module> "<title>"');
    process.exit(1);
  }
  try {
    const file = createLesson(module, words.join(" "));
    console.log(`Created ${path.relative(process.cwd(), file)}. Preview it with npm run dev; check it with npm run lessons:check ${path.relative(process.cwd(), file)}.`);
  } catch (error) {
    console.error(`lessons:new: ${(error as Error).message}`);
    process.exit(1);
  }
}
