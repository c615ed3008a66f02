/**
 * When a module's attributes can be settled into torch's first-assignment order (nn/module.ts).
 *
 * torch lists children and parameters in the order each name was first assigned a module / parameter
 * (Module.__setattr__). Module lists its own properties in creation order, and a TypeScript class field
 * declared without a value (`predict: nn.Linear;`, compiled with define semantics at target ES2022) is
 * created, undefined, before the constructor's body runs. Module settles a module's attributes (what the
 * body assigned since the last look goes before the fields still unassigned; null attributes are watched)
 * while it may still be under construction: at each construction of a module or a parameter and each
 * registration, the moments a constructor body builds what it assigns next. A leaf file, so
 * nn/parameter.ts can report its constructions without importing nn/module.ts.
 */

/** At most this many modules are watched at once (the oldest are let go): constructions nest shallowly. */
const WATCHED = 32;

/**
 * Modules built recently whose constructor may still be running. Held strongly but few (idle ones are let go,
 * the oldest beyond WATCHED too): a WeakRef would keep every target alive until the current job ends.
 */
const constructing: object[] = [];
/** Modules known to be fully built (assigned to a parent or registered): no longer settled. */
const built = new WeakSet<object>();
let settle: (m: object) => boolean = () => false;

/** Installed by nn/module.ts: settles one module's attributes; false when it need not be watched any longer. */
export function setAttributeSettler(fn: (m: object) => boolean): void {
  settle = fn;
}

/** Settles every module that may still be under construction (a module or parameter is being built, or registered). */
export function settleConstructing(): void {
  let kept = 0;
  for (const m of constructing) {
    if (built.has(m) || !settle(m)) continue;
    constructing[kept++] = m;
  }
  constructing.length = kept;
}

/** A module's base constructor ran: settle the others, then watch this one (its fields come after). */
export function moduleConstructed(m: object): void {
  settleConstructing();
  constructing.push(m);
  if (constructing.length > WATCHED) constructing.shift();
}

/** m's constructor has returned (it was assigned to a parent, or registered). */
export function markBuilt(m: object): void {
  built.add(m);
}
