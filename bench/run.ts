/**
 * `npm run bench [filter]`: our engine vs tfjs-core + tfjs-backend-wasm (1 thread).
 * Rows come from the bench files imported below; add new files with registerBench().
 */
import "./mlp";
import "./ops";
import { runAll } from "./harness";

runAll(process.argv[2], "tfjs-wasm").catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
