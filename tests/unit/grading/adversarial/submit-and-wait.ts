/**
 * Submits code through the real submit route handlers, in-process (no server), and waits for
 * the grade under either contract:
 * - 200 { result, progress, submission? } when grading finished within the route's short wait;
 * - 202 { submission: { id, status, position } }, then GET ?submission=<id> every 100 ms until
 *   it answers with a `result` (or an error status), giving up after 60 s.
 * 429 (this learner or this address already has a submission in flight) and 503 (queue full)
 * are retried after a short pause until the deadline: they are the queue saying "not now",
 * not a grade. Every response body seen is kept, so callers can look for leaks in all of them.
 */
import * as testDatabase from "../../api/test-database";

export type RouteHandler = (request: Request, context: { params: Promise<{ slug: string; exerciseId: string }> }) => Promise<Response>;

export interface SubmitRoutes {
  POST: RouteHandler;
  /** The poll handler; absent while the route still answers synchronously only. */
  GET?: RouteHandler;
}

export interface SubmitRequest {
  slug: string;
  exerciseId: string;
  /** The whole JSON body; `{ code }` for an honest request. */
  body: unknown;
  learnerId: string;
  /** Sent as X-Forwarded-For: the queue limits per client address. */
  clientAddress?: string;
}

export interface SubmitOutcome {
  /** Status of the last response (200 with a result when graded). */
  status: number;
  /** The parsed last body, or null when it was not JSON or too large to parse. */
  body: Record<string, unknown> | null;
  /** Every response body text seen (the POST, each poll, the last one). */
  texts: string[];
  /** The largest response body, in bytes (UTF-8). */
  largestBytes: number;
  /** Submit to graded, in milliseconds. */
  elapsedMs: number;
  /** Set when no grade arrived in time. */
  gaveUp: string | null;
}

const POLL_MS = 100;
const GIVE_UP_MS = 60_000;
/** Bodies larger than this are not parsed (they already break every size bound we assert). */
const MAX_PARSED_CHARS = 8 * 1024 * 1024;

type CookieHelper = (id: string) => string | Promise<string>;

/**
 * The Cookie header of an anonymous learner: the helper tests/unit/api/test-database.ts exports
 * (signed ids), or the raw `gb_learner=<id>` form when it exports none.
 */
export async function learnerCookieOf(id: string): Promise<string> {
  const exported = testDatabase as unknown as Record<string, unknown>;
  for (const name of ["learnerCookie", "signedLearnerCookie", "cookieFor", "learnerCookieOf"]) {
    const helper = exported[name];
    if (typeof helper === "function") return await (helper as CookieHelper)(id);
  }
  return `gb_learner=${id}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function request(url: string, method: string, cookie: string, clientAddress: string | undefined, body?: unknown): Request {
  const headers: Record<string, string> = { cookie };
  if (clientAddress) headers["x-forwarded-for"] = clientAddress;
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${url}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

function parse(text: string): Record<string, unknown> | null {
  if (text.length > MAX_PARSED_CHARS) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function submitAndWait(routes: SubmitRoutes, submission: SubmitRequest, giveUpMs = GIVE_UP_MS): Promise<SubmitOutcome> {
  const started = performance.now();
  const deadline = started + giveUpMs;
  const cookie = await learnerCookieOf(submission.learnerId);
  const base = `/api/exercises/${submission.slug}/${submission.exerciseId}/submit`;
  const context = () => ({ params: Promise.resolve({ slug: submission.slug, exerciseId: submission.exerciseId }) });
  const texts: string[] = [];
  let largestBytes = 0;
  const read = async (response: Response) => {
    const text = await response.text();
    texts.push(text);
    largestBytes = Math.max(largestBytes, Buffer.byteLength(text));
    return { status: response.status, text, body: parse(text) };
  };
  const done = (status: number, body: Record<string, unknown> | null, gaveUp: string | null = null): SubmitOutcome => ({ status, body, texts, largestBytes, elapsedMs: performance.now() - started, gaveUp });

  // Submit, retrying while the queue says "not now".
  let posted = await read(await routes.POST(request(base, "POST", cookie, submission.clientAddress, submission.body), context()));
  while ((posted.status === 429 || posted.status === 503) && performance.now() < deadline) {
    await sleep(POLL_MS * 2);
    posted = await read(await routes.POST(request(base, "POST", cookie, submission.clientAddress, submission.body), context()));
  }
  if (posted.status !== 202) return done(posted.status, posted.body, posted.status === 429 || posted.status === 503 ? `still refused (${posted.status}) after ${giveUpMs / 1000} s` : null);

  const id = (posted.body?.submission as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string") return done(posted.status, posted.body, "a 202 answer without a submission id");
  if (!routes.GET) return done(posted.status, posted.body, "the route answered 202 but has no GET handler to poll");
  for (;;) {
    if (performance.now() > deadline) return done(202, posted.body, `no result after ${giveUpMs / 1000} s`);
    await sleep(POLL_MS);
    const polled = await read(await routes.GET(request(`${base}?submission=${encodeURIComponent(id)}`, "GET", cookie, submission.clientAddress), context()));
    if (polled.status !== 200) return done(polled.status, polled.body);
    if (polled.body && ("result" in polled.body || "error" in polled.body)) return done(polled.status, polled.body);
  }
}
