/**
 * torchvision.models' forward values on both kernel sets: this folder also runs in the "tensor-ts-kernels" project
 * (the plain-TypeScript kernels), which tests/unit/tensor/vision/ does not. The kernel-dependent checks of
 * vision/models.test.ts, smallest first: a PyTorch-exported mobilenet_v2(width_mult=0.1) state dict (safetensors)
 * loaded and run in eval mode, seeded squeezenet1_1, mobilenet_v3_small, efficientnet_b0 and resnet18 outputs (train and eval), against torchvision 0.14.1
 * (scripts/fixtures/torchvision_models_fixtures.py -> tests/fixtures/torch/vision/models.json).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { fixture, type FT } from "./helpers";
import { seeded } from "../torch_reference";

interface Fx {
  seeded: Record<string, { train_out?: FT; eval_out?: FT }>;
  mobilenet_v2_w01_nc10: { safetensors_b64: string; input: FT; eval_out: FT };
}
const fx = fixture<Fx>("vision/models.json");
const models = torchvision.models;

let saved: ReturnType<typeof torch.get_rng_state>;
beforeEach(() => {
  saved = torch.get_rng_state();
});
afterEach(() => {
  torch.set_rng_state(saved);
});

/** float32 convolutions summed in another order: relative to the output's scale. */
function expectOut(got: Tensor, want: FT, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  const scale = Math.max(...want.data.map((v) => Math.abs(v)), 1e-3);
  (got.detach().reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(1e-4 * scale));
}

describe("torchvision.models forward values (both kernel sets)", () => {
  it("mobilenet_v2({ width_mult: 0.1, num_classes: 10 }) with a state dict exported from PyTorch (eval)", () => {
    const mob = fx.mobilenet_v2_w01_nc10;
    const m = models.mobilenet_v2({ width_mult: 0.1, num_classes: 10 });
    m.load_state_dict(torch.load(Uint8Array.from(Buffer.from(mob.safetensors_b64, "base64"))) as Record<string, Tensor>);
    m.eval();
    torch.no_grad(() => expectOut(m(torch.tensor(mob.input.data).reshape(mob.input.shape)), mob.eval_out, "mobilenet_v2"));
  });

  it("seeded squeezenet1_1({ num_classes: 10 }), mobilenet_v3_small, efficientnet_b0 and resnet18({ num_classes: 10 }): torchvision's outputs", () => {
    const sq = seeded(() => models.squeezenet1_1({ num_classes: 10 })).eval();
    const r = seeded(() => models.resnet18({ num_classes: 10 }));
    torch.manual_seed(1);
    const x64 = torch.randn(2, 3, 64, 64);
    torch.no_grad(() => expectOut(sq(x64.narrow(0, 0, 1)), fx.seeded.squeezenet1_1_nc10.eval_out!, "squeezenet1_1"));
    const mb3 = seeded(() => models.mobilenet_v3_small({ num_classes: 10 })).eval();
    torch.no_grad(() => expectOut(mb3(x64), fx.seeded.mobilenet_v3_small_nc10.eval_out!, "mobilenet_v3_small"));
    const eff = seeded(() => models.efficientnet_b0({ num_classes: 10 })).eval();
    torch.no_grad(() => expectOut(eff(x64), fx.seeded.efficientnet_b0_nc10.eval_out!, "efficientnet_b0"));
    r.train();
    expectOut(r(x64), fx.seeded.resnet18_nc10.train_out!, "resnet18 train");
    r.eval();
    torch.no_grad(() => expectOut(r(x64), fx.seeded.resnet18_nc10.eval_out!, "resnet18 eval"));
  });
});
