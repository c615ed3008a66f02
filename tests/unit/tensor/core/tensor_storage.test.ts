/**
 * x.storage() as torch 1.13 (tests/fixtures/torch/core/tensor_storage.json,
 * scripts/fixtures/tensor_storage_fixtures.py): the TypedStorage a tensor and its views share, which
 * Karpathy's makemore part 2 prints (a = torch.arange(18); a.storage()) to show that view() moves no
 * data. Found by the Zero to Hero probe (tutorials/zero_to_hero.test.ts).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface StorageCase {
  str: string;
  size: number;
  len: number;
  tolist: (number | boolean)[];
  type: string;
  element_size: number;
  nbytes: number;
  device: string;
}
const ref = loadFixture<Record<string, StorageCase> & {
  views: { view_size: number; slice_size: number; transpose_list: number[]; after_write: number[] };
  is_storage: boolean[];
  errors: { keyword: [string, string]; positional: [string, string] };
}>("tensor_storage.json");

const cases: Record<string, () => Tensor> = {
  arange18: () => torch.arange(18),
  floats: () => torch.tensor([0.1, 1e-5, 1e16, -0.0, 1234.5, 2.0, -3.25e-7, NaN, Infinity, -Infinity]),
  float64: () => torch.tensor([0.1, 1.0 / 3.0, 123456789.125], { dtype: torch.float64 }),
  bools: () => torch.tensor([true, false, true]),
  int32: () => torch.tensor([-2, 0, 7], { dtype: torch.int32 }),
  uint8: () => torch.tensor([0, 255], { dtype: torch.uint8 }),
  empty: () => torch.tensor([], { dtype: torch.float32 }),
};

describe("x.storage()", () => {
  it.each(Object.keys(cases))("%s: printed form, size, len, tolist, type, element_size, nbytes, device", (name) => {
    const s = cases[name]().storage();
    const r = ref[name];
    expect(String(s)).toBe(r.str);
    expect(s.size()).toBe(r.size);
    expect(s.length).toBe(r.len);
    expect(s.tolist()).toEqual(r.tolist);
    expect([...s]).toEqual(r.tolist);
    expect(s.type()).toBe(r.type);
    expect(s.element_size()).toBe(r.element_size);
    expect(s.nbytes()).toBe(r.nbytes);
    expect(String(s.device)).toBe(r.device);
  });

  it("views share the whole storage; a write through a view shows in it; torch.is_storage", () => {
    const a = torch.arange(18);
    expect(a.view(3, 6).storage().size()).toBe(ref.views.view_size);
    expect(a.index("2:5").storage().size()).toBe(ref.views.slice_size);
    expect(a.view(3, 6).t().storage().tolist()).toEqual(ref.views.transpose_list);
    const b = torch.arange(18);
    b.view(3, 6).index(1, 2).fill_(-1);
    expect(b.storage().tolist()).toEqual(ref.views.after_write);
    expect([torch.is_storage(a.storage()), torch.is_storage(a), torch.is_storage([1, 2])]).toEqual(ref.is_storage);
  });

  it("takes no arguments: a keyword or a positional raises Python's TypeError", () => {
    const a = torch.arange(3);
    const storage = a.storage as unknown as (...args: unknown[]) => unknown;
    const cases: [unknown[], [string, string]][] = [[[{ zzz_unknown: 1 }], ref.errors.keyword], [[1], ref.errors.positional]];
    for (const [args, [type, message]] of cases) {
      expect(() => storage.apply(a, args)).toThrow(message);
      expect(() => storage.apply(a, args)).toThrow(expect.objectContaining({ name: type }));
    }
  });
});
