#!/usr/bin/env node
// `npm test`'s step between the unit and the browser tests: `npm run lessons:check` and the
// production build the browser tests serve (scripts/build-if-needed.mjs), at the same time.
// lessons:check runs the lessons' cells on one core, so the build fills the other instead of
// waiting its turn (a few minutes of every CI run). The build's lines are prefixed "[build]";
// the step fails if either fails, and says which.
import { runSideBySide } from "./lib.mjs";

await runSideBySide([
  { label: "npm run lessons:check", command: "npm", args: ["run", "--silent", "lessons:check"] },
  { label: "the production build (scripts/build-if-needed.mjs)", command: process.execPath, args: ["scripts/build-if-needed.mjs"], prefix: "[build] " },
]);
