#!/usr/bin/env node
// `npm test`'s first step: the type check (tsc) and the lint (ESLint) side by side. Each runs on
// one core for about two minutes, so on CI's two cores running them together saves one of those
// minutes-long waits. Lines are prefixed "[tsc]" and "[eslint]"; the step fails if either fails.
import { runSideBySide } from "./lib.mjs";

await runSideBySide([
  { label: "npm run typecheck", command: "npm", args: ["run", "--silent", "typecheck"], prefix: "[tsc] " },
  { label: "npm run lint", command: "npm", args: ["run", "--silent", "lint"], prefix: "[eslint] " },
]);
