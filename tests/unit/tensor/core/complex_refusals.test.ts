/**
 * What stays refused around complex numbers, said clearly (torch.fft's transforms are core/audio_signal_gaps.test.ts's
 * and core/fft_hermitian_nd.test.ts's): factories given a complex dtype,
 * torch.complex32 / chalf, view_as_real of a real tensor and Tensor.imag of a real tensor (torch's own messages for
 * those two). Complex tensors themselves are tests/unit/tensor/core/complex.test.ts. The real-valued parts work as in
 * PyTorch 1.13 (values below printed by torch 1.13): fft.fftfreq / rfftfreq / fftshift / ifftshift, Tensor.real /
 * conj / resolve_conj, angle.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

describe("complex numbers and torch.fft", () => {
  it("complex factories and complex32 raise one clear error; the complex dtypes exist", () => {
    const x = torch.ones(4);
    expect(torch.cfloat).toBe(torch.complex64);
    expect(torch.cdouble).toBe(torch.complex128);
    expect(String(torch.complex64)).toBe("torch.complex64");
    expect(() => torch.full([2], 1, { dtype: torch.complex64 })).toThrow(/^torch.complex64: this engine makes complex tensors only with torch.complex\(real, imag\)/);
    expect(() => torch.ones([2], { dtype: torch.chalf as never })).toThrow(/torch.complex32 is not supported by Gradbook's tensor engine/);
    expect(() => torch.view_as_real(x as never)).toThrow(/^view_as_real is only supported for complex tensors$/);
    expect(() => x.imag).toThrow(/imag is not implemented for tensors with non-complex dtypes/);
    expect(() => torch.imag(x)).toThrow(/imag is not implemented for tensors with non-complex dtypes/);
    expect(x.is_complex()).toBe(false);
    // Listing torch's names does not list the complex dtypes (non-enumerable, as before).
    expect(Object.keys(torch)).not.toContain("complex64");
  });
  it("fftfreq, rfftfreq, fftshift and ifftshift match PyTorch 1.13", () => {
    const close = (a: Tensor, e: number[]) => (a.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(e[i], 6));
    close(torch.fft.fftfreq(7, 0.1), [0, 1.4285714626312256, 2.857142925262451, 4.285714149475098, -4.285714149475098, -2.857142925262451, -1.4285714626312256]);
    close(torch.fft.rfftfreq(8, { d: 2 }), [0, 0.0625, 0.125, 0.1875, 0.25]);
    expect(torch.fft.fftfreq(3, { dtype: torch.float64 }).dtype).toBe(torch.float64);
    const a = torch.arange(12).reshape(3, 4);
    expect(torch.fft.fftshift(a).tolist()).toEqual([[10, 11, 8, 9], [2, 3, 0, 1], [6, 7, 4, 5]]);
    expect(torch.fft.ifftshift(a, [0]).tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(torch.fft.ifftshift(torch.fft.fftshift(a, { dim: 1 }), { dim: 1 }).tolist()).toEqual(a.tolist());
  });
  it("real tensors: real and conj are the tensor itself, angle is 0 or pi with zero gradient", () => {
    const x = torch.tensor([-1.5, 0, 2, -0], { requires_grad: true });
    expect(x.real).toBe(x);
    expect(torch.conj(x)).toBe(x);
    expect(x.conj().resolve_conj().resolve_neg().conj_physical()).toBe(x);
    const ang = torch.angle(x);
    expect(ang.tolist()).toEqual([Math.fround(Math.PI), 0, 0, 0]);
    ang.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0, 0]);
    expect(Number.isNaN(torch.tensor([NaN]).angle().item())).toBe(true);
  });
});
