/**
 * The Reproducibility note / recipe, skip_init and "Forward and backward hooks" (nn.Module's hook
 * API): torch.manual_seed, Generator objects, get_rng_state / set_rng_state, fork_rng,
 * use_deterministic_algorithms (warn_only, the debug mode); nn.utils.skip_init with positional and
 * keyword constructor arguments (no random number drawn); on a seeded Linear -> ReLU -> Linear:
 * the order pre / forward / full backward hooks fire in, grad_input and grad_output as PyTorch
 * passes them (a first layer's grad_input of [null], a two-input Bilinear's two), a backward hook
 * replacing grad_input, a pre-hook replacing the input, a forward hook replacing the output, and
 * removable handles. Values from torch 1.13 (repro4.json, scripts/fixtures/tutorial4_fixtures.py).
 */
import { afterEach, describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  rand_seed0: number[]; randn_g42: number[]; g_initial_seed: number; state_replay: number[][]; forked: number[]; after_fork: number[];
  deterministic: [boolean, boolean, number]; deterministic_off: [boolean, boolean, number];
  skip_init_shapes: number[][]; skip_init_next_rand: number[];
  order: string[]; lin2_grads: { gi: FT[]; go: FT[] }; lin1_no_input_grad: boolean[]; doubled_x_grad: FT; hooked_out: FT; unhooked_out: FT;
  bilinear_gi: FT[];
}>("repro4.json");
const f32 = (v: number[]) => v.map(Math.fround);

describe("Reproducibility", () => {
  afterEach(() => torch.use_deterministic_algorithms(false)); // engine-wide setting: leave it as found

  it("manual_seed, Generator objects, get_rng_state / set_rng_state and fork_rng give torch's streams", () => {
    torch.manual_seed(0);
    expect(torch.rand(3).tolist()).toEqual(f32(ref.rand_seed0));
    const g = new torch.Generator().manual_seed(42);
    expect(torch.randn([2], { generator: g }).tolist()).toEqual(f32(ref.randn_g42));
    expect(g.initial_seed()).toBe(ref.g_initial_seed);
    torch.manual_seed(7);
    torch.rand(5);
    const state = torch.get_rng_state();
    const a = torch.rand(2);
    torch.set_rng_state(state);
    expect([a.tolist(), torch.rand(2).tolist()]).toEqual(ref.state_replay.map(f32));
    torch.manual_seed(3);
    expect(torch.random.fork_rng(() => torch.rand(2).tolist())).toEqual(f32(ref.forked));
    expect(torch.rand(2).tolist()).toEqual(f32(ref.after_fork));
  });

  it("use_deterministic_algorithms with warn_only, and the debug mode", () => {
    torch.use_deterministic_algorithms(true, { warn_only: true });
    expect([torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(), torch.get_deterministic_debug_mode()]).toEqual(ref.deterministic);
    torch.use_deterministic_algorithms(false);
    expect([torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(), torch.get_deterministic_debug_mode()]).toEqual(ref.deterministic_off);
    torch.set_deterministic_debug_mode("error");
    expect([torch.are_deterministic_algorithms_enabled(), torch.get_deterministic_debug_mode()]).toEqual([true, 2]);
    torch.set_deterministic_debug_mode(0);
    expect(torch.are_deterministic_algorithms_enabled()).toBe(false);
    expect(() => torch.use_deterministic_algorithms(1 as unknown as boolean)).toThrow(/argument 'mode' \(position 1\) must be bool, not int/);
    expect(() => torch.use_deterministic_algorithms(true, { warn_only: 1 as unknown as boolean })).toThrow(/argument 'warn_only' must be bool, not int/);
    expect(() => (torch.use_deterministic_algorithms as (...a: unknown[]) => void)(true, true)).toThrow(/takes 1 positional argument but 2 were given/);
    torch.use_deterministic_algorithms({ mode: true });
    expect(torch.get_deterministic_debug_mode()).toBe(2);
    expect(() => torch.set_deterministic_debug_mode("loud" as "warn")).toThrow(/invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got loud/);
  });

  it("skip_init builds the module without drawing from the generator", () => {
    torch.manual_seed(0);
    const m = nn.utils.skip_init(nn.Linear, 5, 1);
    const m2 = nn.utils.skip_init(nn.Linear, { in_features: 6, out_features: 1 });
    expect([m.weight.shape, m2.weight.shape]).toEqual(ref.skip_init_shapes);
    expect(torch.rand(2).tolist()).toEqual(f32(ref.skip_init_next_rand));
    // initialise as the recipe suggests, after construction
    nn.init.orthogonal_(m.weight);
    expect(m.weight.abs().sum().item()).toBeGreaterThan(0);
  });
});

describe("Forward and backward hooks", () => {
  function model(): [nn.Sequential, Tensor] {
    torch.manual_seed(0);
    const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    return [net, torch.randn([5, 3], { requires_grad: true })];
  }

  it("fire in torch's order: pre and forward hooks around each call, full backward hooks from the output back", () => {
    const [net, x] = model();
    const order: string[] = [];
    const handles: nn.RemovableHandle[] = [];
    for (const [name, mod] of [["seq", net], ["lin1", net.get(0)], ["relu", net.get(1)], ["lin2", net.get(2)]] as [string, nn.Module][]) {
      handles.push(mod.register_forward_pre_hook(() => void order.push(`pre ${name}`)));
      handles.push(mod.register_forward_hook(() => void order.push(`fwd ${name}`)));
      handles.push(mod.register_full_backward_hook(() => void order.push(`bwd ${name}`)));
    }
    net(x).sum().backward();
    expect(order).toEqual(ref.order);
    for (const h of handles) h.remove();
    order.length = 0;
    net(x).sum().backward();
    expect(order).toEqual([]); // removed handles fire no more
  });

  it("pass grad_input / grad_output as torch does, and a returned grad_input replaces it", () => {
    const [net, x] = model();
    let seen: { gi: (Tensor | null)[]; go: (Tensor | null)[] } = { gi: [], go: [] };
    const bwd = (_m: nn.Module, grad_input: (Tensor | null)[], grad_output: (Tensor | null)[]) => {
      seen = { gi: grad_input, go: grad_output };
    };
    let h = net.get(2).register_full_backward_hook(bwd);
    net(x).mul(torch.tensor([1, -2])).sum().backward();
    expect(seen.gi.length).toBe(ref.lin2_grads.gi.length);
    expect(seen.go.length).toBe(ref.lin2_grads.go.length);
    expectClose(seen.gi[0]!, ref.lin2_grads.gi[0].data, 1e-5, 1e-6, "lin2 grad_input");
    expectClose(seen.go[0]!, ref.lin2_grads.go[0].data, 1e-5, 1e-6, "lin2 grad_output");
    h.remove();

    h = net.get(0).register_full_backward_hook(bwd);
    net(torch.randn(5, 3)).sum().backward(); // the input needs no grad: grad_input is [null]
    expect(seen.gi.map((g) => g === null)).toEqual(ref.lin1_no_input_grad);
    h.remove();

    h = net.get(0).register_full_backward_hook((_m, gi) => gi.map((g) => g!.mul(2)));
    x.grad = null;
    net(x).sum().backward();
    expectClose(x.grad!, ref.doubled_x_grad.data, 1e-5, 1e-7, "x.grad with grad_input doubled");
    h.remove();

    const bil = new nn.Bilinear(3, 2, 1);
    bil.register_full_backward_hook(bwd);
    const a = torch.randn([4, 3], { requires_grad: true });
    const b = torch.randn([4, 2], { requires_grad: true });
    bil(a, b).sum().backward();
    expect(seen.gi.length).toBe(2);
    expectClose(seen.gi[0]!, ref.bilinear_gi[0].data, 1e-5, 1e-6, "bilinear grad_input[0]");
    expectClose(seen.gi[1]!, ref.bilinear_gi[1].data, 1e-5, 1e-6, "bilinear grad_input[1]");
  });

  it("a pre-hook may replace the input and a forward hook the output", () => {
    const [net, x] = model();
    const h1 = net.get(0).register_forward_pre_hook((_m, inp) => (inp[0] as Tensor).mul(2));
    const h2 = net.register_forward_hook((_m, _inp, outp) => (outp as Tensor).add(1));
    expectClose(net(x), ref.hooked_out.data, 1e-5, 1e-6, "hooked output");
    h1.remove();
    h2.remove();
    expectClose(net(x), ref.unhooked_out.data, 1e-5, 1e-6, "output after removing the hooks");
  });
});
