/**
 * "Automatic Mixed Precision" recipe and "Channels Last Memory Format" tutorial, as PyTorch 1.13
 * runs them on a CPU-only build, which the engine is (lib/tensor/amp.ts, lib/tensor/memory_format.ts):
 * autocast('cuda') warns and runs in float32, an enabled GradScaler warns and passes through, so the
 * recipe's AMP loop gives exactly the plain loop's losses, as torch's; CPU autocast computes in
 * bfloat16, which the engine does not store, so it raises (as amp.ts documents), and float16 CPU
 * autocast raises torch's own error. channels_last conversions give torch's strides; a convolution's
 * output is contiguous here where torch keeps channels_last (memory_format.ts: same values, different
 * strides). Values from torch 1.13 (amp5.json, scripts/fixtures/tutorial5_fixtures.py).
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
type Run = [number[], string[], boolean, number, Record<string, unknown>, string[]];
const ref = tutorialFixture<{
  amp_on: Run; amp_off: Run; cpu_fp16_error: [string, string];
  channels_last: {
    stride: number[]; to_cl: [number[], number[]]; back: number[]; contiguous_cl: number[]; empty_cl: number[]; is_cl: boolean; special: boolean[];
    conv_weight_stride: number[]; conv_out: FT; conv_out_is_cl: boolean;
  };
}>("amp5.json");

function make_model(in_size: number, out_size: number, num_layers: number): nn.Sequential {
  const layers: nn.Module[] = [];
  for (let i = 0; i < num_layers - 1; i++) {
    layers.push(new nn.Linear(in_size, in_size));
    layers.push(new nn.ReLU());
  }
  layers.push(new nn.Linear(in_size, out_size));
  return new nn.Sequential(...layers);
}

let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe("Automatic Mixed Precision recipe on a CPU-only build", () => {
  it("autocast('cuda') and an enabled GradScaler disable themselves with torch's warnings: the AMP loop is the float32 loop", () => {
    torch.manual_seed(0);
    const [batch_size, in_size, out_size, num_layers, num_batches, epochs] = [8, 16, 16, 3, 4, 2];
    const data = Array.from({ length: num_batches }, () => torch.randn(batch_size, in_size));
    const targets = Array.from({ length: num_batches }, () => torch.randn(batch_size, out_size));
    const loss_fn = new nn.MSELoss();
    const run = (use_amp: boolean) => {
      torch.manual_seed(1);
      const net = make_model(in_size, out_size, num_layers);
      const opt = new torch.optim.SGD(net.parameters(), { lr: 0.001 });
      const scaler = new torch.cuda.amp.GradScaler({ enabled: use_amp });
      const losses: number[] = [];
      const dtypes = new Set<string>();
      for (let epoch = 0; epoch < epochs; epoch++) {
        data.forEach((input, i) => {
          const [output, loss] = torch.autocast("cuda", { dtype: torch.float16, enabled: use_amp }, (): [Tensor, Tensor] => {
            const out = net(input);
            return [out, loss_fn(out, targets[i])];
          });
          dtypes.add(String(output.dtype));
          scaler.scale(loss).backward();
          scaler.step(opt);
          scaler.update();
          opt.zero_grad();
          losses.push(loss.item() as number);
        });
      }
      return { losses, dtypes: [...dtypes], enabled: scaler.is_enabled(), scale: scaler.get_scale(), state: scaler.state_dict() };
    };
    const on = run(true);
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    expect(warnings.some((w) => w.includes("User provided device_type of 'cuda', but CUDA is not available"))).toBe(true);
    expect(warnings.some((w) => w.includes("torch.cuda.amp.GradScaler is enabled, but CUDA is not available"))).toBe(true);
    warn.mockClear();
    const off = run(false);
    expect(warn).not.toHaveBeenCalled(); // enabled=False: silent, as torch
    const [losses, dtypes, enabled, scale, state] = ref.amp_on;
    expectClose(torch.tensor(on.losses), losses, 1e-5, 1e-6, "AMP loop losses");
    expect([on.dtypes, on.enabled, on.scale, on.state]).toEqual([dtypes, enabled, scale, state]);
    expect(off.losses).toEqual(on.losses); // bit-equal: nothing was scaled or cast
    expectClose(torch.tensor(off.losses), ref.amp_off[0], 1e-5, 1e-6, "plain loop losses");
  });

  it("CPU autocast raises instead of silently staying in float32; float16 on the CPU raises torch's error", () => {
    expect(() => torch.autocast("cpu", () => 1)).toThrow(/autocast\(device_type='cpu'\) computes in torch\.bfloat16, which Gradbook's tensor engine does not store/);
    expect(() => torch.autocast("cpu", { dtype: torch.bfloat16 }, () => 1)).toThrow(/does not store/);
    expect(() => torch.autocast("cpu", { dtype: torch.float16 }, () => 1)).toThrow(ref.cpu_fp16_error[1]);
    expect(torch.autocast("cpu", { enabled: false }, () => 7)).toBe(7); // the way to keep the code: run it in float32
  });
});

describe("Channels Last Memory Format", () => {
  it("conversions, creation and format checks give torch's strides and answers", () => {
    const cl = ref.channels_last;
    const [N, C, H, W] = [10, 3, 32, 32];
    let x = torch.empty(N, C, H, W);
    expect(x.stride()).toEqual(cl.stride);
    x = x.to({ memory_format: torch.channels_last });
    expect([x.shape, x.stride()]).toEqual(cl.to_cl);
    expect(x.to({ memory_format: torch.contiguous_format }).stride()).toEqual(cl.back);
    expect(torch.empty(N, C, H, W).contiguous({ memory_format: torch.channels_last }).stride()).toEqual(cl.contiguous_cl);
    // torch.empty(..., memory_format) works at run time; its options type (shared by every creator) leaves the key out
    const empty = torch.empty as (...a: unknown[]) => Tensor;
    expect(empty([N, C, H, W], { memory_format: torch.channels_last }).stride()).toEqual(cl.empty_cl);
    expect(x.is_contiguous({ memory_format: torch.channels_last })).toBe(cl.is_cl);
    const special_x = torch.empty(4, 1, 4, 4);
    expect([special_x.is_contiguous({ memory_format: torch.channels_last }), special_x.is_contiguous({ memory_format: torch.contiguous_format })]).toEqual(cl.special);
  });

  it("a channels_last model gives torch's values; its output is contiguous here (torch keeps channels_last)", () => {
    const cl = ref.channels_last;
    torch.manual_seed(0);
    const model = new nn.Conv2d(8, 4, 3).to({ memory_format: torch.channels_last });
    const input = torch.randn(2, 8, 6, 6).to({ memory_format: torch.channels_last });
    expect(model.weight.stride()).toEqual(cl.conv_weight_stride);
    const out = model(input);
    expectClose(out, cl.conv_out.data, 1e-5, 1e-6, "conv output");
    expect(cl.conv_out_is_cl).toBe(true);
    expect(out.is_contiguous({ memory_format: torch.channels_last })).toBe(false); // documented in memory_format.ts
    expect(out.contiguous({ memory_format: torch.channels_last }).is_contiguous({ memory_format: torch.channels_last })).toBe(true);
  });
});
