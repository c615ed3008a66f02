import type { Code, Root } from "mdast";
import { visit } from "unist-util-visit";
import { collectCells, isCellBlock } from "./cells";

interface JsxAttribute {
  type: "mdxJsxAttribute";
  name: string;
  value: string;
}

/**
 * Turns each ```ts cell fenced block into a <Cell> element, so authors write plain
 * Markdown code blocks and learners get an editor. The cell's code travels as a string
 * attribute; ids default to their position.
 */
export function remarkCells() {
  return (tree: Root) => {
    const cells = collectCells(tree);
    let index = 0;
    visit(tree, "code", (node: Code, position, parent) => {
      if (!isCellBlock(node) || !parent || position === undefined) return;
      const cell = cells[index++];
      const attributes: JsxAttribute[] = [
        { type: "mdxJsxAttribute", name: "id", value: cell.id },
        { type: "mdxJsxAttribute", name: "code", value: cell.code },
      ];
      if (cell.timeoutMs !== null) attributes.push({ type: "mdxJsxAttribute", name: "timeoutMs", value: String(cell.timeoutMs) });
      parent.children[position] = { type: "mdxJsxFlowElement", name: "Cell", attributes, children: [] } as unknown as Code;
    });
  };
}
