/**
 * nn.init.orthogonal_ on large weights, which take the blocked Gram-Schmidt path (nn/orthonormal_columns.ts: GEMM
 * projections, float32 rounding as torch's sgeqrf): values against torch 1.13 with the same seed
 * (scripts/fixtures/orthogonal_large_fixtures.py; slices, the weights are 262k values), and orthonormality.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectClose, fixture, type FT } from "./helpers";

const fx = fixture<{ wide: { first_cols: FT; last_rows: FT }; tall: { first_rows: FT; last_col: FT } }>("nn/orthogonal_large.json");

describe("orthogonal_ on large weights", () => {
  it("a wide Linear(2048, 128) weight with gain sqrt(2): torch's values, rows orthogonal with norm sqrt(2)", () => {
    torch.manual_seed(0);
    const w = nn.init.orthogonal_(torch.empty(128, 2048), Math.sqrt(2));
    expectClose(w.index(":", ":3"), fx.wide.first_cols, { atol: 2e-6, label: "first columns" });
    expectClose(w.index("-3:", "-6:"), fx.wide.last_rows, { atol: 2e-6, label: "last rows" });
    const gram = w.matmul(w.t()).sub(torch.eye(128).mul(2));
    expect(gram.abs().max().item()).toBeLessThan(1e-5);
  });

  it("a tall (2048, 128) weight: torch's values, orthonormal columns", () => {
    torch.manual_seed(1);
    const w = nn.init.orthogonal_(torch.empty(2048, 128));
    expectClose(w.index(":4"), fx.tall.first_rows, { atol: 2e-6, label: "first rows" });
    expectClose(w.index("-16:", -1), fx.tall.last_col, { atol: 2e-6, label: "last column" });
    expect(w.t().matmul(w).sub(torch.eye(128)).abs().max().item()).toBeLessThan(1e-5);
  });
});
