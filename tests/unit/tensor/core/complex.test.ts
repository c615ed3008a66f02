/**
 * Complex tensors (lib/tensor/complex_tensor.ts) against torch 1.13 (scripts/fixtures/complex_fixtures.py ->
 * tests/fixtures/torch/complex.json): construction, parts as views, arithmetic with complex / real / numbers,
 * reductions, views, printing, torch's errors, gradients (a complex leaf, backward() on a complex scalar, every
 * composed op, and a float64 gradcheck of them), and Meta llama's polar-form rotary embedding inside a tiny attention
 * layer trained three AdamW steps. Complex values in the fixture are torch.view_as_real(z).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { ComplexTensor } from "../../../../lib/tensor/complex_tensor";
import { expectNums, expectT, thrown } from "../tutorials/helpers";
import fixture from "../../../fixtures/torch/complex.json";

type TJ = { shape: number[]; data: number[] };
const ref = fixture as unknown as Record<string, Record<string, unknown>> & { llama: Record<string, TJ> & { losses: number[]; freqs_cis_print: string } };
const R = (z: ComplexTensor, e: unknown, tol = 1e-5) => expectT(torch.view_as_real(z), e as TJ, tol);
const C = (rows: number[][]) => torch.view_as_complex(torch.tensor(rows).float());

describe("complex tensors", () => {
  it("construction, dtype, shape and printing as torch 1.13", () => {
    torch.manual_seed(0);
    const z = torch.view_as_complex(torch.randn(3, 2));
    R(z, ref.z);
    const p = ref.prints as Record<string, string>;
    expect(String(z)).toBe(p.z);
    expect(String(torch.complex(torch.randn(2, 3), torch.randn(2, 3)))).toBe(p.z2d);
    const c128 = torch.complex(torch.tensor([1.0, -2.0]), torch.tensor([0.0, -0.5])).to(torch.complex128);
    expect(String(c128)).toBe(p.c128);
    expect(c128.dtype).toBe(torch.cdouble);
    expect(String(torch.complex(torch.tensor(1.0, { requires_grad: true }), torch.tensor(-2.0)))).toBe(p.scalar);
    expect(String(torch.view_as_complex(torch.arange(8).float().reshape(2, 2, 2)))).toBe(p.ints);
    expect(String(torch.view_as_complex(torch.tensor([[1.0, 2.0], [3.0, -4.0]], { dtype: torch.float32, requires_grad: true })).mul(2))).toBe(p.mul_grad);
    expect(String(z.sum())).toBe(p.sum);
    expect(String(z.dtype)).toBe(p.dtype);
    expect(z.dtype).toBe(torch.cfloat);
    expect(String(z.shape)).toBe(p.shape);
    expect([z.dim(), z.ndim, z.numel(), z.size(0), torch.complex64.is_complex, torch.float32.is_complex]).toEqual([1, 1, 3, 3, true, false]);
    R(torch.polar(torch.tensor([1.0, 2.0, 0.5]), torch.tensor([0.5, -1.0, 3.0])), ref.polar);
    R(torch.complex(torch.tensor([1.0, -2.0]), torch.tensor([0.0, -0.5])), ref.complex);
  });

  it("is a torch.Tensor to instanceof, as isinstance(z, torch.Tensor) is True in torch; subclasses keep their own check", () => {
    const z = torch.complex(torch.tensor([1.0]), torch.tensor([2.0]));
    expect([z instanceof torch.Tensor, torch.ones(2) instanceof torch.Tensor, new nn.Parameter(torch.ones(1)) instanceof torch.Tensor]).toEqual([true, true, true]);
    expect([({}) instanceof torch.Tensor, [1, 2] instanceof torch.Tensor, (null as unknown) instanceof torch.Tensor]).toEqual([false, false, false]);
    class MyTensor extends torch.Tensor {}
    const mine = new MyTensor([1, 2]);
    expect([mine instanceof MyTensor, mine instanceof torch.Tensor, torch.ones(2) instanceof MyTensor, z instanceof MyTensor]).toEqual([true, true, false, false]);
  });

  it("arithmetic with complex tensors, real tensors and numbers; abs, angle, conj, exp, sum, mean, matmul, views", () => {
    const o = ref.ops as Record<string, unknown>;
    const a = C([[1, 2], [3, -4], [0, 0]]);
    const b = C([[0.5, -1], [2, 0.25], [-1, 3]]);
    const r = torch.tensor([2.0, -3.0, 0.5]);
    R(a.mul(b), o.mul); R(a.add(b), o.add); R(a.sub(b), o.sub); R(a.div(b), o.div); R(a.neg(), o.neg);
    R(a.mul(r), o.mul_real); R(r.mul(a), o.real_mul); R(a.add(1.5), o.add_num); R(a.div(r), o.div_real);
    R(r.div(b), o.real_div); R(r.sub(a), o.real_sub); R(a.unsqueeze(1).mul(b), o.bcast);
    R(torch.mul(r, a as unknown as Tensor) as unknown as ComplexTensor, o.real_mul);
    R(torch.mul(a as unknown as Tensor, r) as unknown as ComplexTensor, o.mul_real);
    expectT(a.abs(), o.abs as TJ, 1e-6); expectT(a.angle(), o.angle as TJ, 1e-6); R(a.conj(), o.conj); R(a.exp(), o.exp, 1e-5);
    R(a.sum(), o.sum); R(a.mean(), o.mean);
    R(a.reshape(3, 1).matmul(b.reshape(1, 3)), o.matmul);
    expectT(a.real, o.real as TJ, 0); expectT(a.imag, o.imag as TJ, 0);
    R(r.to(torch.complex128), o.to_c128); expectT(a.to(torch.float32) as Tensor, o.to_float as TJ, 0);
    expect([a.is_complex(), r.is_complex(), torch.is_complex(a as unknown as Tensor)]).toEqual(o.is_complex);
    R(torch.view_as_complex(torch.arange(12).float().reshape(2, 3, 2)).t(), o.t_transpose);
    R(torch.cat([a, b] as unknown as Tensor[]) as unknown as ComplexTensor, o.cat);
    R(torch.stack([a, b] as unknown as Tensor[], 1) as unknown as ComplexTensor, o.stack);
    expect(a.clone().detach().view(3, 1).transpose(0, 1).permute(1, 0).flatten().shape).toEqual([3]);
    R(a.get(1).unsqueeze(0), { shape: [1, 2], data: [3, -4] });
    // .real / .imag are views: writing through them changes the complex tensor
    const w = torch.view_as_complex(torch.zeros(2, 2));
    w.real.index_put_([0], torch.tensor(5.0));
    w.imag.fill_(-1.0);
    R(w, ref.write_through, 0);
  });

  it("torch's errors; anything else on a complex tensor names what is supported", () => {
    const e = ref.errors as Record<string, [string, string]>;
    const a = C([[1, 2], [3, -4], [0, 0]]);
    expect(thrown(() => torch.view_as_complex(torch.zeros(3, 3)))).toEqual(e.last2);
    expect(thrown(() => torch.view_as_complex(torch.zeros(2, 3).t()))).toEqual(e.stride1);
    expect(thrown(() => torch.view_as_complex(torch.zeros(3, 5).index(":", "1:3")))).toEqual(e.strides2);
    expect(thrown(() => torch.view_as_complex(torch.zeros(3, 4).index(":", "1:3")))).toEqual(e.offset);
    expect(thrown(() => torch.view_as_complex(torch.zeros([3, 2], { dtype: torch.long })))).toEqual(e.long);
    expect(thrown(() => torch.view_as_real(torch.zeros(3) as unknown as ComplexTensor))).toEqual(e.as_real_of_real);
    expect(thrown(() => torch.complex(torch.ones([2], { dtype: torch.long }), torch.ones([2], { dtype: torch.long })))).toEqual(e.complex_long);
    expect(thrown(() => torch.complex(torch.ones(2), torch.ones([2], { dtype: torch.float64 })))).toEqual(e.complex_mixed);
    expect(thrown(() => a.reshape(1, 3).matmul(torch.ones(3, 2) as unknown as ComplexTensor))).toEqual(e.mm_real);
    expect(thrown(() => torch.complex(torch.tensor([1.0, 2], { requires_grad: true }), torch.tensor([2.0, 3])).backward())).toEqual(e.backward_vector);
    // torch: "max_all" not implemented for 'ComplexFloat'; here one message naming what works
    const max = thrown(() => (a as unknown as Tensor).max())!;
    expect(max[0]).toBe(e.max[0]);
    expect(max[1]).toMatch(/^Tensor.max\(\) is not supported for complex tensors in this engine. Complex tensors support: shape, .*matmul, sum, mean/);
    expect(thrown(() => torch.softmax(a as unknown as Tensor, 0))?.[1]).toMatch(/^torch.softmax is not supported for complex tensors/);
    expect(thrown(() => torch.full([2], 1, { dtype: torch.complex64 }))?.[1]).toMatch(/torch.complex64: this engine makes complex tensors only with torch.complex/);
  });

  it("gradients: a complex leaf, backward() on a complex scalar, every composed op (and a float64 gradcheck)", () => {
    const leaf = C([[1, 2], [3, -4], [0.5, 0]]).detach().requires_grad_();
    torch.view_as_real(leaf.mul(leaf)).pow(2).sum().backward();
    R(leaf.grad!, ref.leaf_grad, 1e-6);
    const ar = torch.tensor([1.0, -2.0], { requires_grad: true });
    const ai = torch.tensor([0.5, 3.0], { requires_grad: true });
    torch.complex(ar, ai).mul(torch.complex(torch.tensor([2.0, 1.0]), torch.tensor([-1.0, 0.5]))).sum().backward(); // torch 1.13: no error
    const sb = ref.scalar_backward as Record<string, TJ>;
    expectT(ar.grad!, sb.ar, 0); expectT(ai.grad!, sb.ai, 0);

    const composed = (p: Tensor, q: Tensor, rr: Tensor): Tensor => {
      const [zp, zq] = [torch.view_as_complex(p), torch.view_as_complex(q)];
      const y = zp.mul(zq).add(zp.div(zq.add(2))).sub(rr.mul(zp)).exp().mul(0.1)
        .add(zp.conj().matmul(zq.transpose(0, 1).get(":", ":1"))).sub(zp.abs()).add(zq.angle());
      return torch.view_as_real(y).pow(2).sum().add(zp.sum(0).mul(rr).real.sum()).add(zq.mean().imag);
    };
    torch.manual_seed(1);
    const p = torch.randn([2, 3, 2], { dtype: torch.float64, requires_grad: true });
    const q = torch.randn([2, 3, 2], { dtype: torch.float64, requires_grad: true });
    const rr = torch.randn([3], { dtype: torch.float64, requires_grad: true });
    const v = composed(p, q, rr);
    v.backward();
    const c = ref.composed as Record<string, TJ> & { value: number };
    expectNums([v.item()], [c.value], 1e-10);
    expectT(p.grad!, c.p, 1e-9); expectT(q.grad!, c.q, 1e-9); expectT(rr.grad!, c.r, 1e-9);
    expect(torch.autograd.gradcheck(composed, [p.detach().requires_grad_(), q.detach().requires_grad_(), rr.detach().requires_grad_()])).toBe(true);
  });
});

// ============================== Meta llama model.py's rotary embedding, trained ==============================
function precompute_freqs_cis(dim: number, end: number, theta = 10000.0): ComplexTensor {
  const freqs0 = torch.pow(theta, torch.arange(0, dim, 2).index(`:${Math.floor(dim / 2)}`).float().div(dim)).reciprocal();
  const t = torch.arange(end, { device: freqs0.device });
  const freqs = torch.outer(t, freqs0).float();
  return torch.polar(torch.ones_like(freqs), freqs); // complex64
}
function reshape_for_broadcast(freqs_cis: ComplexTensor, x: ComplexTensor): ComplexTensor {
  const ndim = x.ndim;
  expect(freqs_cis.shape).toEqual([x.shape[1], x.shape[ndim - 1]]);
  const shape = x.shape.map((d, i) => (i === 1 || i === ndim - 1 ? d : 1));
  return freqs_cis.view(...shape);
}
function apply_rotary_emb(xq: Tensor, xk: Tensor, freqs_cis: ComplexTensor): [Tensor, Tensor] {
  const xq_ = torch.view_as_complex(xq.float().reshape(...xq.shape.slice(0, -1), -1, 2));
  const xk_ = torch.view_as_complex(xk.float().reshape(...xk.shape.slice(0, -1), -1, 2));
  freqs_cis = reshape_for_broadcast(freqs_cis, xq_);
  const xq_out = torch.view_as_real(xq_.mul(freqs_cis)).flatten(3);
  const xk_out = torch.view_as_real(xk_.mul(freqs_cis)).flatten(3);
  return [xq_out.type_as(xq), xk_out.type_as(xk)];
}
class Attention extends nn.Module {
  n_heads: number; head_dim: number; wq: nn.Linear; wk: nn.Linear; wv: nn.Linear; wo: nn.Linear;
  constructor(dim: number, n_heads: number) {
    super();
    [this.n_heads, this.head_dim] = [n_heads, Math.floor(dim / n_heads)];
    this.wq = new nn.Linear(dim, dim, { bias: false });
    this.wk = new nn.Linear(dim, dim, { bias: false });
    this.wv = new nn.Linear(dim, dim, { bias: false });
    this.wo = new nn.Linear(dim, dim, { bias: false });
  }
  forward(x: Tensor, freqs_cis: ComplexTensor): Tensor {
    const [bsz, seqlen] = x.shape;
    let xq = this.wq.forward(x).view(bsz, seqlen, this.n_heads, this.head_dim);
    let xk = this.wk.forward(x).view(bsz, seqlen, this.n_heads, this.head_dim);
    let xv = this.wv.forward(x).view(bsz, seqlen, this.n_heads, this.head_dim);
    [xq, xk] = apply_rotary_emb(xq, xk, freqs_cis);
    [xq, xk, xv] = [xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2)];
    let scores = torch.matmul(xq, xk.transpose(2, 3)).div(this.head_dim ** 0.5);
    const mask = torch.full([seqlen, seqlen], -Infinity).triu(1);
    scores = F.softmax(scores.add(mask), { dim: -1 });
    const o = torch.matmul(scores, xv).transpose(1, 2).contiguous().view(bsz, seqlen, -1);
    return this.wo.forward(o);
  }
}

describe("llama's polar-form RoPE (torch.polar / view_as_complex / view_as_real) in a trained attention layer", () => {
  it("freqs_cis, rotated q / k and their gradients, three AdamW steps", () => {
    const L = ref.llama;
    torch.manual_seed(0);
    const [dim, n_heads, seqlen] = [8, 2, 5];
    const freqs_cis = precompute_freqs_cis(Math.floor(dim / n_heads), seqlen * 2);
    R(freqs_cis, L.freqs_cis, 1e-6);
    expect(String(freqs_cis.get(":2"))).toBe(L.freqs_cis_print);
    const attn = new Attention(dim, n_heads);
    const xb = torch.randn(2, seqlen, dim);
    const yb = torch.randn(2, seqlen, dim);
    const opt = new torch.optim.AdamW(attn.parameters(), { lr: 1e-2 });
    const xq0 = torch.randn([2, seqlen, n_heads, dim / n_heads], { requires_grad: true });
    const xk0 = torch.randn([2, seqlen, n_heads, dim / n_heads], { requires_grad: true });
    const [qo, ko] = apply_rotary_emb(xq0, xk0, freqs_cis.get(`:${seqlen}`));
    qo.mul(torch.arange(qo.numel()).reshape(qo.shape).float()).sum().add(ko.pow(2).sum()).backward();
    expectT(qo, L.rope_q, 1e-5); expectT(ko, L.rope_k, 1e-5);
    expectT(xq0.grad!, L.xq_grad, 1e-5); expectT(xk0.grad!, L.xk_grad, 1e-5);
    const losses: number[] = [];
    let grad0: Tensor | null = null;
    for (let step = 0; step < 3; step++) {
      const loss = F.mse_loss(attn.forward(xb, freqs_cis.get(`:${seqlen}`)), yb);
      opt.zero_grad();
      loss.backward();
      if (step === 0) grad0 = attn.wq.weight.grad!.clone();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, L.losses, 1e-5);
    expectT(grad0!, L.wq_grad0, 1e-4);
    expectT(attn.wq.weight, L.wq_after, 1e-5);
  });
});

describe("complex factories, _like functions and torch.* forms", () => {
  it("zeros / ones / rand / randn with a complex dtype (randn's parts of variance 1/2, torch's stream), torch.exp / abs / sum / real", () => {
    const f = ref.factories as Record<string, unknown>;
    expect(String(torch.zeros(2, { dtype: torch.cfloat }))).toBe(f.zeros);
    expect(String(torch.ones([2], { dtype: torch.complex128 }))).toBe(f.ones);
    torch.manual_seed(0);
    const z = torch.randn(2, 2, { dtype: torch.cfloat, requires_grad: true });
    expect(String(z)).toBe(f.randn);
    torch.manual_seed(0);
    R(torch.rand(3, 5, { dtype: torch.cfloat }), f.rand, 1e-6);
    expect(String(torch.zeros_like(z as unknown as Tensor))).toBe(f.zeros_like);
    const a = C([[1, 2], [3, -4]]);
    const T = a as unknown as Tensor;
    R(torch.exp(T) as unknown as ComplexTensor, (ref.ops as Record<string, TJ>).exp_2, 1e-5);
    expectT(torch.abs(T), { shape: [2], data: [Math.sqrt(5), 5] }, 1e-6);
    R(torch.sum(T) as unknown as ComplexTensor, { shape: [2], data: [4, -2] }, 0);
    expectT(torch.real(T), { shape: [2], data: [1, 3] }, 0);
    expectT(torch.view_as_real(a), { shape: [2, 2], data: [1, 2, 3, -4] }, 0);
    expect(thrown(() => a.to("cuda"))?.[0]).toBe("AssertionError");
    expect(torch.ones(2).type_as(a as unknown as Tensor) as unknown).toBeInstanceOf(ComplexTensor);
  });

  it("a summarized print (3 x 400) and a keepdim sum print as torch 1.13's", () => {
    torch.manual_seed(0);
    const zs = torch.randn(3, 400, { dtype: torch.cfloat });
    expect([String(zs), String(zs.sum(1, true))]).toEqual(fixture.prints_summarized);
  });
});
