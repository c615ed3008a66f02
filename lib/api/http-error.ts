import { json, type JsonReply } from "./reply";

/** A JSON error a learner's browser can show: what was wrong, never a stack trace. */
export function errorResponse(status: number, message: string, details?: unknown): Response {
  return Response.json(errorBody(message, details), { status });
}

function errorBody(message: string, details: unknown): { error: string; details?: unknown } {
  return { error: message, ...(details === undefined ? {} : { details }) };
}

/**
 * A failure a route handler answers on purpose: `throw new HttpError(404, "No such run")` anywhere
 * under `route()` (lib/api/route.ts) becomes the JSON error `{ error, details? }` with that status.
 * Any other error is unexpected: logged, and answered with a plain 500.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly details: unknown;
  readonly headers: HeadersInit | undefined;

  constructor(status: number, message: string, options: { details?: unknown; headers?: HeadersInit } = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.details = options.details;
    this.headers = options.headers;
  }

  toReply(): JsonReply {
    return json(errorBody(this.message, this.details), { status: this.status, headers: this.headers === undefined ? undefined : Object.fromEntries(new Headers(this.headers)) });
  }

  toResponse(): Response {
    return this.toReply().toResponse();
  }
}
