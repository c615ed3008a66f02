/**
 * Repeated runs of one configuration (same name, params and code: Run all starts them all
 * again) grouped together, so a comparison shows one line per configuration, in a colour of
 * its own, labelled by what differs between configurations. Pure, so it is unit-tested.
 */
import { runConfigKey } from "@/lib/db/run-config";
import type { RunSummary } from "./runs-api";

export interface RunGroup {
  key: string;
  name: string;
  params: Record<string, unknown>;
  codeHash: string | null;
  /** Newest first. */
  runs: RunSummary[];
}

/** Groups in the order their configuration first ran, so a new configuration never shifts the others' colours. */
export function groupRuns(runs: RunSummary[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  const byStart = [...runs].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  for (const run of byStart) {
    const key = runConfigKey(run);
    const group = groups.get(key) ?? { key, name: run.name, params: run.params, codeHash: run.codeHash, runs: [] };
    group.runs.unshift(run);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export interface Varying {
  /** Params whose value differs between configurations (or is missing from some), in first-seen order. */
  params: string[];
  /** Configurations ran different code. */
  code: boolean;
  /** Configurations have different run names. */
  name: boolean;
}

export function varyingFields(groups: RunGroup[]): Varying {
  const names: string[] = [];
  for (const group of groups) for (const key of Object.keys(group.params)) if (!names.includes(key)) names.push(key);
  const differs = (values: unknown[]) => new Set(values.map((value) => JSON.stringify(value ?? null))).size > 1;
  return {
    params: names.filter((key) => differs(groups.map((group) => (Object.hasOwn(group.params, key) ? group.params[key] : undefined)))),
    code: differs(groups.map((group) => group.codeHash)),
    name: differs(groups.map((group) => group.name)),
  };
}

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * What tells a configuration apart: "activation=relu", "lr=0.1, width=32", plus "code #2" when
 * the cell was edited between runs. With nothing varying, the params (or the run name).
 */
export function groupLabel(group: RunGroup, varying: Varying, groups: RunGroup[]): string {
  const parts: string[] = [];
  if (varying.name) parts.push(group.name);
  for (const key of varying.params) parts.push(`${key}=${Object.hasOwn(group.params, key) ? show(group.params[key]) : "–"}`);
  if (varying.code) {
    const versions = [...new Set(groups.map((g) => g.codeHash))];
    parts.push(`code #${versions.indexOf(group.codeHash) + 1}`);
  }
  if (parts.length > 0) return parts.join(", ");
  const all = Object.entries(group.params).map(([key, value]) => `${key}=${show(value)}`);
  return all.length > 0 ? all.join(", ") : group.name;
}

/** The chart title: the metric and what the lines differ by. */
export function comparisonTitle(metric: string, varying: Varying): string {
  const by = [...(varying.name ? ["run name"] : []), ...varying.params, ...(varying.code ? ["code"] : [])];
  return by.length > 0 ? `${metric} by ${by.join(", ")}` : metric;
}

/**
 * Okabe-Ito and Tableau colours that stay apart for colour-blind readers and on white; past
 * them, hues spread by the golden angle so two configurations never share a colour.
 */
const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#9467bd", "#8c564b", "#bcbd22", "#17becf", "#1a1a1a"];

export function configColour(index: number): string {
  if (index < PALETTE.length) return PALETTE[index];
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue} 70% ${index % 2 ? 38 : 48}%)`;
}
