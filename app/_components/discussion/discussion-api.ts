import type { CommentView, ThreadView } from "@/lib/discussion/types";

/** The discussion's API as the page calls it (app/api/lessons/[slug]/comments, app/api/comments). */

export type { CommentView, ThreadView };
export type CommentOrder = "newest" | "oldest";

export interface DiscussionPage {
  viewer: { signedIn: boolean; username: string | null; instructor: boolean };
  order: CommentOrder;
  cells: string[];
  count: number;
  threads: ThreadView[];
  nextCursor: string | null;
}

/** A refusal the learner should read (the API's own message), with the status. */
export class DiscussionRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store", ...init });
  } catch {
    throw new DiscussionRequestError(0, "Could not reach the server. Check your connection and try again.");
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new DiscussionRequestError(response.status, (body.error ?? `Something went wrong (${response.status})`).replace(/^Invalid request body: body: /, "Your comment "));
  return body as T;
}

const json = (method: string, body?: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

export function fetchPage(slug: string, order: CommentOrder, options: { cursor?: string | null; limit?: number } = {}): Promise<DiscussionPage> {
  const query = new URLSearchParams({ order });
  if (options.cursor) query.set("cursor", options.cursor);
  if (options.limit) query.set("limit", String(options.limit));
  return call(`/api/lessons/${encodeURIComponent(slug)}/comments?${query}`);
}

export function postComment(slug: string, input: { body: string; parentId?: string | null; cellId?: string | null }): Promise<{ comment: CommentView }> {
  return call(`/api/lessons/${encodeURIComponent(slug)}/comments`, json("POST", input));
}

export function editComment(id: string, input: { body: string; cellId?: string | null }): Promise<{ comment: CommentView }> {
  return call(`/api/comments/${encodeURIComponent(id)}`, json("PATCH", input));
}

export function deleteComment(id: string): Promise<{ deleted: true; removedByInstructor: boolean }> {
  return call(`/api/comments/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export type ModerationAction = "pin" | "unpin" | "hide" | "unhide" | "remove" | "dismiss-reports";

export function moderateComment(id: string, action: ModerationAction): Promise<{ comment: CommentView }> {
  return call(`/api/comments/${encodeURIComponent(id)}/moderation`, json("POST", { action }));
}

export function reportComment(id: string, reason: string): Promise<{ reported: true }> {
  return call(`/api/comments/${encodeURIComponent(id)}/reports`, json("POST", { reason }));
}
