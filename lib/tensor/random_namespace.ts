/**
 * torch.random as in torch 1.13: the default generator's seed and state functions, and fork_rng.
 * States are the engine's own format (Generator.get_state: the mt19937 words, position, seed and
 * the cached Box-Muller sample), not PyTorch's ByteTensor; a state round trip reproduces draws.
 */
import { parseArgs } from "./args";
import { RuntimeError, TypeError_ } from "./errors";
import { default_generator, Generator } from "./random";

export type RngState = ReturnType<Generator["get_state"]>;

/** torch.manual_seed(seed): seeds the default generator and returns it. */
export function manual_seed(...args: [seed: number] | [options: { seed: number }]): Generator {
  const a = parseArgs<{ seed: number }>("manual_seed", ["seed"], args);
  if (typeof a.seed !== "number" && typeof a.seed !== "bigint") throw new TypeError_("manual_seed() missing 1 required positional argument: 'seed'");
  return default_generator.manual_seed(Number(a.seed));
}

/** torch.seed(): reseeds the default generator non-deterministically and returns the new seed. */
export function seed(...args: [options?: Record<string, never>]): number {
  parseArgs<object>("seed", [], args);
  return default_generator.seed();
}

/** torch.initial_seed(): the seed the default generator was last seeded with. */
export function initial_seed(...args: [options?: Record<string, never>]): number {
  parseArgs<object>("initial_seed", [], args);
  return default_generator.initial_seed();
}

/** torch.get_rng_state(): a copy of the default generator's state. */
export function get_rng_state(...args: [options?: Record<string, never>]): RngState {
  parseArgs<object>("get_rng_state", [], args);
  return default_generator.get_state();
}

/**
 * torch.set_rng_state(new_state): restores a state from get_rng_state. A state of another shape
 * is refused before anything changes (a half-written mt19937 table would draw garbage).
 */
export function set_rng_state(...args: [new_state: RngState] | [options: { new_state: RngState }]): void {
  // A state object is itself a plain object, so only `{ new_state }` counts as the options form.
  const first = args[0] as Record<string, unknown> | undefined;
  const state = (args.length === 1 && first && "new_state" in first && !("mt" in first)
    ? parseArgs<{ new_state: RngState }>("set_rng_state", ["new_state"], args).new_state
    : first) as RngState | undefined;
  if (args.length > 1) throw new TypeError_(`set_rng_state() takes 1 positional argument but ${args.length} were given`);
  checkState(state);
  default_generator.set_state(state);
}

function checkState(s: unknown): asserts s is RngState {
  const st = s as Partial<RngState> | null | undefined;
  const ok =
    st != null && typeof st === "object" &&
    st.mt instanceof Uint32Array && st.mt.length === 624 &&
    Number.isInteger(st.mti) && (st.mti as number) >= 0 && (st.mti as number) <= 624 &&
    typeof st.seed === "number" &&
    (st.nextNormal === null || typeof st.nextNormal === "number");
  if (!ok) throw new RuntimeError("set_rng_state(): expected a state returned by torch.get_rng_state() (mt: Uint32Array(624), mti, seed, nextNormal)");
}

type ForkOptions = { devices?: unknown; enabled?: boolean };

/**
 * torch.random.fork_rng as a callback (PyTorch's `with fork_rng():` block): runs fn and then puts
 * the default generator back as it was, also when fn throws. `devices` only names CUDA devices,
 * so on the CPU it is accepted and ignored; `enabled: false` runs fn without forking.
 *   fork_rng(fn) | fork_rng({ devices, enabled }, fn) | fork_rng(devices, enabled, fn)
 */
export function fork_rng<T>(...args: [...rest: unknown[], fn: () => T]): T {
  const fn = args[args.length - 1];
  if (typeof fn !== "function") throw new TypeError_("fork_rng() expects the code to run as its last argument: torch.random.fork_rng(() => { ... })");
  const a = parseArgs<ForkOptions>("fork_rng", ["devices", "enabled"], args.slice(0, -1));
  if (a.enabled === false) return (fn as () => T)();
  const saved = default_generator.get_state();
  try {
    return (fn as () => T)();
  } finally {
    default_generator.set_state(saved);
  }
}

export const randomNamespace = { Generator, default_generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, fork_rng };
