import { z } from "zod";

/** A JSON error a learner's browser can show: what was wrong, never a stack trace. */
export function errorResponse(status: number, message: string, details?: unknown): Response {
  return Response.json({ error: message, ...(details === undefined ? {} : { details }) }, { status });
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`).join("; ");
}

export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads and validates a JSON body. Returns the parsed value or a 400/413 response that
 * says what is wrong; nothing downstream runs on bad input.
 */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, response: errorResponse(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`) };
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return { ok: false, response: errorResponse(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, response: errorResponse(400, "Request body must be valid JSON") };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, response: errorResponse(400, `Invalid request body: ${describeZodError(parsed.error)}`) };
  return { ok: true, value: parsed.data };
}

export function parseParams<T>(params: unknown, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: Response } {
  const parsed = schema.safeParse(params);
  if (!parsed.success) return { ok: false, response: errorResponse(400, `Invalid URL parameter: ${describeZodError(parsed.error)}`) };
  return { ok: true, value: parsed.data };
}
