/**
 * The discussion under each lesson: comments, one level of replies, reports and moderation.
 *
 * Who sees what (every query below goes through `contentVisible`):
 * - a published comment: everyone, guests included;
 * - a comment an instructor hid: instructors and its author; to everyone else it is left out,
 *   or, when replies they can see hang under it, shown as a placeholder without its text,
 *   author or cell;
 * - a deleted comment (by its author, or removed by an instructor): its text is erased from the
 *   row; a thread's first comment still shows as "comment deleted" while it has visible replies.
 * Comments carry their author's username and nothing else about them; a learner sees whether
 * they reported a comment, only instructors see reports.
 */
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import type { RequestUser } from "../auth/request-user";
import { lessonParts } from "../lessons/lesson-parts";
import { readLesson } from "../lessons/files";
import { decodeCursor, encodeCursor, type CommentCursor } from "./cursor";
import { HttpError } from "../api/http-error";
import { COMMENT_RATE_LIMIT, COMMENT_RATE_WINDOW_MS, DEFAULT_PAGE_SIZE, MAX_REPLIES_PER_THREAD } from "./limits";
import { RENDER_VERSION, renderCommentMarkdown } from "./render";
import type { CommentStatus, CommentView, CourseComment, LessonDiscussionPage, ThreadView } from "./types";

export type { CommentStatus, CommentView, CourseComment, LessonDiscussionPage, ThreadView };

/** Who is reading: a signed-in account (learner or instructor), or a guest (anonymous learner or nobody). */
export interface DiscussionViewer {
  /** The account's id; null for guests, who can only read. */
  id: string | null;
  username: string | null;
  instructor: boolean;
}

export function discussionViewer(user: RequestUser | null): DiscussionViewer {
  if (!user || user.anonymous) return { id: null, username: null, instructor: false };
  return { id: user.id, username: user.username, instructor: user.role === "instructor" };
}

// ---- visibility ---------------------------------------------------------------------------

/** The comments whose text `viewer` may read. */
function contentVisible(viewer: DiscussionViewer): Prisma.LessonCommentWhereInput {
  if (viewer.instructor) return { deletedAt: null };
  if (viewer.id) return { deletedAt: null, OR: [{ hiddenAt: null }, { authorId: viewer.id }] };
  return { deletedAt: null, hiddenAt: null };
}

function canSeeText(row: { deletedAt: Date | null; hiddenAt: Date | null; authorId: string }, viewer: DiscussionViewer): boolean {
  if (row.deletedAt) return false;
  return !row.hiddenAt || viewer.instructor || (viewer.id !== null && row.authorId === viewer.id);
}

function commentInclude(viewer: DiscussionViewer) {
  // Instructors get every open report; a learner only their own (to show "Reported"); guests none.
  const reportsWhere: Prisma.CommentReportWhereInput = viewer.instructor ? { resolvedAt: null } : viewer.id ? { reporterId: viewer.id } : { id: { in: [] } };
  return {
    author: { select: { username: true, displayUsername: true, role: true } },
    reports: {
      where: reportsWhere,
      orderBy: { createdAt: "asc" as const },
      select: { reason: true, createdAt: true, reporterId: true, reporter: { select: { username: true, displayUsername: true } } },
    },
  } satisfies Prisma.LessonCommentInclude;
}

type CommentRow = Prisma.LessonCommentGetPayload<{ include: ReturnType<typeof commentInclude> }>;

/** The stored HTML, rendered again (and stored) when an older renderer made it. */
function currentHtml(row: CommentRow): string {
  if (row.renderVersion === RENDER_VERSION) return row.html;
  const html = renderCommentMarkdown(row.body);
  void prisma.lessonComment
    .updateMany({ where: { id: row.id, renderVersion: row.renderVersion, deletedAt: null }, data: { html, renderVersion: RENDER_VERSION } })
    .catch((error: unknown) => console.error("[discussion] could not store a re-rendered comment:", error));
  return html;
}

function displayName(user: { username: string | null; displayUsername: string | null }): string | null {
  return user.displayUsername ?? user.username;
}

/** `root` is the thread's first comment (the row itself for a top-level comment). */
function toView(row: CommentRow, viewer: DiscussionViewer, root: { deletedAt: Date | null; hiddenAt: Date | null; authorId: string }): CommentView {
  const status: CommentStatus = row.deletedAt ? "deleted" : row.hiddenAt ? "hidden" : "published";
  const visible = canSeeText(row, viewer);
  const mine = viewer.id !== null && row.authorId === viewer.id;
  const reportedByMe = viewer.id !== null && row.reports.some((report) => report.reporterId === viewer.id);
  const view: CommentView = {
    id: row.id,
    lessonSlug: row.lessonSlug,
    parentId: row.parentId,
    status,
    html: visible ? currentHtml(row) : null,
    cellId: visible ? row.cellId : null,
    author: visible ? { username: displayName(row.author) ?? "former learner", instructor: row.author.role === "instructor" } : null,
    createdAt: row.createdAt.toISOString(),
    editedAt: visible && row.editedAt ? row.editedAt.toISOString() : null,
    pinned: row.pinned,
    removedByInstructor: status === "deleted" && row.deletedBy === "instructor",
    mine: visible && mine,
    reportedByMe,
    can: {
      reply: viewer.id !== null && canSeeText(root, viewer),
      edit: visible && mine,
      delete: visible && (mine || viewer.instructor),
      report: visible && viewer.id !== null && !mine && !reportedByMe,
      moderate: viewer.instructor && status !== "deleted",
    },
  };
  if (visible && mine) view.body = row.body;
  if (viewer.instructor) view.reports = row.reports.map((report) => ({ reason: report.reason, reporter: displayName(report.reporter), createdAt: report.createdAt.toISOString() }));
  return view;
}

// ---- reading ------------------------------------------------------------------------------

export type CommentOrder = "newest" | "oldest";

/** Threads after `cursor` in the order pinned first, then by creation time (and id), newest or oldest first. */
function afterCursor(cursor: CommentCursor, order: CommentOrder): Prisma.LessonCommentWhereInput {
  const beyond = order === "newest" ? "lt" : "gt";
  const sameTime = { createdAt: cursor.createdAt, id: { [beyond]: cursor.id } };
  const later = { createdAt: { [beyond]: cursor.createdAt } };
  if (cursor.pinned) return { OR: [{ pinned: false }, { pinned: true, ...later }, { pinned: true, ...sameTime }] };
  return { OR: [{ pinned: false, ...later }, { pinned: false, ...sameTime }] };
}

/** How many comments of a lesson `viewer` can read ("Comments (N)"). */
export function countLessonComments(slug: string, viewer: DiscussionViewer): Promise<number> {
  return prisma.lessonComment.count({ where: { lessonSlug: slug, ...contentVisible(viewer) } });
}

/** One page of a lesson's threads as `viewer` sees them, with the count and the next page's cursor. */
export async function listLessonComments(
  slug: string,
  viewer: DiscussionViewer,
  options: { order?: CommentOrder; cursor?: string; limit?: number } = {},
): Promise<LessonDiscussionPage> {
  const order = options.order ?? "newest";
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const direction = order === "newest" ? "desc" : "asc";
  const visible = contentVisible(viewer);
  const include = commentInclude(viewer);
  const where: Prisma.LessonCommentWhereInput = {
    lessonSlug: slug,
    parentId: null,
    AND: [{ OR: [visible, { replies: { some: visible } }] }, ...(options.cursor ? [afterCursor(decodeCursor(options.cursor), order)] : [])],
  };
  const [rows, count] = await Promise.all([
    prisma.lessonComment.findMany({
      where,
      orderBy: [{ pinned: "desc" }, { createdAt: direction }, { id: direction }],
      take: limit + 1,
      include: {
        ...include,
        replies: { where: visible, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_REPLIES_PER_THREAD, include },
        _count: { select: { replies: { where: visible } } },
      },
    }),
    countLessonComments(slug, viewer),
  ]);
  const page = rows.slice(0, limit);
  const threads = page.map((row) => ({
    ...toView(row, viewer, row),
    replies: row.replies.map((reply) => toView(reply, viewer, row)),
    moreReplies: Math.max(0, row._count.replies - row.replies.length),
  }));
  const last = page.at(-1);
  return { count, threads, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

// ---- writing ------------------------------------------------------------------------------

export interface NewComment {
  body: string;
  parentId?: string | null;
  cellId?: string | null;
}

function requireAccount(viewer: DiscussionViewer): string {
  if (!viewer.id) throw new HttpError(401, "Sign in to leave a comment: guests can read the discussion but not write in it");
  return viewer.id;
}

/** 400 unless `cellId` is one of the lesson's cells. */
function checkCell(slug: string, cellId: string | null | undefined): void {
  if (cellId && !lessonParts(slug).cellIds.includes(cellId)) throw new HttpError(400, `Invalid request body: cellId: lesson "${slug}" has no cell "${cellId}"`);
}

async function findComment(id: string) {
  return prisma.lessonComment.findUnique({ where: { id }, include: { parent: { select: { id: true, deletedAt: true, hiddenAt: true, authorId: true } } } });
}

/** A comment the viewer may see the text of, or 404 (a comment hidden from them does not exist for them). */
async function visibleComment(id: string, viewer: DiscussionViewer) {
  const row = await findComment(id);
  if (!row || !canSeeText(row, viewer)) throw new HttpError(404, "No such comment (it may have been deleted)");
  return row;
}

async function viewOf(id: string, viewer: DiscussionViewer): Promise<CommentView> {
  const row = await prisma.lessonComment.findUniqueOrThrow({ where: { id }, include: { ...commentInclude(viewer), parent: { select: { deletedAt: true, hiddenAt: true, authorId: true } } } });
  return toView(row, viewer, row.parent ?? row);
}

/**
 * Posts a comment, or a reply when `parentId` names a comment of the lesson (a reply to a reply
 * joins the same thread). At most COMMENT_RATE_LIMIT per author per window, else 429 with the
 * seconds to wait: the new row is written first and counted with the others in one
 * transaction, so concurrent posts cannot all slip under the limit.
 */
export async function createComment(slug: string, viewer: DiscussionViewer, input: NewComment, now = new Date()): Promise<CommentView> {
  const authorId = requireAccount(viewer);
  checkCell(slug, input.cellId);
  let parentId: string | null = null;
  if (input.parentId) {
    const parent = await findComment(input.parentId);
    if (!parent || parent.lessonSlug !== slug) throw new HttpError(404, `No comment "${input.parentId}" under this lesson`);
    const root = parent.parent ?? parent;
    // A reply the viewer cannot read does not exist for them, even though replies join the root.
    if (parent.parent && !canSeeText(parent, viewer)) throw new HttpError(404, `No comment "${input.parentId}" under this lesson`);
    if (!canSeeText(root, viewer)) {
      if (root.deletedAt) throw new HttpError(409, "This thread's first comment was deleted: it takes no new replies");
      throw new HttpError(404, `No comment "${input.parentId}" under this lesson`);
    }
    parentId = root.id;
  }
  const html = renderCommentMarkdown(input.body);
  const created = await prisma.$transaction(async (tx) => {
    // Touching the author's row first makes concurrent posts by one author take turns: on
    // PostgreSQL the row lock is held until commit (without it, each transaction would count
    // before the others' rows were visible and all would pass); SQLite serialises writers anyway.
    await tx.user.update({ where: { id: authorId }, data: { updatedAt: now }, select: { id: true } });
    const row = await tx.lessonComment.create({
      data: { lessonSlug: slug, authorId, parentId, cellId: input.cellId ?? null, body: input.body, html, renderVersion: RENDER_VERSION, createdAt: now },
      select: { id: true },
    });
    const windowStart = new Date(now.getTime() - COMMENT_RATE_WINDOW_MS);
    const recent = await tx.lessonComment.findMany({
      where: { authorId, createdAt: { gt: windowStart }, id: { not: row.id } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    });
    if (recent.length >= COMMENT_RATE_LIMIT) {
      // The slot that frees first is the oldest of the COMMENT_RATE_LIMIT most recent comments.
      const freesAt = recent[recent.length - COMMENT_RATE_LIMIT].createdAt.getTime() + COMMENT_RATE_WINDOW_MS;
      const seconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
      throw new HttpError(429, `You are commenting too fast: at most ${COMMENT_RATE_LIMIT} comments a minute. Try again in ${seconds} s.`, { headers: { "retry-after": String(seconds) } });
    }
    return row;
  });
  return viewOf(created.id, viewer);
}

/** The author edits their comment's text (and which cell it quotes, when `cellId` is given). */
export async function editComment(id: string, viewer: DiscussionViewer, input: { body: string; cellId?: string | null }, now = new Date()): Promise<CommentView> {
  requireAccount(viewer);
  const row = await visibleComment(id, viewer);
  if (row.authorId !== viewer.id) throw new HttpError(403, "You can only edit your own comments");
  checkCell(row.lessonSlug, input.cellId);
  const data: Prisma.LessonCommentUpdateManyMutationInput = { body: input.body, html: renderCommentMarkdown(input.body), renderVersion: RENDER_VERSION, editedAt: now };
  if (input.cellId !== undefined) data.cellId = input.cellId;
  // deletedAt: null guards against a delete that landed since the read.
  const updated = await prisma.lessonComment.updateMany({ where: { id, deletedAt: null }, data });
  if (updated.count === 0) throw new HttpError(404, "No such comment (it may have been deleted)");
  return viewOf(id, viewer);
}

async function erase(id: string, by: "author" | "instructor", now: Date): Promise<void> {
  await prisma.$transaction([
    prisma.lessonComment.update({ where: { id }, data: { body: "", html: "", cellId: null, pinned: false, deletedAt: now, deletedBy: by } }),
    prisma.commentReport.updateMany({ where: { commentId: id, resolvedAt: null }, data: { resolvedAt: now } }),
  ]);
}

/** The author deletes their comment; an instructor deleting someone else's removes it. */
export async function deleteComment(id: string, viewer: DiscussionViewer, now = new Date()): Promise<{ removedByInstructor: boolean }> {
  requireAccount(viewer);
  const row = await visibleComment(id, viewer);
  const mine = row.authorId === viewer.id;
  if (!mine && !viewer.instructor) throw new HttpError(403, "You can only delete your own comments");
  await erase(id, mine ? "author" : "instructor", now);
  return { removedByInstructor: !mine };
}

export type ModerationAction = "pin" | "unpin" | "hide" | "unhide" | "remove" | "dismiss-reports";

/** An instructor pins (threads only), hides, shows again, removes, or dismisses the reports of a comment. */
export async function moderateComment(id: string, viewer: DiscussionViewer, action: ModerationAction, now = new Date()): Promise<CommentView> {
  requireAccount(viewer);
  if (!viewer.instructor) throw new HttpError(403, "Only instructors can moderate comments");
  const row = await findComment(id);
  if (!row) throw new HttpError(404, "No such comment");
  if (row.deletedAt) throw new HttpError(409, "This comment was deleted");
  switch (action) {
    case "pin":
    case "unpin":
      if (row.parentId) throw new HttpError(400, "Only a thread's first comment can be pinned, not a reply");
      await prisma.lessonComment.update({ where: { id }, data: { pinned: action === "pin" } });
      break;
    case "hide":
      // A hidden comment is not pinned: it would otherwise top the thread as a placeholder.
      await prisma.$transaction([
        prisma.lessonComment.update({ where: { id }, data: { hiddenAt: row.hiddenAt ?? now, pinned: false } }),
        prisma.commentReport.updateMany({ where: { commentId: id, resolvedAt: null }, data: { resolvedAt: now } }),
      ]);
      break;
    case "unhide":
      await prisma.lessonComment.update({ where: { id }, data: { hiddenAt: null } });
      break;
    case "remove":
      await erase(id, "instructor", now);
      break;
    case "dismiss-reports":
      await prisma.commentReport.updateMany({ where: { commentId: id, resolvedAt: null }, data: { resolvedAt: now } });
      break;
  }
  return viewOf(id, viewer);
}

/** A signed-in learner reports someone else's comment to the instructors (once per comment; again updates the reason). */
export async function reportComment(id: string, viewer: DiscussionViewer, reason: string, now = new Date()): Promise<{ created: boolean }> {
  const reporterId = requireAccount(viewer);
  const row = await visibleComment(id, viewer);
  if (row.authorId === reporterId) throw new HttpError(400, "You cannot report your own comment (edit or delete it instead)");
  const existing = await prisma.commentReport.findUnique({ where: { commentId_reporterId: { commentId: id, reporterId } }, select: { id: true } });
  await prisma.commentReport.upsert({
    where: { commentId_reporterId: { commentId: id, reporterId } },
    create: { commentId: id, reporterId, reason, createdAt: now },
    update: { reason, resolvedAt: null, createdAt: now },
  });
  return { created: !existing };
}

// ---- the instructors' view of the course ----------------------------------------------------

export type CourseCommentFilter = "all" | "reported" | "hidden";


const titles = new Map<string, string>();
function lessonTitle(slug: string): string {
  let title = titles.get(slug);
  if (title === undefined) {
    try {
      title = readLesson(slug).frontmatter.title;
    } catch {
      title = slug;
    }
    titles.set(slug, title);
  }
  return title;
}

/** The newest comments across the course, for instructors: all, those with open reports, or hidden ones. */
export async function listCourseComments(
  viewer: DiscussionViewer,
  options: { filter?: CourseCommentFilter; cursor?: string; limit?: number } = {},
): Promise<{ comments: CourseComment[]; nextCursor: string | null }> {
  requireAccount(viewer);
  if (!viewer.instructor) throw new HttpError(403, "Only instructors can see comments across the course");
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const filter = options.filter ?? "all";
  const where: Prisma.LessonCommentWhereInput = {
    ...(filter === "reported" ? { reports: { some: { resolvedAt: null } } } : {}),
    ...(filter === "hidden" ? { hiddenAt: { not: null }, deletedAt: null } : {}),
  };
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    where.OR = [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }];
  }
  const rows = await prisma.lessonComment.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { ...commentInclude(viewer), parent: { select: { deletedAt: true, hiddenAt: true, authorId: true } } },
  });
  const page = rows.slice(0, limit);
  const comments = page.map((row) => ({ ...toView(row, viewer, row.parent ?? row), lessonTitle: lessonTitle(row.lessonSlug), reportCount: row.reports.length }));
  const last = page.at(-1);
  return { comments, nextCursor: rows.length > limit && last ? encodeCursor({ pinned: false, createdAt: last.createdAt, id: last.id }) : null };
}
