/**
 * Self-attention from the packed projection (attention_core.ts fusedPackedAttention, taken by
 * nn.MultiheadAttention when query, key and value are one tensor): the op's input is the
 * [N, L, 3E] projection and its gradient comes back whole. Checked against fusedAttention on
 * recorded views of the projection (values and gradients, causal or not, with a mask, both the
 * in-module chains and product by product), float64 gradchecks and second derivatives through
 * it, what it declines, and MultiheadAttention with the packed path on and off.
 */
import { afterEach, describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { fusedAttention, fusedPackedAttention, packedAttentionApplies, packedProjection } from "../../../../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { gradgradcheck } from "../gradgradcheck";

/** The heads of proj's q, k and v blocks as recorded views. */
function views(proj: Tensor, H: number): [Tensor, Tensor, Tensor] {
  const [N, L, E3] = proj.shape;
  const [q, k, v] = proj.split(E3 / 3, -1).map((t) => t.reshape([N, L, H, -1]).transpose(1, 2));
  return [q, k, v];
}

const maxDiff = (a: Tensor | null, b: Tensor | null): number => {
  if (!a || !b) throw new Error("a gradient is missing");
  return a.sub(b).abs().max().item() as number;
};

afterEach(() => {
  attentionInModule.enabled = true;
  packedProjection.enabled = true;
});

describe("fused attention from a packed [N, L, 3E] projection", () => {
  const cases = [
    { name: "causal, GPT-like heads (in-module shapes)", N: 2, L: 32, E: 32, H: 2, causal: true, mask: false },
    { name: "not causal, with an additive [L, L] mask", N: 3, L: 12, E: 12, H: 3, causal: false, mask: true },
    { name: "heads of 5 (product by product)", N: 2, L: 7, E: 10, H: 2, causal: true, mask: false },
  ];
  for (const c of cases) {
    for (const inModule of [true, false]) {
      it(`${c.name}${inModule ? "" : ", chains in module memory off"}: values and the projection's gradient match fusedAttention on its views`, () => {
        attentionInModule.enabled = inModule;
        torch.manual_seed(3);
        const x = torch.randn(c.N, c.L, c.E);
        const w = torch.randn(3 * c.E, c.E).mul(0.3);
        const mask = c.mask ? torch.randn(c.L, c.L).mul(0.5) : null;
        const gOut = torch.randn(c.N, c.H, c.L, c.E / c.H);
        const run = (packed: boolean): Tensor[] => {
          const xl = x.clone().requires_grad_();
          const proj = xl.matmul(w.t());
          expect(packedAttentionApplies(proj, c.H, mask)).toBe(true);
          const out = packed ? fusedPackedAttention(proj, c.H, mask, c.causal, 0.4) : fusedAttention(...views(proj, c.H), mask, c.causal, 0.4);
          expect(out.grad_fn?.name()).toBe("ScaledDotProductAttentionBackward0");
          const [gx] = torch.autograd.grad(out.mul(gOut).sum(), [xl]);
          return [out, gx!];
        };
        const [packed, unpacked] = [run(true), run(false)];
        expect(maxDiff(packed[0], unpacked[0])).toBe(0); // the same forward arithmetic
        expect(maxDiff(packed[1], unpacked[1])).toBeLessThan(1e-5);
        expect(packed[1].abs().sum().item() as number).toBeGreaterThan(0);
      });
    }
  }

  it("float64: gradients and second derivatives against finite differences", () => {
    const r = (...s: number[]) => torch.randn(...s, { dtype: torch.float64 });
    const mask = r(4, 4).mul(0.3);
    gradcheck((p) => fusedPackedAttention(p, 2, null, true, 0.6), [r(2, 4, 6)]);
    gradcheck((p) => fusedPackedAttention(p, 1, mask, false, 0.6), [r(1, 4, 6)]);
    gradgradcheck((p) => fusedPackedAttention(p, 2, null, true, 0.7), [r(1, 3, 6)]);
  });

  it("declines what is not a packed projection", () => {
    expect(packedAttentionApplies(torch.randn(2, 4, 7), 1, null)).toBe(false); // 7 columns: not three blocks
    expect(packedAttentionApplies(torch.randn(2, 4, 12), 3, null)).toBe(false); // E = 4 not a multiple of 3 heads
    expect(packedAttentionApplies(torch.randn(2, 12, 4).transpose(1, 2), 2, null)).toBe(false); // not contiguous
    expect(packedAttentionApplies(torch.randn(4, 12), 2, null)).toBe(false); // unbatched
  });

  it("MultiheadAttention self-attention: the packed projection agrees with three projections (outputs, input and weight gradients)", () => {
    torch.manual_seed(7);
    const mha = new nn.MultiheadAttention(16, 4, { batch_first: true });
    const x = torch.randn(2, 32, 16);
    const mask = torch.ones(32, 32, { dtype: torch.bool }).triu(1);
    const run = (packed: boolean): Tensor[] => {
      packedProjection.enabled = packed;
      const xl = x.clone().requires_grad_();
      const [out] = mha(xl, xl, xl, { attn_mask: mask, need_weights: false, is_causal: true });
      const [gx, gw, gb] = torch.autograd.grad(out.pow(2).sum(), [xl, mha.in_proj_weight!, mha.in_proj_bias!]);
      return [out, gx!, gw!, gb!];
    };
    const [packed, three] = [run(true), run(false)];
    expect(maxDiff(packed[0], three[0])).toBe(0);
    for (let i = 1; i < 4; i++) expect(maxDiff(packed[i], three[i])).toBeLessThan(1e-5);
  });
});
