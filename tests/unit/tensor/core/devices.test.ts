/** The device preamble of PyTorch tutorials, on an engine that runs on the CPU only. */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { thrown } from "../tutorials/helpers";

describe("devices", () => {
  it("the usual preamble picks the CPU, and tensors and modules move there", () => {
    const device = torch.cuda.is_available() ? "cuda" : torch.backends.mps.is_available() ? "mps" : "cpu";
    expect(device).toBe("cpu");
    expect(torch.cuda.device_count()).toBe(0);
    const model = new nn.Linear(2, 1).to(torch.device(device));
    const x = torch.tensor([[1, 2]]).to(device);
    expect(model(x).shape).toEqual([1, 1]);
    expect(String(torch.device("cuda", 1))).toBe("cuda:1");
    expect(torch.device("cuda:0").type).toBe("cuda");
    expect(torch.device("cpu").index).toBeNull();
  });

  it("x.device is a torch.device, as in torch: .type 'cpu', prints 'cpu', and feeds back into .to and creation", () => {
    const x = torch.zeros(2), w = new nn.Linear(2, 2).weight;
    expect(x.device).toBeInstanceOf(torch.device("cpu").constructor);
    expect([x.device.type, x.device.index, String(x.device), `${w.device}`]).toEqual(["cpu", null, "cpu", "cpu"]);
    expect(x.device).toBe(w.device); // torch's x.device == w.device
    expect(torch.device(x.device)).toBe(x.device);
    expect(x.to(w.device)).toBe(x);
    expect(torch.ones(3, { device: x.device }).device.type).toBe("cpu");
    expect(String(x.device) === "cpu" && x.device.type === "cpu").toBe(true);
  });

  it("Tensor.to takes a device, a dtype, both, another tensor or an options object", () => {
    const x = torch.tensor([1.5, -2]);
    expect(x.to("cpu")).toBe(x);
    expect(x.to(torch.device("cpu"), torch.float64).dtype).toBe(torch.float64);
    expect(x.to(torch.int64).tolist()).toEqual([1, -2]);
    expect(x.to(torch.zeros(1, { dtype: torch.float64 })).dtype).toBe(torch.float64);
    expect(x.to({ device: "cpu", dtype: torch.float64 }).dtype).toBe(torch.float64);
    const copied = x.to({ copy: true });
    expect(copied).not.toBe(x);
    expect(copied.tolist()).toEqual([1.5, -2]);
    // The gradient flows through a dtype change made with a device argument as well.
    const w = torch.tensor([2.0], { requires_grad: true });
    w.to("cpu", torch.float64).mul(3).sum().backward();
    expect(w.grad!.tolist()).toEqual([3]);
  });

  it("a GPU device, or a misspelt one, is a clear error that changes nothing", () => {
    const x = torch.ones(2);
    expect(() => x.to("cuda")).toThrow(/runs on the CPU only, so device 'cuda' is not available \(torch.cuda.is_available\(\) is False here\)/);
    expect(() => x.to(torch.device("mps"))).toThrow(/device 'mps' is not available/);
    // torch 1.13's own classes and first words (a CPU-only build): code catching them behaves as there.
    for (const [name, fn] of [["to", () => x.to("cuda:0")], ["ones", () => torch.ones(1, { device: "cuda" })], ["cuda", () => x.cuda()], ["Module.cuda", () => new nn.Linear(1, 1).cuda()]] as const) {
      const e = thrown(fn)!;
      expect([name, e[0], e[1].split(". ")[0]]).toEqual([name, "AssertionError", "Torch not compiled with CUDA enabled"]);
    }
    expect(thrown(() => x.to("mps"))!.slice(0, 1).concat(thrown(() => x.to("mps"))![1].split(". ")[0])).toEqual(["RuntimeError", "PyTorch is not linked with support for mps devices"]);
    expect(thrown(() => torch.zeros(1, { device: "meta" }))![0]).toBe("RuntimeError");
    expect(() => torch.device("gpu")).toThrow("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone device type at start of device string: gpu");
    expect(() => x.to({ devise: "cpu" } as never)).toThrow(/to\(\) got an unexpected keyword argument 'devise'/);
    const m = new nn.Linear(1, 1);
    expect(() => m.to(torch.device("cuda:0"))).toThrow(/device 'cuda:0' is not available/);
    expect(m.weight.dtype).toBe(torch.float32);
  });

  it("set_grad_enabled switches recording globally, or for one function as PyTorch's with-block", () => {
    const w = torch.ones(1, { requires_grad: true });
    expect(torch.set_grad_enabled(false, () => w.mul(2)).requires_grad).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
    torch.set_grad_enabled(false);
    try {
      expect(w.mul(2).requires_grad).toBe(false);
    } finally {
      torch.set_grad_enabled(true);
    }
    expect(w.mul(2).requires_grad).toBe(true);
  });

  it("seeding CUDA and cudnn flags are accepted and change nothing on the CPU", () => {
    torch.manual_seed(0);
    const a = torch.rand(3).tolist();
    torch.manual_seed(0);
    torch.cuda.manual_seed_all(123);
    torch.backends.cudnn.deterministic = true;
    torch.use_deterministic_algorithms(true);
    expect(torch.are_deterministic_algorithms_enabled()).toBe(true);
    expect(torch.rand(3).tolist()).toEqual(a);
    torch.use_deterministic_algorithms(false);
    torch.backends.cudnn.deterministic = false;
  });
});
