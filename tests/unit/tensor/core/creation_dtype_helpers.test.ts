/**
 * Creation from a tensor (new_*), torch.normal / poisson / logspace (seeded draws
 * equal PyTorch 1.13's), the default dtype, dtype rules, inference_mode and the honest errors
 * for what the engine lacks (16-bit floats, small integers, CUDA, pointers). Values from
 * scripts/fixtures/elementwise_creation_fixtures.py (tests/fixtures/torch/core/elementwise_creation.json).
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch, type Tensor, type DType } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "./fixtures";

interface Stored {
  shape: number[];
  dtype: "float32" | "float64" | "int64" | "bool";
  data: number[];
}
const fx = loadFixture<{ creation: Record<string, Stored>; dtype_rules: Record<string, Record<string, string | boolean>> }>("elementwise_creation.json");
const dtypes: Record<string, DType> = { float32: torch.float32, float64: torch.float64, int64: torch.long, bool: torch.bool };

const made: Record<string, () => Tensor> = {
  new_zeros_long: () => torch.tensor([1, 2], { dtype: torch.long }).new_zeros(2, 3),
  new_ones_dtype: () => torch.tensor([1, 2], { dtype: torch.long }).new_ones([2], { dtype: torch.float64 }),
  new_full_long: () => torch.tensor([1, 2], { dtype: torch.long }).new_full([3], 3.7),
  new_tensor_long: () => torch.tensor([1, 2], { dtype: torch.long }).new_tensor([1.5, -2.7]),
  new_tensor_f64: () => torch.zeros(1, { dtype: torch.float64 }).new_tensor([0.1, 0.2]),
  new_empty_shape: () => torch.zeros(1).new_empty([2, 2]),
  logspace: () => torch.logspace(0, 2, 5),
  logspace_base2: () => torch.logspace(-1.5, 3.25, 7, 2),
  logspace_f64: () => torch.logspace(-2, 1, 6, { dtype: torch.float64 }),
  logspace_one: () => torch.logspace(1.5, 4, { steps: 1 }),
  poisson_small: () => (torch.manual_seed(0), torch.poisson(torch.tensor([0.5, 3, 0, 9.5, 1, 2]))),
  poisson_large: () => (torch.manual_seed(1), torch.poisson(torch.tensor([12, 40, 10, 250, 15.5, 100]))),
  poisson_f64: () => (torch.manual_seed(2), torch.poisson(torch.linspace(0.1, 30, 20, { dtype: torch.float64 }))),
  normal_tensors: () => (torch.manual_seed(3), torch.normal(torch.arange(4).float(), torch.tensor([1, 0.5, 2, 0.1]))),
  normal_tensor_mean: () => (torch.manual_seed(4), torch.normal(torch.arange(20).float(), 2)),
  normal_tensor_std: () => (torch.manual_seed(5), torch.normal(1.5, torch.linspace(0.1, 2, 18))),
  normal_numbers: () => (torch.manual_seed(6), torch.normal(2, 3, [4, 5])),
  normal_broadcast: () => (torch.manual_seed(7), torch.normal({ mean: torch.zeros(3, 1), std: torch.ones(1, 4) })),
  random_: () => {
    torch.manual_seed(9);
    return torch.cat([torch.empty(5).random_(), torch.empty(5).random_(10), torch.empty(5).random_(-3, 4), torch.empty(4, { dtype: torch.float64 }).random_(0, 2 ** 33).float()]);
  },
  random_f64_long: () => {
    torch.manual_seed(10);
    return torch.cat([torch.empty(4, { dtype: torch.float64 }).random_(), torch.empty(3, { dtype: torch.long }).random_({ to: 100 }).double()]);
  },
  exponential_: () => (torch.manual_seed(11), torch.empty(20).exponential_()),
  exponential_f64: () => (torch.manual_seed(12), torch.empty(7, { dtype: torch.float64 }).exponential_({ lambd: 2.5 })),
  default_f64_tensor: () => withDefault64(() => torch.tensor([0.1, 0.2])),
  default_f64_linspace: () => withDefault64(() => torch.linspace(0, 1, 3)),
  default_f64_arange: () => withDefault64(() => torch.arange(0.5, 2)),
  default_f64_rand: () => withDefault64(() => (torch.manual_seed(8), torch.rand(3))),
};

function withDefault64(fn: () => Tensor): Tensor {
  torch.set_default_dtype(torch.float64);
  try {
    return fn();
  } finally {
    torch.set_default_dtype(torch.float32);
  }
}

afterEach(() => torch.set_default_dtype(torch.float32));

describe("creation helpers match PyTorch 1.13", () => {
  it("mirrors every stored case", () => expect(Object.keys(made).sort()).toEqual(Object.keys(fx.creation).sort()));
  for (const [name, make] of Object.entries(made)) {
    it(name, () => {
      const t = make();
      const e = fx.creation[name];
      expect(t.shape).toEqual(e.shape);
      expect(t.dtype).toBe(dtypes[e.dtype]);
      if (name === "new_empty_shape") return; // contents unspecified (PyTorch: uninitialised)
      // Poisson counts are exact; normal draws get float32 rounding of mean + std * z (atol 1e-5 near cancellation).
      const exact = name.startsWith("poisson") || name.startsWith("random");
      expectClose(t, e.data, exact ? 0 : 2e-6, exact ? 0 : name.startsWith("normal") ? 1e-5 : 1e-6, name);
    });
  }
});

describe("default dtype", () => {
  it("set_default_dtype changes what creation picks, only float32 / float64 are allowed", () => {
    expect(torch.get_default_dtype()).toBe(torch.float32);
    torch.set_default_dtype(torch.float64);
    expect(torch.get_default_dtype()).toBe(torch.float64);
    for (const t of [torch.zeros(2), torch.ones(2), torch.full([2], 1.5), torch.randn(2), torch.eye(2), torch.empty(1), torch.logspace(0, 1, 2)]) {
      expect(t.dtype).toBe(torch.float64);
    }
    expect(torch.arange(3).dtype).toBe(torch.long);
    expect(torch.tensor([true]).dtype).toBe(torch.bool);
    expect(() => torch.set_default_dtype(torch.long)).toThrow(/only floating-point types are supported as the default type/);
    expect(torch.get_default_dtype()).toBe(torch.float64);
  });
});

describe("dtype rules match PyTorch 1.13", () => {
  const ex: Record<string, () => Tensor> = {
    float32: () => torch.tensor([1]),
    float64: () => torch.tensor([1], { dtype: torch.float64 }),
    int64: () => torch.tensor([1], { dtype: torch.long }),
    bool: () => torch.tensor([true]),
  };
  const scalars: Record<string, number | boolean> = { int: 2, float: 2.5, bool: true };
  it("promote_types, can_cast and result_type over every pair", () => {
    for (const [key, want] of Object.entries(fx.dtype_rules.promote_types)) {
      const [a, b] = key.split(",");
      expect(torch.promote_types(dtypes[a], dtypes[b]), key).toBe(dtypes[want as string]);
      expect(torch.can_cast(dtypes[a], dtypes[b]), key).toBe(fx.dtype_rules.can_cast[key]);
      expect(torch.result_type(ex[a](), ex[b]()), key).toBe(dtypes[fx.dtype_rules.result_type_tensor[key] as string]);
    }
    for (const [key, want] of Object.entries(fx.dtype_rules.result_type_scalar)) {
      const [a, s] = key.split(",");
      expect(torch.result_type(ex[a](), scalars[s]), key).toBe(dtypes[want as string]);
    }
  });
  it("is_floating_point, is_nonzero, element_size, type_as", () => {
    expect(torch.is_floating_point(torch.zeros(1))).toBe(true);
    expect(torch.is_floating_point(torch.zeros(1, { dtype: torch.long }))).toBe(false);
    expect(torch.is_nonzero(torch.tensor([0.5]))).toBe(true);
    expect(torch.tensor([[0]]).is_nonzero()).toBe(false);
    expect(() => torch.is_nonzero(torch.tensor([1, 2]))).toThrow("Boolean value of Tensor with more than one value is ambiguous");
    expect(() => torch.is_nonzero(torch.zeros(0))).toThrow("Boolean value of Tensor with no values is ambiguous");
    expect([torch.zeros(1).element_size(), torch.zeros(1, { dtype: torch.float64 }).element_size(), torch.tensor([true]).element_size()]).toEqual([4, 8, 1]);
    const y = torch.tensor([1.7, -2.2]).type_as(torch.tensor([1], { dtype: torch.long }));
    expect([y.dtype, y.tolist()]).toEqual([torch.long, [1, -2]]);
  });
  it("new_* keep requires_grad off unless asked and refuse unknown keywords", () => {
    const x = torch.ones(2, { requires_grad: true });
    expect(x.new_zeros(2).requires_grad).toBe(false);
    expect(x.new_ones([2], { requires_grad: true }).requires_grad).toBe(true);
    expect(() => x.new_zeros(2, { dtyp: torch.float64 } as never)).toThrow(/unexpected keyword argument 'dtyp'/);
  });
});

describe("what the engine lacks is a clear error; placement no-ops return the tensor", () => {
  const x = torch.tensor([1.5, 2]);
  it("half / bfloat16 / cuda / data_ptr (byte() is torch.uint8, char() int8, short() int16)", () => {
    expect(() => x.half()).toThrow(/torch.float16 is not supported .* Use .float\(\)/);
    expect(() => x.bfloat16()).toThrow(/torch.bfloat16 is not supported/);
    expect(x.byte().dtype).toBe(torch.uint8);
    expect([x.char().dtype, x.char().tolist()]).toEqual([torch.int8, [1, 2]]);
    expect([x.short().dtype, x.short().tolist()]).toEqual([torch.int16, [1, 2]]);
    expect(() => x.cuda()).toThrow(/no GPU/);
    expect(() => x.data_ptr()).toThrow(/no memory address/);
  });
  it("is_cuda, pin_memory, share_memory_", () => {
    expect(x.is_cuda).toBe(false);
    expect(x.pin_memory()).toBe(x);
    expect(x.share_memory_()).toBe(x);
    expect([x.is_pinned(), x.is_shared()]).toEqual([false, false]);
  });
});

describe("inference_mode", () => {
  it("runs fn without recording (like no_grad), returns its result; inference_mode(false, fn) changes nothing", () => {
    const w = torch.ones(2, { requires_grad: true });
    const y = torch.inference_mode(() => {
      expect(torch.is_inference_mode_enabled()).toBe(true);
      return w.mul(2);
    });
    expect(y.requires_grad).toBe(false);
    expect(torch.is_inference_mode_enabled()).toBe(false);
    expect(torch.inference_mode(false, () => w.mul(2)).requires_grad).toBe(true);
    expect(torch.inference_mode(true, () => w.mul(2)).requires_grad).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
  });
});

describe("normal / poisson / logspace errors", () => {
  it("PyTorch's messages", () => {
    expect(() => torch.normal(0, 1)).toThrow(/needs size/);
    expect(() => torch.normal(torch.zeros(2), -1)).toThrow(/normal expects std >= 0.0/);
    expect(() => torch.poisson(torch.tensor([-1]))).toThrow(/non-negative/);
    expect(() => torch.poisson(torch.tensor([1], { dtype: torch.long }))).toThrow(/not implemented for 'Long'/);
    expect(() => torch.logspace(0, 1)).toThrow('logspace() missing 1 required positional arguments: "steps"');
  });
});

describe("finfo / iinfo / legacy type names", () => {
  it("finfo and iinfo give PyTorch's limits and errors", () => {
    const f = torch.finfo(torch.float32);
    expect([f.bits, f.eps, f.max, f.tiny, f.resolution, f.dtype]).toEqual([32, 1.1920928955078125e-7, 3.4028234663852886e38, 1.1754943508222875e-38, 1e-6, "float32"]);
    expect(f.min).toBe(-f.max);
    expect(torch.finfo()).toBe(f);
    expect(torch.finfo(torch.float64).eps).toBe(2.220446049250313e-16);
    expect(torch.iinfo(torch.long).bits).toBe(64);
    expect(() => torch.finfo(torch.long)).toThrow("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
    expect(() => torch.iinfo(torch.float32)).toThrow("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
    expect(() => torch.iinfo(torch.bool)).toThrow("torch.bool is not supported by torch.iinfo");
  });
  it("type() names the legacy tensor type; type(name) converts; set_default_tensor_type", () => {
    expect([torch.zeros(1).type(), torch.zeros(1, { dtype: torch.long }).type(), torch.tensor([true]).type(), torch.zeros(1).double().type()])
      .toEqual(["torch.FloatTensor", "torch.LongTensor", "torch.BoolTensor", "torch.DoubleTensor"]);
    expect(torch.tensor([1.5]).type("torch.DoubleTensor").dtype).toBe(torch.float64);
    expect(torch.tensor([1.5]).type(torch.long).tolist()).toEqual([1]);
    expect(() => torch.zeros(1).type("torch.cuda.FloatTensor")).toThrow(/needs a GPU/);
    torch.set_default_tensor_type("torch.DoubleTensor");
    expect(torch.zeros(1).dtype).toBe(torch.float64);
    torch.set_default_tensor_type("torch.FloatTensor");
    expect(torch.zeros(1).dtype).toBe(torch.float32);
    expect(torch.is_complex(torch.zeros(1))).toBe(false);
  });
});
