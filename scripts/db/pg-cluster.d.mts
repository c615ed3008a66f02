export const PG_BIN: string;
export function postgresAvailable(): boolean;
export interface StartedPostgres {
  url: string;
  port: number;
  dir: string;
  database: string;
  pgStart(): void;
  pgStop(mode?: "fast" | "immediate" | "smart"): void;
  restart(mode?: "fast" | "immediate"): void;
  run(bin: string, args: string[], options?: object): Buffer;
  stop(): void;
}
export function startPostgres(options?: { database?: string; settings?: Record<string, string | number> }): Promise<StartedPostgres>;
