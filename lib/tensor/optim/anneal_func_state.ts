/**
 * A state_dict whose anneal_func (OneCycleLR's, SWALR's) is saved by the function's name: torch 1.13 holds the function
 * itself there (pickled by reference), which a checkpoint cannot hold here, so torch.save of one failed.
 */
export function annealFuncSaved(sd: Record<string, unknown>, fn: { name: string }): Record<string, unknown> {
  sd.anneal_func = fn.name;
  return sd;
}

/** The anneal_func a loaded state_dict names (one of `named`) or holds (a function, torch's form); `current` otherwise. */
export function annealFuncLoaded<F>(saved: unknown, named: Record<string, F>, current: F): F {
  if (typeof saved === "string" && Object.hasOwn(named, saved)) return named[saved];
  return typeof saved === "function" ? (saved as F) : current;
}
