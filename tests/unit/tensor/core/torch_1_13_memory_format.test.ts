/** Memory formats and layouts (torch.channels_last & co., x.layout) against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py memory_format). */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, type FT } from "../nn/helpers";

const fx = fixture<Record<string, unknown> & { rand_like_cl: FT; reprs: string[] }>("core/torch_1_13_memory_format.json");
type Fmt = object;
const t = torch as unknown as {
  channels_last: Fmt; channels_last_3d: Fmt; contiguous_format: Fmt; preserve_format: Fmt; strided: object; memory_format: new (n: string) => Fmt; layout: new (n: string) => object;
  empty_like(x: Tensor, o?: object): Tensor; rand_like(x: Tensor, o?: object): Tensor; empty(...a: unknown[]): Tensor;
};
type T4 = Tensor & { contiguous(o?: object): Tensor; is_contiguous(o?: object): boolean; clone(o?: object): Tensor; to(...a: unknown[]): Tensor; layout: object };
const x = () => torch.arange(24).float().reshape([1, 2, 3, 4]) as T4;

describe("memory formats", () => {
  it("channels_last conversions give PyTorch's strides with the same values", () => {
    const y = x().contiguous({ memory_format: t.channels_last }) as T4;
    expect([...y.stride()]).toEqual(fx.y_stride);
    expect(y.tolist()).toEqual(x().tolist());
    expect(y.is_contiguous()).toBe(fx.y_contig);
    expect(y.is_contiguous({ memory_format: t.channels_last })).toBe(fx.y_cl);
    expect(x().is_contiguous({ memory_format: t.channels_last })).toBe(fx.x_cl);
    expect((torch.ones([2, 1, 3, 3]) as T4).is_contiguous({ memory_format: t.channels_last })).toBe(fx.ones_c1_cl);
    expect((torch.ones([2, 3, 1, 1]) as T4).is_contiguous({ memory_format: t.channels_last })).toBe(fx.ones_hw1_cl);
    expect([...y.clone().stride()]).toEqual(fx.clone_stride);
    expect([...t.empty_like(y).stride()]).toEqual(fx.empty_like_stride);
    expect([...(y as T4).to({ memory_format: t.contiguous_format }).stride()]).toEqual(fx.to_contig_stride);
    expect([...x().to({ memory_format: t.channels_last }).stride()]).toEqual(fx.to_cl_stride);
    expect([...(y as T4).to(torch.float64).stride()]).toEqual(fx.to_double_stride);
    const v = (torch.arange(720).float().reshape([2, 3, 4, 5, 6]) as T4).contiguous({ memory_format: t.channels_last_3d }) as T4;
    expect([...v.stride()]).toEqual(fx.cl3d_stride);
    expect(v.is_contiguous({ memory_format: t.channels_last_3d })).toBe(fx.cl3d_flag);
    expect([...t.empty([2, 3, 4, 5], { memory_format: t.channels_last }).stride()]).toEqual(fx.empty_cl_stride);
    expect(x().is_contiguous({ memory_format: t.preserve_format })).toBe(fx.preserve_contig);
  });

  it("random *_like fill memory order, so a seeded channels_last rand_like equals PyTorch's", () => {
    const y = x().contiguous({ memory_format: t.channels_last });
    torch.manual_seed(0);
    expectClose(t.rand_like(y), fx.rand_like_cl, { rtol: 0, atol: 0 });
  });

  it("Module.to({ memory_format }) converts 4-D parameters; training gives the same numbers", () => {
    const build = () => {
      torch.manual_seed(0);
      return new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Linear(64, 2));
    };
    const a = build();
    const b = (build() as unknown as { to(o: object): nn.Sequential }).to({ memory_format: t.channels_last });
    const w = (b.get(0) as nn.Conv2d).weight as unknown as T4;
    expect([...w.stride()]).toEqual([27, 1, 9, 3]);
    expect(w.is_contiguous({ memory_format: t.channels_last })).toBe(true);
    expect([...(b.get(4) as nn.Linear).weight.stride()]).toEqual([64, 1]);
    const x = torch.randn([2, 3, 6, 6]);
    for (const m of [a, b]) {
      const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 3; i++) {
        opt.zero_grad();
        (m(x) as Tensor).pow(2).sum().backward();
        opt.step();
      }
    }
    expect((b(x) as Tensor).tolist()).toEqual((a(x) as Tensor).tolist());
    expect(() => (new nn.Conv3d(1, 1, 1) as unknown as { to(o: object): unknown }).to({ memory_format: t.channels_last })).toThrow("required rank 4 tensor to use channels_last format");
  });

  it("names, layout, and PyTorch's errors", () => {
    expect([t.channels_last, t.contiguous_format, t.preserve_format, t.channels_last_3d, t.strided, x().layout].map(String)).toEqual(fx.reprs);
    expect(t.channels_last).toBeInstanceOf(t.memory_format);
    expect(t.strided).toBeInstanceOf(t.layout);
    expect(() => (torch.ones([2, 3]) as T4).contiguous({ memory_format: t.channels_last })).toThrow("required rank 4 tensor to use channels_last format");
    expect(() => x().contiguous({ memory_format: t.channels_last_3d })).toThrow("required rank 5 tensor to use channels_last_3d format");
    expect(() => x().contiguous({ memory_format: "channels_last" })).toThrow("argument 'memory_format' must be torch.memory_format");
    expect(() => t.empty([2, 3], { memory_format: t.preserve_format })).toThrow("unsupported memory format Preserve");
  });
});
