/**
 * F.* functions with their tensor operands by keyword, as torch 1.13 takes them: F.cross_entropy(logits, target=y),
 * F.mse_loss(input=a, target=b), F.linear(x, weight=w, bias=b), F.conv2d(x, weight=w, padding=1), F.embedding(idx,
 * weight=emb), F.cosine_similarity(x1=a, x2=b), ... (TENSOR_OPERANDS in nn/functional/index.ts, 33 functions). They
 * raised "argument 'target' must be a Tensor, not object". Values vs torch 1.13 (tests/fixtures/torch/keyword_gaps16.json,
 * scripts/fixtures/keyword_gaps16_fixtures.py); the positional forms are unchanged; a name given twice raises.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/keyword_gaps16.json", import.meta.url), "utf8")) as Record<string, T> & { inputs: Record<string, T> };
const t = (v: T) => torch.tensor(v.data).reshape(v.shape);
const FF = F as unknown as Record<string, (...a: unknown[]) => Tensor>;

function expectClose(got: Tensor, want: T, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  (got.detach().reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want.data[i]))));
}

describe("F.* tensor operands by keyword", () => {
  const I = ref.inputs;
  const [logits, a, b, x, w, bias, emb] = [t(I.logits), t(I.a), t(I.b), t(I.x), t(I.w), t(I.bias), t(I.emb)];
  const y = torch.tensor([1, 0, 4, 2], { dtype: torch.long });
  const target = torch.tensor([1, -1, 1, 1]);
  const cases: [string, () => Tensor][] = [
    ["cross_entropy", () => FF.cross_entropy(logits, { target: y, label_smoothing: 0.1 })],
    ["mse_loss", () => FF.mse_loss({ input: a, target: b })],
    ["linear", () => FF.linear(a, { weight: b, bias: torch.ones(4) })],
    ["conv2d", () => FF.conv2d(x, { weight: w, bias, padding: 1 })],
    ["embedding", () => FF.embedding(y, { weight: emb })],
    ["cosine_similarity", () => FF.cosine_similarity({ x1: a, x2: b })],
    ["margin_ranking_loss", () => FF.margin_ranking_loss(a.index(null, 0), b.index(null, 0), { target })],
    ["triplet_margin_loss", () => FF.triplet_margin_loss(a, { positive: b, negative: logits })],
  ];
  for (const [name, f] of cases) it(name, () => expectClose(f(), ref[name], name));

  it("positional forms are unchanged; a name given twice or a missing operand raises Python's TypeError", () => {
    expectClose(F.cross_entropy(logits, y, { label_smoothing: 0.1 }), ref.cross_entropy, "positional");
    expect(F.cross_entropy.name).toBe("cross_entropy");
    expect(() => FF.cross_entropy(logits, y, { target: y })).toThrow("cross_entropy() got multiple values for argument 'target'");
    expect(() => FF.cross_entropy({ target: y })).toThrow("cross_entropy() missing 1 required positional argument: 'input'");
  });
});
