/**
 * A run's configuration: its name, parameters and the hash of the code that started it. Runs
 * with the same configuration are repeats (Run all starts every run again); comparisons group
 * them and "Clear old runs" keeps the latest of each. Pure, so the page and the server agree.
 */
export interface RunConfigFields {
  name: string;
  params: Record<string, unknown>;
  codeHash: string | null;
}

/** Key order does not matter: { lr, activation } and { activation, lr } are one configuration. */
export function runConfigKey(run: RunConfigFields): string {
  const params = Object.keys(run.params)
    .sort()
    .map((key) => [key, run.params[key]]);
  return JSON.stringify([run.name, params, run.codeHash]);
}
