import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    environment: "node",
    testTimeout: 120_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        // The engine's value suites again on the plain-TypeScript kernels (the WebAssembly fallback).
        extends: true,
        test: {
          name: "tensor-ts-kernels",
          include: ["tests/unit/tensor/core/**/*.test.ts", "tests/unit/tensor/nn/**/*.test.ts"],
          // These compare the WebAssembly kernels with the TS ones explicitly already.
          exclude: ["tests/unit/tensor/core/kernels*.test.ts"],
          setupFiles: ["tests/unit/tensor/ts-kernels.setup.ts"],
        },
      },
    ],
  },
});
