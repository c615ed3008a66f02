/**
 * Sparse COO / CSR calls a learner writes as in PyTorch (lib/tensor/sparse/), type-checked against the declarations the
 * editor loads (engine-types-cells.ts) AND run on the engine: torch.mm(S, D) and the other torch.* functions with a
 * sparse operand (sparse/torch_types.ts), torch.sparse.*, hspmm / smm, CSR @ dense. Each same(a, b) compares the two
 * results' dense values. (A separate file from engine-types-runtime-calls.test.ts, as the same kind of check.)
 */
import { describe, expect, it } from "vitest";
import { engineGlobals } from "../../../lib/kernel/worker/engine";
import { Tensor } from "../../../lib/tensor/index";
import { cellTypeChecker, runCell as runCellWith, SAME } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

/** Runs the cell as the kernel does; its same(a, b) compares the two results' dense values. Returns how many it made. */
function runCell(source: string): number {
  return runCellWith(source, engineGlobals(), (a, b) => {
    expect(a).toBeInstanceOf(Tensor);
    expect((a as Tensor).shape).toEqual((b as Tensor).shape);
    expect((a as Tensor).sub(b as Tensor).abs().max().item()).toBeLessThan(1e-5);
  });
}

describe("sparse tensors in a learner's cell: the calls that run also type-check", () => {
  it("torch.mm(S, D), torch.mul(S, D) / (D, S), torch.addmm(M, S, D), torch.sparse.*, hspmm / smm, CSR @ dense", () => {
    const cell = `
const S = torch.sparse_coo_tensor([[1, 0, 1], [2, 0, 1]], [3.0, 4.0, 5.0], [2, 3]);
const D = torch.arange(6).float().reshape(3, 2);
const E = torch.ones(2, 3);
const P: Tensor = torch.mm(S, D);
same(P, S.mm(D));
same(torch.matmul(S, D), P);
same(torch.sparse.mm(S, D), P);
same(torch.mul(S, E).to_dense(), S.to_dense().mul(E));
same(torch.mul(E, S).to_dense(), S.mul(E).to_dense());
same(torch.mul(S, S).to_dense(), S.to_dense().mul(S.to_dense()));
same(torch.mm(S, S.t()).to_dense(), S.to_dense().mm(S.to_dense().t()));
same(torch.sparse.mm(S, S.t()).to_dense(), S.to_dense().mm(S.to_dense().t()));
same(torch.abs(S.neg()).to_dense(), S.to_dense());
same(torch.sqrt(S).to_dense(), S.to_dense().sqrt());
same(S.pow(2).to_dense(), S.to_dense().pow(2));
same(torch.addmm(torch.ones(2, 2), S, D, { beta: 0.5, alpha: 2 }), torch.ones(2, 2).mul(0.5).add(P.mul(2)));
same(torch.sparse.addmm(torch.ones(2, 2), S, D, { beta: 0.5, alpha: 2 }), torch.ones(2, 2).mul(0.5).add(P.mul(2)));
same(torch.sparse.softmax(S, 1).to_dense().sum(1), torch.ones(2));
same(torch.sparse.log_softmax(S, { dim: 1 }).to_dense().exp().mul(torch.sparse.softmax(S, 1).to_dense().ne(0)).sum(1), torch.ones(2));
same(torch.hspmm(S, D).to_dense(), P);
same(torch.smm(S, D).to_dense(), P);
const C = S.to_dense().to_sparse_csr();
same(C.crow_indices(), torch.tensor([0, 1, 3]));
same(torch.mm(C, D), P);
same(C.matmul(D), P);
same(torch.sparse_csr_tensor([0, 1, 3], [0, 1, 2], [4.0, 5.0, 3.0], [2, 3]).to_dense(), S.to_dense());
`;
    expect(cellDiagnostics(SAME + cell)).toEqual([]);
    expect(runCell(cell)).toBe(cell.split("same(").length - 1);
  });

  it("a dense Tensor method keeps its dense type: D.mul(S) runs but a cell writes torch.mul(D, S)", () => {
    const messages = cellDiagnostics("const S = torch.sparse_coo_tensor([[0], [1]], [2.0], [2, 2]);\ntorch.ones(2, 2).mul(S);\n").map((d) => String(d));
    expect(messages.length).toBeGreaterThan(0);
  });
});
