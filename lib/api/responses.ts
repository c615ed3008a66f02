import { z } from "zod";

/** A JSON error a learner's browser can show: what was wrong, never a stack trace. */
export function errorResponse(status: number, message: string, details?: unknown): Response {
  return Response.json({ error: message, ...(details === undefined ? {} : { details }) }, { status });
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`).join("; ");
}

export const MAX_BODY_BYTES = 256 * 1024;

type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

const tooLarge = () => errorResponse(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);

/**
 * Null when the Content-Type is JSON (`application/json`, optionally `; charset=utf-8`), else
 * the 415 answer. Requiring it also keeps these routes out of reach of cross-site HTML forms,
 * which can only send form and text content types.
 */
function jsonContentType(request: Request): Response | null {
  const header = request.headers.get("content-type") ?? "";
  const [mediaType, ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (mediaType === "application/json" && (charset === undefined || charset === "utf-8" || charset === "utf8")) return null;
  const got = header ? `got "${header}"` : "none was given";
  return errorResponse(415, `Content-Type must be application/json (UTF-8); ${got}`);
}

/**
 * The body's bytes, or null once it passes `limit`: reading stops there (the rest is never
 * buffered), so a client that lies about or leaves out Content-Length cannot make us hold more.
 */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads and validates a JSON body. Returns the parsed value or a 415/413/400 response that
 * says what is wrong; nothing downstream runs on bad input. The size limit counts bytes.
 */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<BodyResult<T>> {
  const wrongType = jsonContentType(request);
  if (wrongType) return { ok: false, response: wrongType };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  const bytes = await readLimited(request, MAX_BODY_BYTES);
  if (!bytes) return { ok: false, response: tooLarge() };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, response: errorResponse(400, "Request body must be valid JSON (UTF-8)") };
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
