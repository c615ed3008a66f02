/**
 * The title of an experiment's live chart: the run name and what sets this run apart from the
 * other runs of that name in the session ("activation-sweep: activation=relu"). Until a second
 * run shows what varies, every param is listed.
 */
type ParamValue = string | number | boolean | null;
export type RunParams = Record<string, ParamValue>;

const show = (value: ParamValue | undefined) => (value === undefined ? "–" : typeof value === "string" ? value : JSON.stringify(value));

/** Param names whose value is not the same in every set (a missing param counts as a value), in first-seen order. */
export function varyingParams(paramSets: RunParams[]): string[] {
  const names: string[] = [];
  for (const params of paramSets) for (const key of Object.keys(params)) if (!names.includes(key)) names.push(key);
  return names.filter((key) => new Set(paramSets.map((params) => (Object.hasOwn(params, key) ? JSON.stringify(params[key]) : "missing"))).size > 1);
}

export function runTitle(name: string, params: RunParams, paramSets: RunParams[]): string {
  const varying = varyingParams(paramSets);
  const keys = varying.length > 0 ? varying : Object.keys(params);
  const text = keys.map((key) => `${key}=${show(Object.hasOwn(params, key) ? params[key] : undefined)}`).join(", ");
  return text ? `${name}: ${text}` : name;
}
