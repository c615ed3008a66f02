/**
 * Which WebAssembly modules the engine picked on this host: with Relaxed SIMD (Chrome, and the
 * "tensor-relaxed-simd" vitest project, which sets GRADBOOK_EXPECT_RELAXED_SIMD) the fused
 * multiply-add builds of the GEMM and GELU, else the mul + add ones (Node without the flag, the
 * grader's sandbox). The project reruns the kernel, GELU, attention and convolution suites, so
 * both builds are checked against the same references.
 */
import { describe, expect, it } from "vitest";
import { gemmModuleBytes, hostGemmModule } from "../../../../lib/tensor/kernels/wasm/gemm";
import { MR, TILE_ROWS } from "../../../../lib/tensor/kernels/wasm/gemm_kernel";
import { raceTiles, tileRace } from "../../../../lib/tensor/kernels/wasm/gemm_tile_choice";
import { geluModuleBytes } from "../../../../lib/tensor/kernels/wasm/gelu_simd";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

const relaxed = WebAssembly.validate(gemmModuleBytes(undefined, true));
const expectRelaxed = process.env.GRADBOOK_EXPECT_RELAXED_SIMD === "1";

describe("Relaxed SIMD builds", () => {
  it("are available exactly in the project that turns them on", () => {
    expect(relaxed).toBe(expectRelaxed);
    expect(WebAssembly.validate(geluModuleBytes(true))).toBe(expectRelaxed);
  });

  it("the host GEMM module is the fused multiply-add build when it validates (its tile raced), else mul + add on 4-row tiles", () => {
    const host = hostGemmModule();
    expect(host).not.toBeNull();
    expect(Buffer.from(host!.bytes).equals(Buffer.from(gemmModuleBytes(undefined, relaxed, host!.tileRows)))).toBe(true);
    const race = tileRace();
    if (relaxed) {
      expect(race).toBeDefined();
      expect(host!.tileRows).toBe(race!.rows);
      expect([MR, TILE_ROWS]).toContain(race!.rows);
    } else {
      expect(race).toBeUndefined();
      expect(host!.tileRows).toBe(MR);
    }
  });

  it.runIf(relaxed)("the tile race times both tiles until their best bursts settle, and keeps the default tile when it cannot decide", () => {
    const race = raceTiles();
    if (race.note === undefined) {
      expect(race.rounds).toBeGreaterThanOrEqual(24);
      expect(race.ratio).toBeGreaterThan(1 / 1.4);
      expect(race.ratio).toBeLessThan(1.4);
      expect(race.rows).toBe(race.ratio < 0.97 ? MR : TILE_ROWS);
    } else {
      // A machine too busy to settle both tiles' times within the budget keeps the default.
      expect(race.rows).toBe(TILE_ROWS);
    }
    const cut = raceTiles(0);
    expect(cut.note).toMatch(/unsettled after 0 ms/);
    expect(cut.rows).toBe(TILE_ROWS);
    // A page that is not cross-origin isolated sees performance.now() in 100 µs steps: too coarse.
    const coarse = raceTiles(undefined, () => Math.floor(performance.now() * 10) / 10);
    expect(coarse).toMatchObject({ rows: TILE_ROWS, rounds: 0, note: "the clock steps 100 µs (not cross-origin isolated)" });
    // 5 µs steps (an isolated page's, as the notebook's kernel worker sees) are fine.
    const isolatedPage = raceTiles(undefined, () => Math.floor(performance.now() * 200) / 200);
    expect(isolatedPage.rounds).toBeGreaterThan(0);
    expect(isolatedPage.note ?? "").not.toMatch(/clock/);
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
