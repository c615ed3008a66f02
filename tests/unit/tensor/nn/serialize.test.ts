/** torch.save / torch.load: safetensors layout, exact round trips, models with custom layers. */
import { describe, expect, it } from "vitest";
import { F, nn, torch, load_tensors, save_tensors, type Tensor } from "../../../../lib/tensor/index";

function header(bytes: Uint8Array): { n: number; json: Record<string, unknown> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  return { n, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) };
}

describe("safetensors layout", () => {
  it("writes an 8-byte length, a JSON header with dtype/shape/data_offsets, then raw little-endian data", () => {
    const bytes = torch.save({ w: torch.tensor([[1.5, -2]]), idx: torch.tensor([3, 70000], { dtype: torch.long }) });
    const { n, json } = header(bytes);
    expect((8 + n) % 8).toBe(0); // data is 8-aligned
    expect(json.w).toEqual({ dtype: "F32", shape: [1, 2], data_offsets: [0, 8] });
    expect(json.idx).toEqual({ dtype: "I64", shape: [2], data_offsets: [8, 24] });
    expect(json.__metadata__).toEqual({ format: "pt" });
    const data = new DataView(bytes.buffer, 8 + n);
    expect(data.getFloat32(0, true)).toBe(1.5);
    expect(data.getFloat32(4, true)).toBe(-2);
    expect(data.getBigInt64(16, true)).toBe(70000n);
    expect(bytes.length).toBe(8 + n + 24);
  });

  it("round-trips values exactly: float32 bits, float64, int64, bool, 0-d and empty tensors, key order", () => {
    const sd: Record<string, Tensor> = {
      "layer.weight": torch.randn(3, 4),
      special: torch.tensor([NaN, Infinity, -Infinity, -0, 1e-40, 3.4e38]),
      double: torch.randn(5, { dtype: torch.float64 }),
      labels: torch.tensor([0, 9, 123456], { dtype: torch.long }),
      mask: torch.tensor([true, false, true]),
      scalar: torch.tensor(2.5),
      empty: torch.zeros(0, 3),
      "0.weight": torch.ones(1),
    };
    const back = torch.load(torch.save(sd)) as Record<string, Tensor>;
    expect(Object.keys(back)).toEqual(Object.keys(sd));
    for (const [k, t] of Object.entries(sd)) {
      expect(back[k].dtype, k).toBe(t.dtype);
      expect([...back[k].shape], k).toEqual([...t.shape]);
      const a = Array.from(t.contiguous()._data.subarray(t._offset, t._offset + t.numel()));
      const b = Array.from(back[k]._data.subarray(0, back[k].numel()));
      expect(b.map((v) => Object.is(v, -0) ? "-0" : v), k).toEqual(a.map((v) => Object.is(v, -0) ? "-0" : v));
    }
  });

  it("saves non-contiguous tensors by value and keeps user metadata", () => {
    const t = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).t();
    const { tensors, metadata } = load_tensors(save_tensors({ t }, { note: "hi ✓" }));
    expect(tensors.t.tolist()).toEqual(t.tolist());
    expect(metadata.note).toBe("hi ✓");
  });

  it("rejects data that is not a safetensors file", () => {
    expect(() => torch.load(new Uint8Array([1, 2, 3]))).toThrow(/too short/);
    expect(() => torch.load(new Uint8Array(16).fill(255))).toThrow(/invalid header length/);
  });
});

describe("saving and loading models", () => {
  class Swish extends nn.Module {
    forward(x: Tensor): Tensor {
      return x.mul(torch.sigmoid(x));
    }
  }

  it("a model with built-in layers comes back with the same architecture, weights and outputs", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.LeakyReLU(0.2), new nn.Dropout(0.1), new nn.Linear(8, 3, false));
    model(torch.randn(16, 4)); // update running stats
    model.eval();
    const loaded = torch.load(torch.save(model)) as nn.Module;
    expect(loaded).toBeInstanceOf(nn.Sequential);
    expect(String(loaded)).toBe(String(model));
    expect(loaded.training).toBe(false);
    const x = torch.randn(5, 4);
    expect(loaded(x).equal(model(x))).toBe(true);
    expect(loaded.parameters().every((p) => p.requires_grad)).toBe(true);
    for (const [k, v] of Object.entries(model.state_dict())) expect(loaded.state_dict()[k].equal(v), k).toBe(true);
  });

  it("a custom activation must be registered before loading; then the model works", () => {
    // Named unlike any built-in layer (nn.Mish exists now), so loading must ask for registration.
    class TanhSoftplus extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.mul(torch.tanh(F.softplus(x)));
      }
    }
    const model = new nn.Sequential(new nn.Linear(2, 3), new TanhSoftplus(), new nn.Linear(3, 1));
    const bytes = torch.save(model);
    expect(() => torch.load(bytes)).toThrow("Unknown module 'TanhSoftplus': register it with nn.register_module('TanhSoftplus', TanhSoftplus) before loading");
    nn.register_module("TanhSoftplus", TanhSoftplus);
    const loaded = torch.load(bytes) as nn.Sequential;
    expect(loaded[1]).toBeInstanceOf(TanhSoftplus);
    const x = torch.randn(4, 2);
    expect(loaded(x).equal(model(x))).toBe(true);
  });

  it("a custom model class is rebuilt from its saved children once registered", () => {
    class Net extends nn.Module {
      fc = new nn.Linear(2, 3);
      act = new Swish();
      out = new nn.Linear(3, 1);
      forward(x: Tensor): Tensor {
        return this.out(this.act(this.fc(x)));
      }
    }
    const net = new Net();
    const bytes = torch.save(net);
    expect(() => torch.load(bytes)).toThrow("Unknown module 'Net': register it with nn.register_module('Net', Net) before loading (also unknown: 'Swish')");
    nn.register_module("Swish", Swish);
    nn.register_module(Net);
    const loaded = torch.load(bytes) as Net;
    expect(loaded).toBeInstanceOf(Net);
    expect(loaded.act).toBeInstanceOf(Swish);
    const x = torch.randn(4, 2);
    expect(loaded(x).equal(net(x))).toBe(true);
  });

  it("module settings and missing parts survive (BatchNorm without affine or running stats, bias=False)", () => {
    const model = new nn.Sequential(new nn.BatchNorm1d(3, { affine: false, track_running_stats: false, eps: 1e-3 }), new nn.Linear(3, 2, false), new nn.Softmax(1));
    const loaded = torch.load(torch.save(model)) as nn.Sequential;
    expect(String(loaded)).toBe(String(model));
    const x = torch.randn(4, 3);
    expect(loaded(x).allclose(model(x))).toBe(true);
  });

  it("torch.save(obj, name) and torch.load(name) work like files, through the file store", () => {
    const model = new nn.Sequential(new nn.Linear(2, 2));
    const bytes = torch.save(model.state_dict(), "weights.pt");
    const back = torch.load("weights.pt") as Record<string, Tensor>;
    expect(back["0.weight"].equal(model[0].state_dict().weight)).toBe(true);
    expect(bytes.length).toBeGreaterThan(8);
    expect(() => torch.load("missing.pt")).toThrow("No such file or directory: 'missing.pt'");
  });

  it("a module shared under two names is saved under both", () => {
    const lin = new nn.Linear(2, 2);
    const model = new nn.Sequential(lin, new nn.Tanh(), lin);
    const loaded = torch.load(torch.save(model)) as nn.Sequential;
    expect(loaded.length).toBe(3);
    expect(String(loaded)).toBe(String(model));
    expect(String(model).match(/Linear/g)).toHaveLength(2);
    const x = torch.randn(3, 2);
    expect(loaded(x).allclose(model(x))).toBe(true);
  });

  it("a state_dict file loads back into a freshly built model", () => {
    const a = new nn.Linear(3, 2);
    const b = new nn.Linear(3, 2);
    b.load_state_dict(torch.load(torch.save(a.state_dict())) as Record<string, Tensor>);
    expect(b.weight.equal(a.weight)).toBe(true);
  });
});
