/**
 * `GRADBOOK_TILE_ROWS=4` or `=5` before a bench forces the GEMM kernel's register tile instead of
 * the race the engine runs when it loads (gemm_tile_choice.ts), to compare the two in one tree.
 * Imported first, before any bench file loads the engine and builds its kernels.
 */
import { tileOverride } from "../lib/tensor/kernels/wasm/gemm_tile_choice";

const forced = process.env.GRADBOOK_TILE_ROWS;
if (forced !== undefined) {
  const rows = Number(forced);
  if (rows !== 4 && rows !== 5) throw new Error(`GRADBOOK_TILE_ROWS must be 4 or 5, got ${JSON.stringify(forced)}`);
  tileOverride.rows = rows;
}
