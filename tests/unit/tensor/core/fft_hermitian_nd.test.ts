/**
 * torch.fft's 2-D / n-D Hermitian transforms, hfft2 / hfftn (a Hermitian signal's real spectrum) and ihfft2 / ihfftn
 * (their inverse, from a real signal), which the engine refused before: values with s, dim and norm, dtypes,
 * gradients, node names and errors against torch 1.13 (scripts/fixtures/fft_hermitian_nd_fixtures.py), gradients
 * also against float64 finite differences.
 */
import { describe, expect, it } from "vitest";
import { torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectT, raised } from "../tutorials/helpers";
import fixture from "../../../fixtures/torch/fft_hermitian_nd.json";

type TJ = { shape: number[]; data: number[] };
const g = fixture as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ, dtype = torch.float32) => torch.tensor(j.data, { dtype }).reshape(j.shape);
const C = (z: ComplexTensor, e: TJ, tol = 2e-6) => expectT(torch.view_as_real(z), e, tol);
const inp = g.inputs as Record<string, TJ>;
const z = torch.complex(T(inp.zr), T(inp.zi));
const r = T(inp.r), r64 = T(inp.r64, torch.float64);

describe("torch.fft.hfft2 / hfftn / ihfft2 / ihfftn", () => {
  it("values with s, dim and norm equal torch's", () => {
    expectT(torch.fft.hfft2(z), g.hfft2, 1e-5);
    expectT(torch.fft.hfft2(z, { s: [3, 6] }), g.hfft2_s, 1e-5);
    expectT(torch.fft.hfftn(z), g.hfftn, 2e-5);
    expectT(torch.fft.hfftn(z, { dim: [0, 2] }), g.hfftn_dim, 1e-5);
    expectT(torch.fft.hfftn(z, { dim: 1 }), g.hfftn_dim1, 1e-5);
    expectT(torch.fft.hfftn(z, { norm: "ortho" }), g.hfftn_ortho, 2e-6);
    expectT(torch.fft.hfftn(z, [2, 3, 7], { norm: "forward" }), g.hfftn_forward, 2e-6);
    expectT(torch.fft.hfft2(r), g.hfft2_real_input, 1e-5);
    C(torch.fft.ihfft2(r), g.ihfft2);
    C(torch.fft.ihfftn(r), g.ihfftn);
    C(torch.fft.ihfftn(r, [4, 5], [0, 1]), g.ihfftn_s_dim);
    C(torch.fft.ihfftn(r, { dim: 1 }), g.ihfftn_dim1);
    C(torch.fft.ihfftn(r, { norm: "ortho" }), g.ihfftn_ortho);
    C(torch.fft.ihfftn(r64, { norm: "forward" }), g.ihfftn_forward, 1e-12);
    C(torch.fft.ihfft2(torch.arange(12).view(3, 4)), g.ihfft2_int);
    expectT(torch.fft.hfftn(torch.fft.ihfftn(r), { s: r.shape }), g.roundtrip, 2e-6);
    expect([
      torch.fft.hfft2(z.to(torch.complex128)).dtype, torch.fft.ihfftn(r64).dtype, torch.fft.ihfft2(torch.arange(12).view(3, 4)).dtype,
    ].map(String)).toEqual(g.dtypes);
  });

  it("gradients equal torch's and float64 finite differences; node names are torch's", () => {
    const a = T(g.grad_hfft2.a, torch.float64).requires_grad_();
    const w = torch.linspace(0.5, 1.5, 18, { dtype: torch.float64 }).view(3, 6);
    torch.fft.hfft2(torch.view_as_complex(a)).mul(w).sum().backward();
    expectT(a.grad!, g.grad_hfft2.grad, 1e-12);
    const b = T(g.grad_ihfft2.b, torch.float64).requires_grad_();
    torch.view_as_real(torch.fft.ihfft2(b)).pow(2).sum().backward();
    expectT(b.grad!, g.grad_ihfft2.grad, 1e-12);

    const d = { dtype: torch.float64 };
    gradcheck((x) => torch.fft.hfftn(torch.view_as_complex(x), { s: [3, 5], norm: "ortho" }), [torch.randn(3, 3, 2, d)]);
    gradcheck((x) => torch.view_as_real(torch.fft.ihfftn(x, { dim: [0, 2] })), [torch.randn(2, 3, 4, d)]);

    const xr = torch.randn(2, 4, { requires_grad: true });
    const zc = torch.complex(xr, xr.flip(0));
    const name = (t: Tensor | ComplexTensor) => t.grad_fn!.name();
    expect([
      name(torch.fft.hfft2(zc)), name(torch.fft.hfftn(zc, { dim: 1 })), name(torch.fft.ihfft2(xr)), name(torch.fft.ihfftn(xr, { dim: 1 })), name(torch.fft.ihfftn(xr)),
    ]).toEqual(g.grad_fn);
  });

  it("errors are torch's", () => {
    const e = g.errors as Record<string, [string, string]>;
    const fft = torch.fft as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(raised(() => fft.ihfft2(z))).toEqual(e.ihfft2_complex);
    expect(raised(() => fft.ihfftn(z))).toEqual(e.ihfftn_complex);
    expect(raised(() => fft.hfftn(z, { norm: "bad" }))).toEqual(e.hfftn_bad_norm);
    expect(raised(() => fft.hfftn(z, { dim: [0, 0] }))).toEqual(e.hfftn_dims_unique);
    expect(raised(() => fft.hfftn(z, { s: [2, 3], dim: [0] }))).toEqual(e.hfftn_s_dim_len);
    expect(raised(() => fft.ihfftn(r, { dim: [] }))).toEqual(e.ihfftn_zero_dims);
    expect(raised(() => fft.hfftn(z, { dim: [] }))).toEqual(e.hfftn_zero_dims);
    expect(raised(() => fft.hfft2(torch.ones(4)))).toEqual(e.hfft2_1d);
    expect(raised(() => fft.hfftn(torch.complex(torch.ones(2, 1), torch.zeros(2, 1))))).toEqual(e.hfftn_last_len1);
    expect(raised(() => fft.hfftn([1.0, 2.0]))).toEqual(e.hfftn_list);
  });
});
