import next from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTypescript,
  {
    ignores: [".next*/**", "node_modules/**", "lib/generated/**", "public/vendor/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
];

export default config;
