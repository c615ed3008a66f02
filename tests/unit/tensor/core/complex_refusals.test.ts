/**
 * No complex numbers, said clearly. torch.complex / polar / view_as_complex /
 * view_as_real, torch.complex64 (and aliases), every torch.fft transform and Tensor.imag raise one
 * error naming the supported dtypes; the real-valued parts work as in PyTorch 1.13 (values below
 * printed by torch 1.13): fft.fftfreq / rfftfreq / fftshift / ifftshift, Tensor.real / conj /
 * resolve_conj, angle.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const COMPLEX_ERROR = /complex numbers are not supported by this engine \(it has no complex dtype; its dtypes are float32, float64, int64, int32, int16, int8, uint8 and bool\)/;

describe("complex numbers and torch.fft", () => {
  it("every complex constructor, dtype and transform raises the one clear error", () => {
    const x = torch.ones(4);
    const t = torch as unknown as Record<string, unknown>;
    for (const name of ["complex64", "complex128", "cfloat", "cdouble", "complex32", "chalf"]) {
      expect(() => t[name], name).toThrow(COMPLEX_ERROR);
    }
    expect(() => (torch.complex as (a: Tensor, b: Tensor) => Tensor)(x, x)).toThrow(/torch.complex: complex numbers are not supported/);
    expect(() => (torch.polar as (a: Tensor, b: Tensor) => Tensor)(x, x)).toThrow(COMPLEX_ERROR);
    expect(() => (torch.view_as_complex as (a: Tensor) => Tensor)(x.reshape(2, 2))).toThrow(COMPLEX_ERROR);
    expect(() => (torch.view_as_real as (a: Tensor) => Tensor)(x)).toThrow(COMPLEX_ERROR);
    for (const name of ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "hfft", "ihfft"] as const) {
      expect(() => (torch.fft[name] as (a: Tensor) => Tensor)(x), name).toThrow(new RegExp(`torch.fft.${name}: complex numbers are not supported`));
    }
    expect(() => x.imag).toThrow(/imag is not implemented for tensors with non-complex dtypes/);
    expect(() => torch.imag(x)).toThrow(/imag is not implemented for tensors with non-complex dtypes/);
    expect(x.is_complex()).toBe(false);
    // Listing torch's names does not trip the complex dtype getters.
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
