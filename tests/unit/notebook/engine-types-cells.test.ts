/**
 * A learner's TypeScript cell type-checked against the engine's declarations as the editor loads them
 * (public/vendor/engine-types.json, written by scripts/gen-engine-types.mjs, which node scripts/prepare.mjs and so
 * npm test run first), with the editor's compiler options (app/_components/notebook/monaco-setup.ts): the forms a
 * lesson writes must not be flagged, and a wrong name must be. The browser test (tests/browser/editor.spec.ts) checks
 * the editor shows diagnostics at all; this one checks what they say, without a browser.
 */
import { describe, expect, it } from "vitest";
import { cellTypeChecker } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

describe("a learner's cell type-checks against the generated engine declarations", () => {
  it("the Tensor methods' and torch.*'s operands by keyword, as torch 1.13 takes them (x.unsqueeze(dim=1), a.add(other=b, alpha=2))", () => {
    const cell = `
const x = torch.randn(2, 3);
const y = torch.randn(2, 3);
const a: Tensor = x.unsqueeze({ dim: 1 });
const b = x.transpose({ dim0: 0, dim1: 1 }).contiguous();
const c = x.add({ other: y, alpha: 2 }).masked_fill(x.gt(0), { value: 0 });
const d = x.narrow(1, { start: 0, length: 2 }).matmul({ other: torch.ones(2, 4) });
const e = x.index_select({ dim: 1, index: torch.tensor([0, 2], { dtype: torch.long }) });
print(a, b, c, d, e, x.clone().fill_({ value: 1 }), x.sub({ other: y }), x.div(y, { rounding_mode: "floor" }));
print(torch.unsqueeze(x, { dim: 0 }), torch.add({ input: x, other: y, alpha: 2 }), torch.transpose(x, 0, { dim1: 1 }));
`;
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("x.clone(), x.contiguous(), x.is_contiguous() without an argument (memory_format.ts's overloads had left them out)", () => {
    expect(cellDiagnostics("const x = torch.ones(2);\nprint(x.clone(), x.contiguous(), x.is_contiguous(), x.clone({ memory_format: torch.contiguous_format }));\n")).toEqual([]);
  });

  it("a wrong keyword name or a missing operand is flagged (so are the engine's types at all: torch is not any)", () => {
    const messages = cellDiagnostics(`
const x = torch.randn(2, 3);
x.unsqueeze({ dimm: 1 });
x.transpose({ dim0: 0 });
const n: number = torch.randn(2);
`);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain("dimm");
    expect(messages[1]).toContain("dim1");
    expect(messages[2]).toContain("Tensor' is not assignable to type 'number'");
  });
});
