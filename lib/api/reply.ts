/**
 * A JSON answer as a route handler gives it, before it becomes a fetch `Response`. Next gets the
 * Response (`toResponse`); the hot path (./hot-path.ts) writes status, headers and the serialised
 * body to the socket itself, which costs a small fraction of building a Response and reading it
 * back. Handlers return `json(...)` where they would return `Response.json(...)`.
 */
export class JsonReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}

/** What a route handler answers: a JSON reply, or any Response (files, redirects, cookies). */
export type Reply = JsonReply | Response;

export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): JsonReply {
  return new JsonReply(init.status ?? 200, body, init.headers);
}

export function toResponse(reply: Reply): Response {
  return reply instanceof JsonReply ? reply.toResponse() : reply;
}
