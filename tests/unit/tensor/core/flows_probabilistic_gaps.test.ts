/**
 * Gaps found by the flows_probabilistic probe (tutorials/flows_probabilistic.test.ts), against torch 1.13
 * (scripts/fixtures/flows_probabilistic_fixtures.py, the "gaps" section of tests/fixtures/torch/tutorials/flows_probabilistic.json):
 *  - a number given as sample_shape (NormalizingFlowModel.sample's prior.sample(128) written for sample((128,))) raises
 *    torch's TypeError ("'int' object is not iterable"; MixtureSameFamily.sample: "object of type 'int' has no len()"),
 *    not a JavaScript "sampleShape is not iterable"; rsample of a class without one keeps NotImplementedError;
 *  - torch.lu / Tensor.lu (Invertible1x1Conv's torch.lu_unpack(*Q.lu())) show torch's deprecation warning, once;
 *  - x.flip() / permute() / tile() / repeat() without their argument raise torch's TypeError (flip returned x unflipped,
 *    permute and repeat raised RuntimeErrors); their { dims } / { repeats } keyword form is typed.
 */
import { describe, expect, it, vi } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{
  gaps: { sample_number: Record<string, [string, string]>; lu_warning: string[]; no_dims: Record<string, [string, string]>; flip_dims_keyword: { data: number[] } };
}>("flows_probabilistic.json").gaps;
const D = torch.distributions;
const [z2, o2, pr] = [torch.zeros(2), torch.ones(2), torch.tensor([0.3, 0.7])];
type Sampler = { sample(...a: unknown[]): unknown; rsample(...a: unknown[]): unknown };
const dists: Record<string, () => unknown> = {
  Normal: () => new D.Normal(z2, o2),
  MultivariateNormal: () => new D.MultivariateNormal(z2, torch.eye(2)),
  Categorical: () => new D.Categorical(pr),
  Independent: () => new D.Independent(new D.Normal(z2, o2), 1),
  MixtureSameFamily: () => new D.MixtureSameFamily(new D.Categorical(pr), new D.Normal(z2, o2)),
  Uniform: () => new D.Uniform(z2, o2),
  TransformedDistribution: () => new D.TransformedDistribution(new D.Uniform(z2, o2), new D.SigmoidTransform().inv),
};

describe("flows_probabilistic gaps", () => {
  it("sample / rsample with a number for sample_shape: torch's TypeError (or rsample's NotImplementedError)", () => {
    const got: Record<string, [string, string] | null> = {};
    for (const [name, make] of Object.entries(dists)) {
      const d = make() as Sampler;
      for (const [arg, py] of [[3, "3"], [2.5, "2.5"], [true, "True"]] as const) {
        got[`${name}.sample(${py})`] = raised(() => d.sample(arg));
        got[`${name}.rsample(${py})`] = raised(() => d.rsample(arg));
      }
      got[`${name}.sample(sample_shape=4)`] = raised(() => d.sample({ sample_shape: 4 }));
    }
    expect(got).toEqual(gaps.sample_number);
  });

  it("torch.lu and Tensor.lu warn that torch.lu is deprecated, once", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      torch.eye(2).lu();
      torch.lu(torch.eye(3), { get_infos: true });
      const expected = gaps.lu_warning.map((m) => "UserWarning: " + m.replace(/ \(Triggered internally at .*\)$/, ""));
      expect(warn.mock.calls.map((c) => c[0])).toEqual(expected);
    } finally {
      warn.mockRestore();
    }
  });

  it("x.flip() / permute() / tile() / repeat() without dims raise torch's TypeError; x.flip({ dims }) type-checks", () => {
    const x = torch.arange(6.0).view(2, 3);
    expect({ flip: raised(() => x.flip()), permute: raised(() => x.permute()), tile: raised(() => x.tile()), repeat: raised(() => x.repeat()) }).toEqual(gaps.no_dims);
    expect(x.flip({ dims: [1] }).reshape(-1).tolist()).toEqual(gaps.flip_dims_keyword.data);
  });
});
