/**
 * torch's UserWarnings show once per message, as Python's default filter shows each once per call site: a
 * training loop calling F.dropout2d on a 2-D input warns once, not at every step (its warning filled the CI log).
 * Each case calls the same line three times, as torch 1.13 does in scripts/fixtures/warnings_once_fixtures.py
 * (tests/fixtures/torch/core/warnings_once.json: one warning of three calls each). The engine shows each message
 * once (lib/tensor/warnings.ts); engine-defaults.setup.ts forgets the shown ones before every test, and
 * forgetShownWarnings() shows them again within one.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { loadFixture } from "./fixtures";

const ref = loadFixture<Record<string, { count: number; category: string; text: string }>>("warnings_once.json");

const x = torch.ones(2).requires_grad_();
const mask = torch.tensor([1, 0], { dtype: torch.uint8 });
const linear = new nn.Linear(2, 2);

const CASES: Record<string, () => unknown> = {
  dropout2d_2d: () => F.dropout2d(torch.ones(3, 4)),
  dropout2d_3d: () => F.dropout2d(torch.ones(2, 3, 4)),
  dropout3d_2d: () => F.dropout3d(torch.ones(3, 4)),
  mse_loss_sizes: () => F.mse_loss(torch.ones(3, 1), torch.ones(3)),
  affine_grid: () => F.affine_grid(torch.eye(2, 3).unsqueeze(0), [1, 1, 2, 2]),
  grid_sample: () => F.grid_sample(torch.ones(1, 1, 2, 2), torch.zeros(1, 2, 2, 2)),
  init_normal: () => nn.init.normal(torch.empty(3)),
  trunc_normal: () => nn.init.trunc_normal_(torch.empty(3), { mean: 10, std: 1, a: -2, b: 2 }),
  range: () => torch.range(0, 3),
  autocast_cuda: () => torch.autocast("cuda", () => 1),
  autocast_cpu_float16: () => {
    try {
      torch.autocast("cpu", { dtype: torch.float16 }, () => 1);
    } catch {
      // torch 1.13 warns, then refuses the dtype
    }
  },
  grad_scaler: () => new torch.cuda.amp.GradScaler(),
  wishart_low_df: () => new torch.distributions.Wishart(torch.tensor(2.5), { covariance_matrix: torch.eye(3) }),
  only_inputs: () => torch.autograd.grad(x.mul(2).sum(), x, { only_inputs: false }),
  gradcheck_float32: () => torch.autograd.gradcheck((t: Tensor) => t.mul(2), [torch.ones(2).requires_grad_()], { raise_exception: false }),
  uint8_index: () => torch.ones(2).index(mask),
  uint8_masked_fill: () => torch.ones(2).masked_fill(mask, 0),
  uint8_where: () => torch.where(mask, torch.ones(2), torch.zeros(2)),
  stft_return_complex: () => torch.stft(torch.ones(16), 8),
  symeig: () => torch.symeig(torch.eye(2)),
  nllloss2d: () => new nn.NLLLoss2d(),
  container: () => new nn.Container(),
  state_dict_positional: () => linear.state_dict({}, ""),
  profiler_warmup: () => torch.profiler.schedule({ wait: 0, warmup: 0, active: 1 }),
  sigmoid: () => F.sigmoid(torch.ones(2)),
  softmax_implicit_dim: () => F.softmax(torch.ones(2, 2)),
};

describe("torch's UserWarnings show once per message, as Python's default filter shows them once per call site", () => {
  let warn: MockInstance;
  beforeEach(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it("every case has its torch 1.13 reference", () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ref).sort());
  });

  for (const [name, call] of Object.entries(CASES)) {
    it(`${name}: three calls from one line warn ${ref[name].count === 1 ? "once" : `${ref[name].count} times`}, with torch's text`, () => {
      for (let i = 0; i < 3; i++) call();
      const r = ref[name];
      const texts = warn.mock.calls.map((c) => String(c[0]));
      expect(texts.length, texts.join("\n")).toBe(r.count);
      // the engine prints "UserWarning: <torch's text>" (trunc_normal_'s without the category, as before)
      expect(texts[0].replace(/^UserWarning: /, "")).toContain(r.text.split("\n")[0].slice(0, 60));
    });
  }

  it("forgetShownWarnings() shows them again; another message is shown on its own", () => {
    F.dropout2d(torch.ones(3, 4));
    F.dropout2d(torch.ones(3, 4));
    F.dropout2d(torch.ones(1, 1, 1, 2, 2)); // a 5-D input: another message
    expect(warn).toHaveBeenCalledTimes(2);
    forgetShownWarnings();
    F.dropout2d(torch.ones(3, 4));
    expect(warn).toHaveBeenCalledTimes(3);
  });
});
