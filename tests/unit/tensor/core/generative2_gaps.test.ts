/**
 * Gaps the generative2 probe (tutorials/generative2.test.ts: the score-based generative modeling tutorial and
 * pytorch-vq-vae) found, with torch 1.13's texts as constants (printed by /usr/bin/python3 running the same calls).
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

const pre = "output padding must be smaller than either stride or dilation, but got ";

describe("transposed convolutions: output_padding not below stride or dilation, in torch's words", () => {
  it("2-d names height and width (ScoreNet's ConvTranspose2d(..., stride=1, output_padding=1))", () => {
    expect(raised(() => new nn.ConvTranspose2d(4, 4, 3, { stride: 1, output_padding: 1 }).forward(torch.zeros(1, 4, 3, 3)))).toEqual([
      "RuntimeError",
      pre + "output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1",
    ]);
    expect(raised(() => new nn.ConvTranspose2d(2, 2, 3, { stride: [2, 1], output_padding: [1, 1] }).forward(torch.zeros(1, 2, 4, 4)))?.[1]).toBe(
      pre + "output_padding_height: 1 output_padding_width: 1 stride_height: 2 stride_width: 1 dilation_height: 1 dilation_width: 1",
    );
    expect(raised(() => new nn.ConvTranspose2d(2, 2, 3, { stride: 2, output_padding: 1 }).forward(torch.zeros(1, 2, 4, 4)))).toBeNull();
  });
  it("1-d runs as 2-d with a height of 0 / 1 / 1; 3-d names depth too", () => {
    expect(raised(() => new nn.ConvTranspose1d(2, 2, 3, { stride: 1, output_padding: 1 }).forward(torch.zeros(1, 2, 4)))?.[1]).toBe(
      pre + "output_padding_height: 0 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1",
    );
    expect(raised(() => new nn.ConvTranspose3d(2, 2, 3, { stride: 1, output_padding: 1 }).forward(torch.zeros(1, 2, 4, 4, 4)))?.[1]).toBe(
      pre +
        "output_padding_depth: 1 output_padding_height: 1 output_padding_width: 1 stride_depth: 1 stride_height: 1 stride_width: 1 dilation_depth: 1 dilation_height: 1 dilation_width: 1",
    );
  });
});

describe("uniform_ with from > to raises torch's range error (VectorQuantizer's uniform_(1/K, -1/K) swapped)", () => {
  const msg = (a: string, b: string) => ["RuntimeError", `uniform_ expects to return a [from, to) range, but found from=${a} > to=${b}`];
  it("prints the bounds as C++ prints a double", () => {
    expect(raised(() => new nn.Embedding(6, 4).weight.data.uniform_(1 / 6, -1 / 6))).toEqual(msg("0.166667", "-0.166667"));
    expect(raised(() => torch.empty(2).uniform_(2, 1))).toEqual(msg("2", "1"));
    expect(raised(() => torch.empty(2).uniform_(1234567, 0))).toEqual(msg("1.23457e+06", "0"));
    expect(raised(() => torch.empty(2).uniform_(0.1, -1e21))).toEqual(msg("0.1", "-1e+21"));
    expect(raised(() => torch.empty(2).uniform_(100000, 99999.5))).toEqual(msg("100000", "99999.5"));
    expect(raised(() => torch.empty([2], { dtype: torch.float64 }).uniform_(1e-7, -3.25))).toEqual(msg("1e-07", "-3.25"));
  });
  it("equal bounds fill with the bound; nn.init.uniform_ checks the same way", () => {
    expect(torch.empty(2).uniform_(1, 1).tolist()).toEqual([1, 1]);
    expect(raised(() => nn.init.uniform_(torch.empty(2), 1, 0))).toEqual(msg("1", "0"));
  });
});
