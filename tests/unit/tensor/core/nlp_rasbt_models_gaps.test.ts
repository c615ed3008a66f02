/**
 * Gaps found by the nlp_rasbt_models probe (tests/unit/tensor/tutorials/nlp_rasbt_models.test.ts), against torch 1.13's
 * values in tests/fixtures/torch/tutorials/nlp_rasbt_models.json's "gaps" section (scripts/fixtures/nlp_rasbt_models_fixtures.py):
 *  - torch.utils.checkpoint was missing: rasbt/deeplearning-models' DenseNet-121 calls cp.checkpoint(bn_function,
 *    *prev_features) when memory_efficient, and its gradient-checkpointing NiN notebook calls
 *    checkpoint_sequential(functions=..., segments=1, input=x).
 *  - an RNN / LSTM / GRU called on a PackedSequence (rnn_lstm_packed_imdb's `self.rnn(packed)`) did not type-check:
 *    the module call took forward's last overload (tensors) only; the call now has both (nn/modules/rnn.ts).
 *  - tensor hooks fired in another order than torch's (rasbt's mechanics/manual-gradients prints the dict its hooks
 *    fill): the engine ran every leaf's hooks after all nodes; torch accumulates a leaf once the last node feeding it
 *    has run (autograd/engine.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { nn, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("nlp_rasbt_models.json").gaps.checkpoint; // eslint-disable-line @typescript-eslint/no-explicit-any
const cp = utils.checkpoint;
const TOL = 1e-5;

describe("torch.utils.checkpoint (torch 1.13's reentrant checkpoint)", () => {
  it("recomputes in backward with the forward's random state: the plain call's values, the same gradients, the global stream untouched", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(4, 3);
    const drop = new nn.Dropout(0.5);
    const x = torch.randn([2, 4], { requires_grad: true });
    const block = (t: Tensor): Tensor => drop(torch.tanh(lin(t)));
    torch.manual_seed(5);
    const y = cp.checkpoint(block, x) as Tensor;
    expect(y.grad_fn!.name()).toBe(g.grad_fn);
    expectT(torch.rand(3), g.after_forward_rand, 0);
    torch.manual_seed(5);
    expect(torch.equal(y, block(x))).toBe(g.same_as_plain);
    expectT(y, g.y, TOL);
    y.mul(torch.arange(6.0).view(2, 3)).sum().backward();
    expectT(x.grad!, g.x_grad, TOL);
    expectT(lin.weight.grad!, g.w_grad, TOL);
    // the recomputation's dropout draws do not move the global generator
    expectT(torch.rand(3), g.after_backward_rand, 0);
  });

  it("passes non-tensor arguments through, gives each tensor input its gradient, and nothing (with torch's warning) when no input requires grad", () => {
    torch.manual_seed(2);
    const a = torch.randn([2, 3], { requires_grad: true });
    const b = torch.randn([2, 3], { requires_grad: true });
    const z = cp.checkpoint((u: Tensor, v: Tensor, k: number) => u.mul(v).relu().mul(k), a, b, 3.0) as Tensor;
    z.sum().backward();
    expectT(z, g.two_inputs[0], TOL);
    expectT(a.grad!, g.two_inputs[1], TOL);
    expectT(b.grad!, g.two_inputs[2], TOL);
    const lin = new nn.Linear(4, 3);
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const w = cp.checkpoint((t: Tensor) => lin(t), torch.ones(1, 4)) as Tensor;
    expect(warn).toHaveBeenCalledWith("UserWarning: None of the inputs have requires_grad=True. Gradients will be None");
    warn.mockRestore();
    expect([w.requires_grad, lin.weight.grad === null ? 0 : lin.weight.grad.abs().sum().item()]).toEqual(g.no_grad_inputs);
  });

  it("raises torch's errors: other keywords, torch.autograd.grad through it, a recomputation with nothing to differentiate", () => {
    const x = torch.randn([2, 4], { requires_grad: true });
    expect(raised(() => cp.checkpoint((t: Tensor) => t.mul(2), x, { foo: 1 }))).toEqual(g.err_kwarg);
    expect(raised(() => torch.autograd.grad((cp.checkpoint((t: Tensor) => t.mul(2), x) as Tensor).sum(), x))).toEqual(g.err_autograd_grad);
    expect(raised(() => (cp.checkpoint((t: Tensor) => t.detach().mul(2), x) as Tensor).sum().backward())).toEqual(g.err_detached);
    expect((cp.checkpoint((t: Tensor) => t.mul(2), x, { use_reentrant: false }) as Tensor).grad_fn!.name()).toBe(g.nonreentrant);
  });

  it("checkpoint_sequential: a Sequential in segments, the NiN notebook's keyword call, its keyword check", () => {
    torch.manual_seed(0);
    const seq = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const xs = torch.randn(3, 4);
    xs.requires_grad = true;
    const out_s = cp.checkpoint_sequential(seq, 2, xs);
    expect(out_s.grad_fn!.name()).toBe(g.seq_grad_fn);
    out_s.pow(2).sum().backward();
    expectT(out_s, g.seq[0], TOL);
    expectT(xs.grad!, g.seq[1], TOL);
    expectT((seq[0] as nn.Linear).weight.grad!, g.seq[2], TOL);
    const out_1 = cp.checkpoint_sequential({ functions: [...seq.children()], segments: 1, input: xs });
    expect(out_1.grad_fn!.name()).toBe(g.seq1_grad_fn);
    expect(raised(() => cp.checkpoint_sequential(seq, 2, xs, { use_reentrant: false }))).toEqual(g.err_seq_kwarg);
  });
});

describe("an LSTM called on a PackedSequence", () => {
  it("is typed as forward's PackedSequence overload and gives torch's packed output and states", () => {
    const r = tutorialFixture<Record<string, any>>("nlp_rasbt_models.json").gaps.packed_call; // eslint-disable-line @typescript-eslint/no-explicit-any
    torch.manual_seed(0);
    const lstm = new nn.LSTM(3, 4);
    const xp = torch.randn(5, 2, 3);
    // compiles only with the PackedSequence call signature: po is a PackedSequence, hp / c are tensors
    const [po, [hp, c]]: [InstanceType<typeof nn.utils.rnn.PackedSequence>, [Tensor, Tensor]] = lstm(nn.utils.rnn.pack_padded_sequence(xp, [5, 3]));
    expectT(po.data, r.data, TOL);
    expect(po.batch_sizes.tolist()).toEqual(r.batch_sizes);
    expectT(hp, r.h, TOL);
    expectT(c, r.c, TOL);
    const [out]: [Tensor, [Tensor, Tensor]] = lstm(xp); // a tensor input keeps the tensor signature
    expect(out.shape).toEqual([5, 2, 4]);
  });
});

describe("tensor hooks fire in torch's order", () => {
  it("a leaf's hooks run once the last node feeding it has run, not after every node", () => {
    const r = tutorialFixture<Record<string, any>>("nlp_rasbt_models.json").gaps.hook_order; // eslint-disable-line @typescript-eslint/no-explicit-any
    const order: string[] = [];
    const p1 = torch.tensor([1.5], { requires_grad: true });
    const p2 = torch.tensor([-0.5], { requires_grad: true });
    const p3 = torch.tensor([2.0], { requires_grad: true });
    const h1 = p1.mul(p2);
    const h2 = h1.add(p3).tanh();
    const h3 = h2.mul(p1).add(p3.exp());
    for (const [n, t] of [["p1", p1], ["p2", p2], ["p3", p3], ["h1", h1], ["h2", h2], ["h3", h3]] as const) t.register_hook(() => void order.push(n));
    h3.sum().backward();
    expect(order).toEqual(r.order);
    expect([p1.grad!.item(), p2.grad!.item(), p3.grad!.item()].map((v, i) => Math.abs(v - r.grads[i]) < 1e-6)).toEqual([true, true, true]);
  });
});
