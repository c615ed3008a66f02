/** torch.random as in torch 1.13: seed / initial_seed / manual_seed, rng state round trips, fork_rng. */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

const R = torch.random;

describe("torch.random namespace", () => {
  it("has torch 1.13's public names, shared with torch.*", () => {
    for (const name of ["Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"]) {
      expect(R, name).toHaveProperty(name);
    }
    expect(R.manual_seed).toBe(torch.manual_seed);
    expect(R.seed).toBe(torch.seed);
    expect(R.default_generator).toBe(torch.default_generator);
    expect(R.manual_seed(5)).toBe(torch.default_generator);
  });

  it("manual_seed then initial_seed returns the seed; same seed, same draws", () => {
    R.manual_seed(1234);
    expect(R.initial_seed()).toBe(1234);
    const a = torch.randn(6).tolist();
    torch.manual_seed({ seed: 1234 });
    expect(torch.randn(6).tolist()).toEqual(a);
  });

  it("seed() reseeds non-deterministically, returns the new seed and changes the draws", () => {
    torch.manual_seed(7);
    const fixed = torch.rand(8).tolist();
    const s1 = torch.seed();
    expect(Number.isSafeInteger(s1)).toBe(true);
    expect(s1).not.toBe(7);
    expect(torch.initial_seed()).toBe(s1);
    const d1 = torch.rand(8).tolist();
    expect(d1).not.toEqual(fixed);
    const s2 = R.seed();
    expect(s2).not.toBe(s1);
    expect(torch.rand(8).tolist()).not.toEqual(d1);
    // the returned seed reproduces the stream it started
    torch.manual_seed(s1);
    expect(torch.rand(8).tolist()).toEqual(d1);
    // a Generator's own seed() too
    const g = new torch.Generator();
    const gs = g.seed();
    expect(g.initial_seed()).toBe(gs);
  });

  it("get_rng_state / set_rng_state round trip reproduces draws, including a cached normal", () => {
    torch.manual_seed(3);
    torch.randn(1); // leaves the second Box-Muller sample cached
    const state = R.get_rng_state();
    const a = [torch.randn(1).item(), ...(torch.rand(5).tolist() as number[]), ...(torch.randn(20).tolist() as number[])];
    R.set_rng_state(state);
    const b = [torch.randn(1).item(), ...(torch.rand(5).tolist() as number[]), ...(torch.randn(20).tolist() as number[])];
    expect(b).toEqual(a);
    torch.set_rng_state({ new_state: state });
    expect(torch.randn(1).item()).toBe(a[0]);
    // the state is a copy: drawing does not change a saved state
    expect(torch.get_rng_state().mt).not.toBe(state.mt);
  });

  it("set_rng_state refuses a foreign state and leaves the generator as it was", () => {
    torch.manual_seed(11);
    const before = torch.get_rng_state();
    expect(() => R.set_rng_state({ mt: new Uint32Array(10), mti: 0, seed: 0, nextNormal: null })).toThrow(/set_rng_state\(\): expected a state returned by torch.get_rng_state/);
    expect(() => R.set_rng_state(torch.zeros(5) as never)).toThrow(/expected a state/);
    expect(torch.get_rng_state()).toEqual(before);
  });

  it("fork_rng restores the state after the callback, also on a throw; enabled: false does not", () => {
    torch.manual_seed(21);
    const expected = torch.rand(4).tolist();
    torch.manual_seed(21);
    const inside = R.fork_rng(() => torch.rand(100).sum().item());
    expect(typeof inside).toBe("number");
    expect(torch.rand(4).tolist()).toEqual(expected);

    torch.manual_seed(21);
    expect(() => R.fork_rng({ devices: [] }, () => { torch.rand(3); throw new Error("boom"); })).toThrow("boom");
    expect(torch.rand(4).tolist()).toEqual(expected);

    torch.manual_seed(21);
    R.fork_rng([], true, () => torch.rand(3)); // positional devices, enabled
    expect(torch.rand(4).tolist()).toEqual(expected);

    torch.manual_seed(21);
    R.fork_rng({ enabled: false }, () => torch.rand(4));
    expect(torch.rand(4).tolist()).not.toEqual(expected);
  });

  it("reject unknown keywords as PyTorch does", () => {
    expect(() => torch.manual_seed({ seeed: 1 } as never)).toThrow("manual_seed() got an unexpected keyword argument 'seeed'");
    expect(() => R.fork_rng({ device: [] } as never, () => 0)).toThrow("fork_rng() got an unexpected keyword argument 'device'");
    expect(() => torch.seed({ zzz_unknown: 1 } as never)).toThrow("seed() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => (R.fork_rng as () => unknown)()).toThrow(/fork_rng\(\) expects the code to run/);
  });
});
