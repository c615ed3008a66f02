/**
 * Gaps the audio_signal probe found (tutorials/audio_signal.test.ts): torch.fft's transforms (fft / ifft / rfft /
 * irfft / hfft / ihfft, fft2 / ifft2 / fftn / ifftn / rfft2 / irfft2 / rfftn / irfftn) raised "not supported", and
 * torch.stft(..., return_complex=True) / torch.istft of a complex spectrum raised for want of a complex dtype; a complex
 * spectrum could not be fftshift-ed, flipped, rolled, masked (masked_fill, z[mask] = 0), filled or squared. Values,
 * node names and errors against torch 1.13 (scripts/fixtures/audio_signal_fixtures.py, "gaps" section); gradients
 * against torch's and float64 finite differences.
 */
import { describe, expect, it } from "vitest";
import { torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

type TJ = { shape: number[]; data: number[] };
const g = tutorialFixture<{ gaps: Record<string, any> }>("audio_signal.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const inp = g.inputs as Record<string, TJ>;
const T = (j: TJ, dtype = torch.float32) => torch.tensor(j.data, { dtype }).reshape(j.shape);
const C = (z: ComplexTensor, e: TJ, tol = 2e-6) => expectT(torch.view_as_real(z), e, tol);
const x8 = T(inp.x8), x7 = T(inp.x7), x10 = T(inp.x10), x2d = T(inp.x2d), x2d64 = T(inp.x2d_64, torch.float64);
const z = torch.complex(T(inp.zr), T(inp.zi));

describe("torch.fft transforms", () => {
  it("1-D: rfft / fft / ifft / irfft / hfft / ihfft with n, dim and norm equal torch's", () => {
    C(torch.fft.rfft(x8), g.rfft8);
    C(torch.fft.rfft(x7), g.rfft7);
    C(torch.fft.rfft(x10, { n: 16 }), g.rfft10_n16);
    C(torch.fft.rfft(x10, 6, { norm: "ortho" }), g.rfft10_n6_ortho);
    C(torch.fft.fft(x7), g.fft7);
    C(torch.fft.fft(x8, { norm: "forward" }), g.fft8_forward);
    C(torch.fft.ifft(x7), g.ifft7);
    C(torch.fft.fft(z), g.fft_z);
    C(torch.fft.ifft(z, { n: 9 }), g.ifft_z_n9);
    expectT(torch.fft.irfft(z), g.irfft_z, 2e-6);
    expectT(torch.fft.irfft(z, { n: 7 }), g.irfft_z_n7, 2e-6);
    expectT(torch.fft.irfft(z, 4, { norm: "ortho" }), g.irfft_z_n4_ortho, 2e-6);
    expectT(torch.fft.irfft(torch.fft.rfft(x7), { n: 7 }), g.roundtrip7, 2e-6);
    C(torch.fft.fft(x2d, { dim: 0 }), g.fft_dim0);
    C(torch.fft.rfft(x2d, { dim: 0 }), g.rfft_dim0);
    expectT(torch.fft.hfft(z), g.hfft, 2e-6);
    C(torch.fft.ihfft(x7), g.ihfft);
    C(torch.fft.rfft(torch.arange(4)), g.int_input, 0);
    expect([torch.fft.rfft(x2d64).dtype, torch.fft.fft(torch.arange(4)).dtype, torch.fft.irfft(torch.fft.rfft(x2d64)).dtype].map(String)).toEqual(g.dtypes);
    // a real signal's spectrum is exactly Hermitian (no 1e-16 imaginary parts in the DC bin, odd lengths included)
    expect(String(torch.fft.rfft(torch.tensor([1.0, 2.0, 0.0, -1.0])))).toBe(g.repr_rfft);
    expect(torch.fft.fft(x7).imag.index(0).item()).toBe(0);
  });

  it("2-D and n-D forms equal torch's", () => {
    C(torch.fft.fft2(x2d), g.fft2);
    C(torch.fft.ifft2(x2d), g.ifft2);
    C(torch.fft.rfft2(x2d), g.rfft2);
    expectT(torch.fft.irfft2(torch.fft.rfft2(x2d), { s: [3, 6] }), g.irfft2, 2e-6);
    C(torch.fft.fftn(x2d, { s: [4, 5] }), g.fftn_s);
    C(torch.fft.rfftn(x2d64), g.rfftn, 1e-12);
    expectT(torch.fft.irfftn(torch.fft.rfftn(x2d64), [2, 5]), g.irfftn, 1e-12);
    C(torch.fft.rfftn(x2d, { dim: [0] }), g.rfftn_dim);
  });

  it("gradients equal torch's and float64 finite differences; node names are torch's", () => {
    const leaves = g.grad_leaves as Record<string, TJ>;
    const xg = T(leaves.xg, torch.float64).requires_grad_();
    torch.fft.rfft(xg).abs().sum().backward();
    expectT(xg.grad!, g.grad_rfft_abs, 1e-12);
    const w = torch.linspace(0.5, 1.5, 8, { dtype: torch.float64 });
    const xg2 = T(leaves.xg2, torch.float64).requires_grad_();
    torch.fft.irfft(torch.complex(xg2, xg2.flip(0)), { n: 8 }).mul(w).sum().backward();
    expectT(xg2.grad!, g.grad_irfft, 1e-12);
    const zl = torch.view_as_complex(T(leaves.zl, torch.float64)).detach().requires_grad_();
    torch.view_as_real(torch.fft.fft(zl, 5, { norm: "ortho" })).pow(2).mul(torch.arange(10, { dtype: torch.float64 }).view(5, 2)).sum().backward();
    C(zl.grad!, g.grad_fft_complex, 1e-12);
    const xs = T(g.grad_rfft2_sq.x, torch.float64).requires_grad_();
    torch.fft.irfft2(torch.fft.rfft2(xs).mul(torch.fft.rfft2(xs))).pow(2).sum().backward();
    expectT(xs.grad!, g.grad_rfft2_sq.grad, 1e-10);

    const d = { dtype: torch.float64 };
    const vr = (c: ComplexTensor) => torch.view_as_real(c);
    gradcheck((a) => vr(torch.fft.rfft(a, { n: 9 })), [torch.randn(7, d)]);
    gradcheck((a) => vr(torch.fft.fft(a, { dim: 0, norm: "forward" })), [torch.randn(5, 3, d)]);
    gradcheck((a) => vr(torch.fft.ifft(torch.view_as_complex(a), { n: 6 })), [torch.randn(7, 2, d)]);
    gradcheck((a) => torch.fft.irfft(torch.view_as_complex(a), { n: 9 }), [torch.randn(5, 2, d)]);
    gradcheck((a) => torch.fft.hfft(torch.view_as_complex(a), { n: 6, norm: "ortho" }), [torch.randn(4, 2, d)]);
    gradcheck((a) => vr(torch.fft.ihfft(a)), [torch.randn(6, d)]);
    gradcheck((a) => torch.fft.irfftn(torch.fft.rfftn(a, { s: [3, 5] }).mul(torch.fft.rfftn(a, { s: [3, 5] }))), [torch.randn(2, 4, d)]);
    gradcheck((a) => vr(torch.fft.fft2(torch.view_as_complex(a))), [torch.randn(3, 5, 2, d)]);

    const xr = torch.randn(8, { requires_grad: true });
    const zc = torch.fft.rfft(xr);
    const name = (t: Tensor | ComplexTensor) => t.grad_fn!.name();
    expect([
      name(torch.fft.rfft(xr)), name(torch.fft.fft(xr)), name(torch.fft.ifft(xr)), name(torch.fft.irfft(zc)), name(torch.fft.fft(zc)),
      name(torch.fft.fftn(xr)), name(torch.fft.rfft2(xr.view(2, 4))), name(torch.fft.hfft(zc)),
      name(torch.stft(xr, 4, { return_complex: true })), name(torch.stft(xr, 4, { return_complex: false })),
    ]).toEqual(g.grad_fn);
  });

  it("errors are torch's", () => {
    const e = g.errors as Record<string, [string, string]>;
    const fft = torch.fft as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(raised(() => fft.rfft(z))).toEqual(e.rfft_complex);
    expect(raised(() => fft.ihfft(z))).toEqual(e.ihfft_complex);
    expect(raised(() => fft.rfftn(z))).toEqual(e.rfftn_complex);
    expect(raised(() => fft.fft(x8, { norm: "bad" }))).toEqual(e.bad_norm);
    expect(raised(() => fft.fft(x8, { n: 0 }))).toEqual(e.n_zero);
    expect(raised(() => fft.irfft(z, { n: 0 }))).toEqual(e.irfft_n_zero);
    expect(raised(() => fft.irfft(torch.complex(torch.ones(1), torch.zeros(1))))).toEqual(e.irfft_len1);
    expect(raised(() => fft.fft(x8, { dim: 3 }))).toEqual(e.dim_range);
    expect(raised(() => fft.fft(torch.tensor(3.0)))).toEqual(e.scalar);
    expect(raised(() => fft.fftn(x2d, { dim: [0, 0] }))).toEqual(e.dims_unique);
    expect(raised(() => fft.fftn(x2d, { s: [2, 3], dim: [0] }))).toEqual(e.s_dim_len);
    expect(raised(() => fft.fft([1.0, 2.0]))).toEqual(e.list_input);
  });
});

describe("a complex spectrum edited as learners do", () => {
  it("fftshift / ifftshift, flip, roll, masked_fill, z[mask] = 0, a zeroed slice, fill_ and square equal torch's", () => {
    const e = g.complex_edits as Record<string, TJ>;
    const xs8 = torch.tensor([1.0, 2.0, 0.5, -1.0, 3.0, 0.0, 1.0, 2.0]);
    const Xs = torch.fft.fft(xs8);
    const fq = torch.fft.fftfreq(8);
    const shift = (z: ComplexTensor) => torch.fft.fftshift(z);
    const ishift = (z: ComplexTensor) => torch.fft.ifftshift(z);
    C(shift(Xs), e.fftshift, 1e-6);
    C(ishift(shift(Xs)), e.ifftshift, 1e-6);
    const Y = Xs.clone();
    Y.index_put_([fq.abs().gt(0.2)], 0);
    C(Y, e.setitem_mask, 1e-6);
    C(Xs.masked_fill(fq.abs().gt(0.2), 0), e.masked_fill, 1e-6);
    C(Xs.flip(0), e.flip, 1e-6);
    C(Xs.roll(2), e.roll, 1e-6);
    C(torch.fft.fft2(torch.arange(6, { dtype: torch.float32 }).view(2, 3)).roll(1, 1), e.roll2d, 1e-6);
    C(shift(torch.fft.fft2(torch.arange(6, { dtype: torch.float32 }).view(2, 3))), e.fftshift2d, 1e-6);
    const Z = torch.fft.rfft(xs8).view(1, 5).expand(2, 5).clone();
    Z.index(":", "3:").zero_();
    C(Z, e.slice_zero, 1e-6);
    const W = Xs.clone();
    W.index_put_([torch.tensor([1, 7], { dtype: torch.long })], torch.complex(torch.tensor(2.0), torch.tensor(-1.0)));
    C(W, e.setitem_complex, 1e-6);
    const V = Xs.clone();
    V.index("2:4").fill_(3.0);
    C(V, e.fill, 1e-6);
    C(torch.fft.rfft(xs8).square(), e.square, 1e-5);

    const gd = g.complex_edits_grad;
    const r4 = T(gd.x, torch.float64).requires_grad_();
    const Wd = torch.fft.fft(r4);
    const mask = torch.tensor([false, true, false, true]);
    torch.view_as_real(shift(Wd.masked_fill(mask, 0)).flip(0).square()).mul(torch.arange(8, { dtype: torch.float64 }).view(4, 2)).sum().backward();
    expectT(r4.grad!, gd.grad, 1e-12);
    expect([Wd.masked_fill(mask, 0), shift(Wd), Wd.flip(0), Wd.square()].map((z) => z.grad_fn!.name())).toEqual(gd.names);
    gradcheck((a) => torch.view_as_real(shift(torch.view_as_complex(a).masked_fill(torch.tensor([true, false, false]), 0).roll(1).square())), [torch.randn(3, 2, { dtype: torch.float64 })]);
  });
});

describe("torch.stft(return_complex=True) and torch.istft of a complex spectrum", () => {
  const s = g.stft_complex;
  const sig = T(s.sig);
  const win = torch.hann_window(16);
  it("the complex spectrogram, its power and the inverse equal torch's", () => {
    const S = torch.stft(sig, 16, { hop_length: 4, win_length: 16, window: win, center: true, return_complex: true });
    expect([...S.shape]).toEqual(s.shape);
    expect(String(S.dtype)).toBe(s.dtype);
    C(S, s.S, 1e-5);
    // Tensor.stft(return_complex: true) is typed as the complex spectrogram it returns
    const row: ComplexTensor = sig.index(0).stft(16, { hop_length: 4, win_length: 16, window: win, return_complex: true });
    expect(torch.view_as_real(row).tolist()).toEqual(torch.view_as_real(S.index(0)).tolist());
    expectT(S.abs().pow(2), s.power, 1e-5);
    C(torch.stft(sig.index(0), 12, { hop_length: 3, win_length: 8, window: torch.hann_window(8), center: false, normalized: true, return_complex: true }), g.stft_complex_1d, 1e-5);
    expectT(torch.istft(S, 16, { hop_length: 4, win_length: 16, window: win, length: 40 }), g.istft_complex, 1e-5);
    expectT(torch.istft(S.index(0), 16, 4, { window: win }), g.istft_complex_nolen, 1e-5);
    expect(String(torch.stft(torch.tensor([1.0, 2.0, 3.0, 4.0, 3.0, 2.0]), 4, { hop_length: 2, return_complex: true }))).toBe(g.stft_repr);
  });
  it("a 3-D clip raises torch's error, naming the padded signal and the window as torch's C++ repr does", () => {
    const e = g.errors_stft as Record<string, [string, string]>;
    const st = torch.stft as unknown as (...a: unknown[]) => unknown;
    expect(raised(() => st(torch.randn(2, 1, 100).double(), 16, { window: torch.hann_window(16, { dtype: torch.float64 }), return_complex: true }))).toEqual(e["3d"]);
    expect(raised(() => st(torch.randn(2, 1, 100), 16, { center: false, return_complex: true }))).toEqual(e["3d_no_center"]);
    expect(raised(() => st(torch.randn(1, 2, 1, 100), 16, { return_complex: true }))).toEqual(e["4d_reflect"]);
    expect(raised(() => st(torch.ones(9), 16, { window: torch.hann_window(16), center: false, return_complex: true }))).toEqual(e.n_fft_big);
  });
  it("the power spectrogram's gradient equals torch's", () => {
    const sg = sig.index(1).clone().double().requires_grad_();
    torch.stft(sg, 8, { hop_length: 2, window: torch.hann_window(8, { dtype: torch.float64 }), return_complex: true }).abs().pow(2).sum().backward();
    expectT(sg.grad!, g.stft_power_grad, 1e-10);
  });
});
