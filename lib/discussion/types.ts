/** What the discussion's API answers (lib/discussion/comments.ts builds these; the page reads them). */

export type CommentStatus = "published" | "hidden" | "deleted";

export interface CommentView {
  id: string;
  lessonSlug: string;
  parentId: string | null;
  status: CommentStatus;
  /** The rendered, sanitised HTML; null when the viewer may not see the text (deleted, or hidden from them). */
  html: string | null;
  /** The Markdown as written: only for its author (the edit form). */
  body?: string;
  /** The lesson cell the comment quotes (null when it quotes none or its text is withheld). */
  cellId: string | null;
  author: { username: string; instructor: boolean } | null;
  createdAt: string;
  editedAt: string | null;
  pinned: boolean;
  /** A deleted comment: true when an instructor removed it, false when its author deleted it. */
  removedByInstructor: boolean;
  mine: boolean;
  reportedByMe: boolean;
  can: { reply: boolean; edit: boolean; delete: boolean; report: boolean; moderate: boolean };
  /** Unresolved reports: instructors only. */
  reports?: { reason: string; reporter: string | null; createdAt: string }[];
}

export interface ThreadView extends CommentView {
  replies: CommentView[];
  /** Visible replies beyond the MAX_REPLIES_PER_THREAD returned. */
  moreReplies: number;
}

export interface LessonDiscussionPage {
  count: number;
  threads: ThreadView[];
  nextCursor: string | null;
}

export interface CourseComment extends CommentView {
  lessonTitle: string;
  /** Open reports of the comment. */
  reportCount: number;
}
