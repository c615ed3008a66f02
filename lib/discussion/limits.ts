/** What one learner may write in the discussion (see docs/discussion.md). */

/** A comment's Markdown, in characters (code points) after trimming. */
export const MAX_COMMENT_CHARS = 5_000;
/** A report's reason, in characters. */
export const MAX_REPORT_REASON_CHARS = 500;

/**
 * New comments and replies per author in a sliding window. Counted in the database (rows are
 * never removed, deleting only erases their text), so the limit holds across server instances
 * and cannot be reset by deleting.
 */
export const COMMENT_RATE_LIMIT = 5;
export const COMMENT_RATE_WINDOW_MS = 60_000;

/** Top-level threads per page of a lesson's discussion, and per page of the instructors' list. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 50;
/** Replies returned under one thread (oldest first); a busier thread says how many more it has. */
export const MAX_REPLIES_PER_THREAD = 200;
