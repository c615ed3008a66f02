/**
 * Automatic mixed precision as PyTorch 1.13 behaves on a CPU-only build (lib/tensor/amp.ts): the
 * checks here are the outputs of the same calls under Debian's torch 1.13 without CUDA.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe("torch.autocast", () => {
  it("device_type 'cuda' without CUDA warns and runs the body in full precision; enabled=false runs it silently", () => {
    const a = torch.ones(2, 2);
    const y = torch.autocast("cuda", { dtype: torch.float16 }, () => torch.mm(a, a));
    expect(y.dtype).toBe(torch.float32);
    expect(warn).toHaveBeenCalledWith("UserWarning: User provided device_type of 'cuda', but CUDA is not available. Disabling");
    warn.mockClear();
    expect(torch.autocast({ device_type: "cpu", enabled: false }, () => torch.mm(a, a)).tolist()).toEqual([[2, 2], [2, 2]]);
    expect(torch.autocast("cpu", null, false, () => 7)).toBe(7); // positional: device_type, dtype, enabled
    expect(torch.cuda.amp.autocast({ enabled: false }, () => 3)).toBe(3);
    expect(torch.cpu.amp.autocast(false, () => 4)).toBe(4);
    expect(torch.amp.autocast("cuda", { enabled: false }, () => 5)).toBe(5);
    expect(warn).not.toHaveBeenCalled();
    expect(torch.is_autocast_enabled()).toBe(false);
    expect(torch.is_autocast_cpu_enabled()).toBe(false);
    expect(torch.get_autocast_gpu_dtype()).toBe(torch.float16);
    expect(torch.get_autocast_cpu_dtype()).toBe(torch.bfloat16);
  });

  it("CPU autocast (bfloat16) raises, another CPU dtype raises PyTorch 1.13's error, other devices and bad arguments raise", () => {
    let ran = false;
    expect(() => torch.autocast("cpu", () => (ran = true))).toThrow(/bfloat16, which Gradbook's tensor engine does not store/);
    expect(ran).toBe(false);
    expect(() => torch.autocast("cpu", { dtype: torch.float16 }, () => 1)).toThrow("Currently, AutocastCPU only support Bfloat16 as the autocast_cpu_dtype");
    expect(() => torch.autocast("xla", () => 1)).toThrow("User specified autocast device_type must be 'cuda' or 'cpu'");
    expect(() => torch.autocast("cuda", { enable: false }, () => 1)).toThrow("autocast() got an unexpected keyword argument 'enable'");
    expect(() => torch.autocast({ enabled: false }, () => 1)).toThrow("autocast() missing 1 required positional argument: 'device_type'");
    expect(() => (torch.autocast as (...a: unknown[]) => unknown)("cuda")).toThrow(/pass the code to run as the last argument/);
  });
});

describe("torch.cuda.amp.GradScaler", () => {
  it("disables itself (with PyTorch's warning) and is a pass-through: a scaled step is a plain step", () => {
    const scaler = new torch.cuda.amp.GradScaler();
    expect(warn).toHaveBeenCalledWith("UserWarning: torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.");
    expect(scaler.is_enabled()).toBe(false);
    expect(scaler.get_scale()).toBe(1);
    expect(scaler.state_dict()).toEqual({});
    scaler.load_state_dict({ scale: 3 }); // ignored by a disabled scaler, as PyTorch's
    expect(scaler.get_scale()).toBe(1);

    const x = torch.ones(2, { requires_grad: true });
    const opt = new torch.optim.SGD([x], { lr: 0.1 });
    const loss = x.mul(3).sum();
    expect(scaler.scale(loss)).toBe(loss);
    scaler.scale(loss).backward();
    scaler.unscale_(opt);
    expect(scaler.step(opt)).toBeUndefined();
    scaler.update();
    expect(x.detach().tolist()).toEqual([0.7, 0.7].map((v) => Math.fround(v)));

    warn.mockClear();
    const quiet = new torch.cuda.amp.GradScaler({ enabled: false, init_scale: 2 ** 16, growth_interval: 2000 });
    expect(warn).not.toHaveBeenCalled();
    expect(quiet.is_enabled()).toBe(false);
    expect(() => new torch.cuda.amp.GradScaler({ foo: 1 } as never)).toThrow("GradScaler.__init__() got an unexpected keyword argument 'foo'");
  });

  it("step forwards a closure to the optimizer (LBFGS-style) and returns its loss", () => {
    const lin = new nn.Linear(2, 1);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const scaler = new torch.cuda.amp.GradScaler({ enabled: false });
    const closure = () => {
      opt.zero_grad();
      const l = lin(torch.ones(1, 2)).pow(2).sum();
      l.backward();
      return l;
    };
    const r = scaler.step(opt, closure);
    expect(typeof (r as { item?: unknown }).item).toBe("function");
  });
});
