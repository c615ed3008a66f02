import { z } from "zod";
import { wellFormed } from "../api/schemas";
import { DEFAULT_PAGE_SIZE, MAX_COMMENT_CHARS, MAX_PAGE_SIZE, MAX_REPORT_REASON_CHARS } from "./limits";

/** Schemas shared by the discussion's routes (each route's own are in the schema.ts beside it). */

/** Control characters other than tab and newlines: invisible, and never part of Markdown a person typed. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Well-formed text, trimmed, of 1 to `max` characters (code points, so an emoji counts once). */
function learnerText(max: number, what: string) {
  return wellFormed(z.string().trim())
    .refine((text) => text.length > 0, `must not be empty`)
    .refine((text) => [...text].length <= max, `must be at most ${max.toLocaleString("en-US")} characters`)
    .refine((text) => !CONTROL.test(text), `must not contain control characters`)
    .describe(what);
}

export const commentBodySchema = learnerText(MAX_COMMENT_CHARS, "the comment's Markdown");
export const reportReasonSchema = learnerText(MAX_REPORT_REASON_CHARS, "why the comment is reported");

/** Comment ids are cuids. */
export const commentIdSchema = z.string().regex(/^[a-z0-9]{1,40}$/, "must be a comment id");
export const commentParamsSchema = z.object({ commentId: commentIdSchema });

/** An opaque keyset cursor (lib/discussion/cursor.ts) as it travels in a query string. */
export const cursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "must be nextCursor from the previous page");

export const pageSizeSchema = z.coerce
  .number()
  .int("must be an integer")
  .min(1, "must be at least 1")
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
  .default(DEFAULT_PAGE_SIZE);
