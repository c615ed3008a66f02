#!/usr/bin/env node
// Serves the production build, like `next start`, with one difference that rate limits need:
// the client's address. `next start` keeps an X-Forwarded-For header the client sent and only
// fills it when absent, so any client could claim any address. Here, unless TRUSTED_PROXY says
// reverse proxies stand in front (they append the address they saw), the header is replaced by
// the connection's own address before Next sees the request.
//
//   node scripts/serve.mjs [-p PORT] [-H HOST]
import { createServer } from "node:http";
import next from "next";

function option(flag, fallback) {
  const index = process.argv.indexOf(flag);
  return index !== -1 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const port = Number(option("-p", process.env.PORT || "3000"));
const hostname = option("-H", process.env.HOSTNAME || "0.0.0.0");
const trustsProxy = !["", "0", "false", "no"].includes((process.env.TRUSTED_PROXY ?? "").trim().toLowerCase());

const app = next({ dev: false, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((request, response) => {
  if (!trustsProxy) {
    request.headers["x-forwarded-for"] = request.socket.remoteAddress ?? "";
    delete request.headers["x-real-ip"];
  }
  // Autosaves and metric batches: their route handlers called without Next's router
  // (lib/api/hot-path.ts, installed by instrumentation.ts); false for everything else.
  if (globalThis.__gradbookHotPath?.(request, response)) return;
  handle(request, response).catch((error) => {
    console.error("[serve] request failed:", error);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
server.listen(port, hostname, () => {
  console.log(`▸ Ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}${trustsProxy ? " (trusting X-Forwarded-For from TRUSTED_PROXY)" : ""}`);
});
// On a stop signal the in-process grader (instrumentation.ts, SQLite) finishes its jobs in hand
// while the connections close; a second signal quits at once.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await Promise.all([new Promise((resolve) => server.close(resolve)), globalThis.__gradbookBeforeExit?.()]);
    process.exit(0);
  });
}
