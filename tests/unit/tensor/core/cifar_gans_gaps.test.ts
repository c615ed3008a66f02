/**
 * Engine gaps found by the pytorch-cifar / deeplearning.ai GANs probe (tests/unit/tensor/tutorials/cifar_gans.test.ts),
 * each against torch 1.13 (scripts/fixtures/cifar_gans_fixtures.py, the "gaps" section of cifar_gans.json).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("cifar_gans.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("cifar / GANs probe gaps", () => {
  it("BatchNorm2d's output is its own tensor (NativeBatchNormBackward0), so WGAN-GP's penalty differentiates through an in-place LeakyReLU after it", () => {
    torch.manual_seed(0);
    const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.LeakyReLU(0.2, { inplace: true }), new nn.Conv2d(2, 1, 3));
    const xg = torch.randn([2, 1, 6, 6], { requires_grad: true });
    const bn_out = net.get(1)(net.get(0)(xg)) as Tensor;
    expect(bn_out.grad_fn!.name()).toBe(gaps.bn_grad_fn);
    expect(bn_out._base !== null).toBe(gaps.bn_is_view);
    const scores = net(xg);
    const g = torch.autograd.grad({ outputs: scores, inputs: xg, grad_outputs: torch.ones_like(scores), create_graph: true })[0]!;
    const gp = g.view(g.shape[0], -1).norm(2, { dim: 1 }).sub(1).pow(2).mean();
    gp.backward(); // raised: the derivative of AsStridedBackward0 is not implemented for higher-order gradients
    expectNums([gp.item()], [gaps.gp], 1e-5);
    expectT((net.get(0) as nn.Conv2d).weight.grad!, gaps.gp_w0_grad, 1e-4);
    expectT((net.get(1) as nn.BatchNorm2d).weight!.grad!, gaps.gp_bn_grad, 1e-4);
    expectT(xg.grad!.index(0, 0, ":2"), gaps.gp_x_grad, 1e-4);
  });
  it("BatchNorm3d through the same path: values and running mean", () => {
    const bn3 = new nn.BatchNorm3d(2);
    expectT(bn3(torch.arange(16, { dtype: torch.float32 }).reshape(2, 2, 2, 2, 1)), gaps.bn3d, 1e-5);
    expectT(bn3.running_mean!, gaps.bn3d_mean, 1e-6);
  });
  it("a conv's channel-count error for an unbatched input names the batch of one, as torch's", () => {
    torch.manual_seed(0);
    expect(thrown(() => new nn.Conv2d(1, 4, 4, 2)(torch.randn(2, 28, 28)))).toEqual(gaps.conv2d_unbatched);
    expect(thrown(() => new nn.Conv1d(3, 4, 3)(torch.randn(2, 5)))).toEqual(gaps.conv1d_unbatched);
    expect(thrown(() => new nn.ConvTranspose2d(3, 4, 3)(torch.randn(2, 5, 5)))).toEqual(gaps.convt2d_unbatched);
  });
  it("in-place leaky_relu / elu / selu record LeakyReluBackward1 / EluBackward1, as torch's leaky_relu_ / elu_", () => {
    const xa = torch.randn([3], { requires_grad: true });
    expect([
      F.leaky_relu(xa.mul(1), 0.2, true).grad_fn!.name(), F.elu(xa.mul(1), { inplace: true }).grad_fn!.name(),
      F.selu(xa.mul(1), { inplace: true }).grad_fn!.name(), new nn.LeakyReLU(0.2, true)(xa.mul(1)).grad_fn!.name(),
      F.leaky_relu(xa.mul(1), 0.2).grad_fn!.name(), F.elu(xa.mul(1)).grad_fn!.name(),
    ]).toEqual(gaps.inplace_names);
  });
});
