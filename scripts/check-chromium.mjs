#!/usr/bin/env node
// Browser tests drive Debian's Chromium; Playwright's own download cannot work offline.
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `✖ Chromium was not found at ${chromium}.\n` +
      "  Install Debian's Chromium:  sudo apt-get install -y chromium\n" +
      "  (or set CHROMIUM_PATH to another Chromium binary). `npx playwright install` cannot download here.",
  );
  process.exit(1);
}
