/**
 * Names the rewritten cell uses to reach the kernel. They start with a prefix no lesson
 * uses, and a cell that declares one is refused rather than silently breaking the kernel.
 */
export const SCOPE_PARAM = "__gb_scope";
export const KERNEL_PARAM = "__gb";
export const RESERVED_PREFIX = "__gb";
/** Block-scoped aliases of the interrupt checks inside a rewritten cell. */
export const TICK = "__gb_tick";
export const WAIT = "__gb_wait";

/** Module names an `import` in a cell may name; all resolve to the bundled engine. */
export const ENGINE_MODULES = new Set(["torch", "gradbook", "@gradbook/torch", "torchvision"]);
