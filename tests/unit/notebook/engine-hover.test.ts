import { describe, expect, it } from "vitest";
import { readableEngineText } from "@/app/_components/notebook/engine-hover";

describe("hover text without the engine's internal file names", () => {
  it.each([
    ['const torch: { nn: typeof import("file:///gradbook/lib/tensor/nn/index"); }', "const torch: { nn: typeof nn; }"],
    ['(method) forward(x: import("file:///gradbook/lib/tensor/tensor").Tensor): import("file:///gradbook/lib/tensor/tensor").Tensor', "(method) forward(x: Tensor): Tensor"],
    ['typeof import("/gradbook/lib/tensor/optim/index")', "typeof optim"],
    ['module "file:///gradbook/lib/tensor/nn/functional/index"', 'module "F"'],
    ["See file:///gradbook/lib/tensor/ops/reduce.d.ts for more", "See reduce for more"],
    ["function tensor(data: NestedArray): Tensor", "function tensor(data: NestedArray): Tensor"],
  ])("%s", (text, readable) => {
    expect(readableEngineText(text)).toBe(readable);
    expect(readableEngineText(text)).not.toMatch(/gradbook|file:/);
  });
});
