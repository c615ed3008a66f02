/**
 * The peer: @tensorflow/tfjs-core with the WebAssembly backend on one thread, its .wasm
 * files loaded from node_modules by path (no network).
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
// Core ships without gradient definitions; training needs them registered.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

let ready: Promise<typeof tf> | null = null;

export function tfjs(): Promise<typeof tf> {
  if (!ready) {
    ready = (async () => {
      // npm scripts run from the package root, where node_modules lives.
      setWasmPaths(join(process.cwd(), "node_modules/@tensorflow/tfjs-backend-wasm/dist/"));
      setThreadsCount(1);
      await tf.setBackend("wasm");
      await tf.ready();
      return tf;
    })();
  }
  return ready;
}
