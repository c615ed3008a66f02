import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import { collectCells } from "./cells";
import { dependencyNames, gradedNames } from "./exercise-scope";
import { EXERCISE_ELEMENT, HINT_ELEMENT, isExerciseCodeLang, hintsOfParagraph, isJsxElement, parseExerciseNode, type MdxJsxElementNode } from "./exercises";

function attribute(name: string, value: string) {
  return { type: "mdxJsxAttribute" as const, name, value };
}

/**
 * Turns each `<Exercise>` into what the page may see: its instructions as MDX children,
 * the starter, the visible checks and the number of hints as string attributes. Hidden
 * checks, hints and the reference solution are removed here, before the MDX is compiled, so they cannot end
 * up in the HTML, the RSC payload or a JS chunk; the grader reads them from the file.
 *
 * Runs before remarkCells, which replaces the ```ts cell blocks that `dependsOn` names.
 */
export function remarkExercises() {
  return (tree: Root) => {
    const cells = collectCells(tree);
    const seen = new Set<string>();
    visit(tree, (node) => {
      if (!isJsxElement(node, EXERCISE_ELEMENT)) return;
      const exercise = parseExerciseNode(node, cells);
      if (seen.has(exercise.id)) throw new Error(`Two exercises have the id "${exercise.id}"`);
      seen.add(exercise.id);
      const element = node as MdxJsxElementNode;
      // What a check may see besides the engine: the starter's names and the dependency cells' names.
      const scope = { graded: [...gradedNames(exercise)], dependencies: dependencyNames(cells.filter((cell) => exercise.dependsOn.includes(cell.id))) };
      const visibleChecks = exercise.checks.filter((check) => !check.hidden).map(({ name, code, free }) => ({ name, code, free: free === true, scope }));
      element.attributes = [
        attribute("id", exercise.id),
        attribute("title", exercise.title),
        attribute("points", String(exercise.points)),
        attribute("attemptsBeforeSolution", String(exercise.attemptsBeforeSolution)),
        attribute("starter", exercise.starter),
        attribute("checks", JSON.stringify(visibleChecks)),
        attribute("hiddenCheckCount", String(exercise.checks.length - visibleChecks.length)),
        attribute("hasSolution", exercise.solution === null ? "false" : "true"),
        attribute("hintCount", String(exercise.hintCount)),
      ];
      // Hints leave the page too: the hint API sends each one when the learner opens it.
      element.children = element.children.filter(
        (child) => !(child.type === "code" && isExerciseCodeLang(child.lang)) && !isJsxElement(child, HINT_ELEMENT) && !hintsOfParagraph(child),
      );
    });
  };
}
