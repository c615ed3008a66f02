import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/unit/slow-first-sequencer.mts";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    environment: "node",
    testTimeout: 120_000,
    // Hooks start servers, databases and scripts (lessons:check on a fixture) as tests do: vitest's
    // 10 s default timed out a beforeAll running a tsx script when CI's host was slow (unit run 1148 s
    // against 780 s the session before).
    hookTimeout: 120_000,
    pool: "forks",
    // isolated-vm (the grader's sandbox) requires Node started with --no-node-snapshot on Node 20+,
    // as production starts it (scripts/start.mjs).
    execArgv: ["--no-node-snapshot"],
    // Vitest's default is one worker fewer than the cores: on CI's two cores, one file at a time.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      // Files that need a fresh module graph each (the database, env vars, module mocks, global state).
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], exclude: ["tests/unit/tensor/**"], setupFiles: ["tests/unit/tensor-equality.setup.ts"] } },
      {
        // The engine's suites share one loaded engine per worker (isolate: false): loading lib/tensor
        // anew for every file took longer than the tests. The setup file resets the engine's global
        // settings before each file, so no file depends on the order files run in.
        extends: true,
        test: { name: "tensor", include: ["tests/unit/tensor/**/*.test.ts"], isolate: false, setupFiles: ["tests/unit/tensor-equality.setup.ts", "tests/unit/tensor/engine-defaults.setup.ts"] },
      },
      {
        // The engine's value suites again on the plain-TypeScript kernels (the WebAssembly fallback).
        // Not the tutorial probes (tutorials/): they test the API's names, keywords, errors and reprs
        // against torch, which no kernel changes, and on plain TS they took 176 of the unit run's
        // 1483 CPU seconds (CI of 7019aac) against 61 on the WebAssembly kernels.
        extends: true,
        test: {
          name: "tensor-ts-kernels",
          isolate: false,
          include: ["tests/unit/tensor/core/**/*.test.ts", "tests/unit/tensor/nn/**/*.test.ts"],
          // kernels*.test.ts compare the WebAssembly kernels with the TS ones explicitly already; the
          // training runs (LeNet, character LSTM) would take minutes on plain TS on a loaded machine.
          exclude: ["tests/unit/tensor/core/kernels*.test.ts", "tests/unit/tensor/nn/conv_lenet.test.ts", "tests/unit/tensor/nn/rnn.test.ts"],
          setupFiles: ["tests/unit/tensor-equality.setup.ts", "tests/unit/tensor/engine-defaults.setup.ts", "tests/unit/tensor/ts-kernels.setup.ts"],
        },
      },
      {
        // The kernels again with Relaxed SIMD on, as Chrome runs them: the GEMM, GELU and exp
        // modules then use fused multiply-adds (Node 20 needs the flag; the grader's sandbox and
        // the other projects run the mul + add modules).
        extends: true,
        test: {
          name: "tensor-relaxed-simd",
          isolate: false,
          execArgv: ["--experimental-wasm-relaxed-simd", "--no-node-snapshot"],
          env: { GRADBOOK_EXPECT_RELAXED_SIMD: "1" },
          include: [
            "tests/unit/tensor/core/kernels*.test.ts",
            "tests/unit/tensor/core/relaxed_simd.test.ts",
            "tests/unit/tensor/nn/gelu.test.ts",
            "tests/unit/tensor/nn/activations.test.ts",
            "tests/unit/tensor/nn/attention*.test.ts",
            "tests/unit/tensor/nn/transformer.test.ts",
            "tests/unit/tensor/nn/feed_forward_in_module.test.ts",
            "tests/unit/tensor/nn/residual_feed_forward_in_module.test.ts",
            "tests/unit/tensor/nn/norm_linear_in_module.test.ts",
            "tests/unit/tensor/nn/conv.test.ts",
          ],
          setupFiles: ["tests/unit/tensor-equality.setup.ts", "tests/unit/tensor/engine-defaults.setup.ts"],
        },
      },
    ],
  },
});
