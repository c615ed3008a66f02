/**
 * The hot path: the requests every open notebook sends all the time (autosave, metric batches)
 * served by their own route handlers without going through Next's router. Next spends about
 * 2.5 ms of CPU on each API request before and after the handler (routing, its request and
 * response wrappers), more than the handler itself; for these two routes that was most of the
 * server's work under load. Everything the route does is unchanged: the same route (lib/api/route.ts:
 * same-origin check, schemas, size limit, caller, database) answers through its `answer` entry,
 * called from scripts/serve.mjs directly (instrumentation.ts installs the table). No fetch
 * Request or Response is built on the way: the route reads the request's head and body from Node's
 * IncomingMessage (./api-request.ts) and a JSON reply (./reply.ts) is written to the socket as is;
 * those objects and the body's web stream were about a fifth of the CPU left. Any request
 * the table does not name exactly (another method, a trailing slash, a malformed escape) goes to
 * Next as before. GRADBOOK_HOT_PATH=0 sends everything to Next.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { concatBytes, type ApiRequest } from "./api-request";
import { JsonReply } from "./reply";
import type { RouteHandler } from "./route";

export interface HotRoute {
  method: string;
  /** Matches the whole path; its named groups are the route's URL parameters (still escaped). */
  pattern: RegExp;
  handler: RouteHandler;
}

/** Answers true when it took the request (it then answers it), false to leave it to Next. */
export type HotPath = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * What next.config.js headers() adds to every response: these responses do not pass through
 * Next, so they are added here (tests/unit/api/hot-path.test.ts compares the two lists).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};

export function hotPathEnabled(): boolean {
  return !["0", "false", "no"].includes((process.env.GRADBOOK_HOT_PATH ?? "").trim().toLowerCase());
}

function paramsOf(match: RegExpExecArray): Record<string, string> | null {
  const params: Record<string, string> = {};
  try {
    for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = decodeURIComponent(value);
  } catch {
    return null;
  }
  return params;
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/** The body's bytes; reading stops (and the rest is left unread) once more than `limit` arrived: null then. */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total > limit) {
        request.off("data", onData);
        request.pause();
        resolve(null);
      }
    };
    request.on("data", onData);
    request.once("end", () => resolve(concatBytes(chunks, total)));
    request.once("error", reject);
  });
}

function apiRequestOf(request: IncomingMessage, url: string): ApiRequest {
  return { method: request.method ?? "GET", url, headers: headersOf(request), bodyBytes: (limit) => readBody(request, limit) };
}

async function answer(route: HotRoute, params: Record<string, string>, url: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const reply = await route.handler.answer(apiRequestOf(request, url), params);
    if (reply instanceof JsonReply) {
      const bytes = Buffer.from(JSON.stringify(reply.body));
      response.writeHead(reply.status, { ...SECURITY_HEADERS, "content-type": "application/json", ...reply.headers, "content-length": String(bytes.length) });
      response.end(bytes);
      return;
    }
    const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
    reply.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers[name] = value;
    });
    const cookies = reply.headers.getSetCookie();
    if (cookies.length > 0) headers["set-cookie"] = cookies;
    const bytes = Buffer.from(await reply.arrayBuffer());
    headers["content-length"] = String(bytes.length);
    response.writeHead(reply.status, headers);
    response.end(bytes);
  } catch (error) {
    // route() answers its own errors; this is a failure around it (the connection, say).
    console.error(`[api] ${request.method} ${request.url} failed on the hot path:`, error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
    response.end();
  }
}

export function hotPath(routes: readonly HotRoute[]): HotPath {
  return (request, response) => {
    const path = request.url ?? "";
    if (!path.startsWith("/api/")) return false;
    const query = path.indexOf("?");
    const pathname = query === -1 ? path : path.slice(0, query);
    for (const route of routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const params = paramsOf(match);
      if (!params) return false;
      let url: string;
      try {
        url = new URL(path, `http://${request.headers.host ?? "localhost"}`).href;
      } catch {
        return false; // a Host header no URL takes: Next answers it
      }
      void answer(route, params, url, request, response);
      return true;
    }
    return false;
  };
}
