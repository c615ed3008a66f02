import type { z } from "zod";
import { fromFetchRequest, type ApiRequest } from "./api-request";
import { HttpError } from "./http-error";

export function describeZodError(error: z.ZodError, whole = "body"): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : whole}: ${issue.message}`).join("; ");
}

export const MAX_BODY_BYTES = 256 * 1024;

const tooLarge = () => new HttpError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);

/**
 * Refuses (415) a Content-Type other than JSON (`application/json`, optionally `; charset=utf-8`).
 * Requiring it also keeps these routes out of reach of cross-site HTML forms, which can only send
 * form and text content types.
 */
function requireJsonContentType(request: ApiRequest): void {
  const header = request.headers.get("content-type") ?? "";
  const [mediaType, ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (mediaType === "application/json" && (charset === undefined || charset === "utf-8" || charset === "utf8")) return;
  const got = header ? `got "${header}"` : "none was given";
  throw new HttpError(415, `Content-Type must be application/json (UTF-8); ${got}`);
}

/**
 * Reads and validates a JSON body: the parsed value, or an HttpError 415/413/400 that says what is
 * wrong; nothing downstream runs on bad input. The size limit counts bytes.
 */
export async function jsonBody<T>(request: ApiRequest, schema: z.ZodType<T>): Promise<T> {
  requireJsonContentType(request);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await request.bodyBytes(MAX_BODY_BYTES);
  if (!bytes) throw tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, "Request body must be valid JSON (UTF-8)");
  }
  return validated(json, schema, "request body", "body");
}

/** jsonBody as a result rather than a throw (for code outside route()). */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  try {
    return { ok: true, value: await jsonBody(fromFetchRequest(request), schema) };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, response: error.toResponse() };
    throw error;
  }
}

/** `value` checked against `schema`, or an HttpError 400 "Invalid <where>: <field>: <problem>". */
export function validated<T>(value: unknown, schema: z.ZodType<T>, where: string, whole: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `Invalid ${where}: ${describeZodError(parsed.error, whole)}`);
  return parsed.data;
}
