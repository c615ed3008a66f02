/** torch.stft / istft (real forms) against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py stft). */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Case { name: string; x?: FT; spec?: FT; dtype: string; kwargs: Record<string, unknown>; out: FT }
const fx = fixture<{ stft: Case[]; istft: Case[] }>("core/torch_1_13_stft.json");
const t = torch as unknown as { stft(x: Tensor, ...a: unknown[]): Tensor; istft(x: Tensor, ...a: unknown[]): Tensor };
const dtypeOf = (c: Case) => (c.dtype === "torch.float64" ? torch.float64 : torch.float32);
const kwargsOf = (c: Case) => Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, v !== null && typeof v === "object" && "shape" in (v as object) ? tensorOf(v as FT, dtypeOf(c)) : v]));
const tol = (c: Case) => (c.dtype === "torch.float64" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 2e-5 });

describe("torch.stft", () => {
  for (const c of fx.stft) {
    it(c.name, () => {
      const y = t.stft(tensorOf(c.x!, dtypeOf(c)), { ...kwargsOf(c), return_complex: false });
      expectClose(y, c.out, { ...tol(c), label: c.name });
    });
  }

  it("positional form, Tensor.stft, gradcheck, return_complex=True and bad input raise", () => {
    const x = torch.randn(30, { dtype: torch.float64 });
    const w = torch.hann_window(8, { dtype: torch.float64 });
    const a = t.stft(x, 8, 2, null, w, true, "reflect", false, true, false);
    expect(a.tolist()).toEqual(x.stft({ n_fft: 8, hop_length: 2, window: w, return_complex: false }).tolist());
    gradcheck((s) => t.stft(s, 8, { hop_length: 3, window: w, return_complex: false }), [torch.randn(20, { dtype: torch.float64 })]);
    // return_complex=True: the complex spectrogram, whose real view is the real form (core/audio_signal_gaps.test.ts checks values)
    expect(torch.view_as_real(t.stft(x, 8, { return_complex: true }) as never).tolist()).toEqual(t.stft(x, 8, { return_complex: false }).tolist());
    expect(() => t.stft(x, 40, { center: false, return_complex: false })).toThrow("expected 0 < n_fft < 30, but got n_fft=40");
    expect(() => t.stft(x, 8, { pad_mode: "foo", return_complex: false })).toThrow("Unrecognised padding mode foo");
    expect(() => t.stft(torch.ones(2, 2, 9), 4, { return_complex: false })).toThrow("stft(torch.FloatTensor[2, 2, 13], n_fft=4, hop_length=1, win_length=4, window=None, normalized=0, onesided=None, return_complex=0) : expected a 1D or 2D tensor");
    expect(() => t.stft(x, 8, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("torch.istft", () => {
  for (const c of fx.istft) {
    it(c.name, () => {
      const y = t.istft(tensorOf(c.spec!, dtypeOf(c)), kwargsOf(c));
      expectClose(y, c.out, { ...tol(c), label: c.name });
    });
  }

  it("round trip, gradcheck, errors", () => {
    const x = torch.randn(2, 33, { dtype: torch.float64 });
    const w = torch.hann_window(12, { dtype: torch.float64 });
    const spec = t.stft(x, 12, { hop_length: 3, window: w, return_complex: false });
    expectClose(spec.istft(12, { hop_length: 3, window: w, length: 33 }), x, { rtol: 1e-10, atol: 1e-12 });
    gradcheck((s) => t.istft(s, 8, { hop_length: 2, length: 16 }), [t.stft(torch.randn(16, { dtype: torch.float64 }), 8, { hop_length: 2, return_complex: false })]);
    expect(() => t.istft(spec, 12, { hop_length: 3, window: w, return_complex: true })).toThrow(/return_complex=True \(a complex signal\) is not supported/);
    expect(() => t.istft(torch.ones(5, 4), 8)).toThrow(/expected a complex spectrum \[n_freq, n_frames\] or \[batch, n_freq, n_frames\], or its real form \[..., 2\]/);
    expect(() => t.istft(t.stft(torch.randn(40), 8, { hop_length: 2, center: false, window: torch.hann_window(8), return_complex: false }), 8, { hop_length: 2, center: false, window: torch.hann_window(8) })).toThrow("window overlap add min");
    expect(() => t.istft(spec, 10)).toThrow("n_fft / 2 + 1 when onesided=True, but got 7");
  });
});
