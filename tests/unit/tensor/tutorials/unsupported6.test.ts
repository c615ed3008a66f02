/**
 * Tutorials that need what the engine does not have, and the clear stop each one now gets:
 * torch.hub.load of a pretrained model (the transfer-learning, quantization and TorchVision
 * tutorials), torch.fx.symbolic_trace ("Building a Convolution/Batch Norm fuser in FX") and
 * torch.distributed ("Getting Started with Distributed Data Parallel"). Each raises
 * NotImplementedError naming the call, why, and what to use; where the tutorial's goal is reachable
 * another way (the Conv/BatchNorm fusion), that way is checked to give the unfused model's outputs.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { thrown } from "./helpers";

describe("what the engine refuses, clearly: torch.hub, torch.fx, torch.distributed", () => {
  it("torch.hub.load names the call, why and what to do instead", () => {
    expect(thrown(() => torch.hub.load("pytorch/vision:v0.10.0", "resnet18", { pretrained: true }))).toEqual([
      "NotImplementedError",
      "torch.hub.load: Gradbook's tensor engine cannot fetch models or weights (hub entries are Python code downloaded from GitHub). " +
        "Write the model's class yourself and load weights you have with model.load_state_dict(torch.load(path)).",
    ]);
    expect(thrown(() => torch.hub.load_state_dict_from_url("https://download.pytorch.org/models/resnet18.pth"))?.[1]).toMatch(/^torch\.hub\.load_state_dict_from_url: /);
  });

  it("the FX fuser stops at symbolic_trace; torch.nn.utils.fusion.fuse_conv_bn_eval, which the message names, fuses with the same outputs", () => {
    torch.manual_seed(0);
    const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
    const bn = new nn.BatchNorm2d(4);
    const model = new nn.Sequential(conv, bn);
    // a few batches in training mode give BatchNorm running statistics worth folding in
    for (let i = 0; i < 3; i++) model(torch.randn(8, 3, 6, 6).mul(2).add(1));
    model.eval();
    const FX = /^torch\.fx\.symbolic_trace: symbolic tracing .* The model was not changed; to fuse Conv2d with BatchNorm2d for inference use torch\.nn\.utils\.fusion\.fuse_conv_bn_eval\(conv, bn\)\.$/;
    const [kind, message] = thrown(() => torch.fx.symbolic_trace(model))!;
    expect(kind).toBe("NotImplementedError");
    expect(message).toMatch(FX);
    expect(thrown(() => new torch.fx.GraphModule(model, {}))?.[1]).toMatch(/^torch\.fx\.GraphModule: /);
    const fused = nn.utils.fusion.fuse_conv_bn_eval(conv, bn);
    const inp = torch.randn(2, 3, 6, 6);
    expect(fused(inp).allclose(model(inp), { rtol: 1e-4, atol: 1e-5 })).toBe(true);
  });

  it("torch.distributed: is_available() is false and the process-group calls refuse", () => {
    expect(torch.distributed.is_available()).toBe(false);
    expect(torch.distributed.is_initialized()).toBe(false);
    expect(thrown(() => torch.distributed.init_process_group("gloo", { rank: 0, world_size: 2 }))).toEqual([
      "NotImplementedError",
      "torch.distributed.init_process_group: Gradbook's tensor engine runs in one process on the CPU, so there are no process groups or other ranks " +
        "(torch.distributed.is_available() is False). Train in this process; nothing was changed.",
    ]);
    expect(thrown(() => torch.distributed.all_reduce(torch.ones(2)))?.[0]).toBe("NotImplementedError");
  });
});
