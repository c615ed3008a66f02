import { z } from "zod";
import { HttpError } from "../api/http-error";

/**
 * Keyset pagination: a cursor names the last item of a page by its sort key (pinned, creation
 * time, id), so a page never repeats or skips a comment when new ones arrive meanwhile (an
 * offset would). It is opaque to clients: base64url of a small JSON object.
 */
export interface CommentCursor {
  pinned: boolean;
  createdAt: Date;
  id: string;
}

const cursorJson = z
  .object({
    p: z.union([z.literal(0), z.literal(1)]),
    t: z.number().int().min(0).max(8.64e15),
    id: z.string().regex(/^[a-z0-9]{1,40}$/),
  })
  .strict();

export function encodeCursor(cursor: CommentCursor): string {
  return Buffer.from(JSON.stringify({ p: cursor.pinned ? 1 : 0, t: cursor.createdAt.getTime(), id: cursor.id })).toString("base64url");
}

/** The cursor a client sent back; 400 when it is not one we made. */
export function decodeCursor(raw: string): CommentCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    json = null;
  }
  const parsed = cursorJson.safeParse(json);
  if (!parsed.success) throw new HttpError(400, "Invalid query parameter: cursor: not a cursor this server made (use nextCursor from the previous page)");
  return { pinned: parsed.data.p === 1, createdAt: new Date(parsed.data.t), id: parsed.data.id };
}
