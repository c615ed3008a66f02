import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFreshDatabase, jsonRequest, learnerCookie } from "./test-database";
import { XSS_CORPUS } from "../discussion/xss-corpus";

createFreshDatabase();

const lessonRoute = await import("@/app/api/lessons/[slug]/comments/route");
const commentRoute = await import("@/app/api/comments/[commentId]/route");
const moderationRoute = await import("@/app/api/comments/[commentId]/moderation/route");
const reportsRoute = await import("@/app/api/comments/[commentId]/reports/route");
const courseRoute = await import("@/app/api/comments/route");
const { prisma } = await import("@/lib/db/client");
const { createAccount } = await import("@/lib/auth/accounts");
const { COMMENT_RATE_LIMIT, MAX_COMMENT_CHARS } = await import("@/lib/discussion/limits");

const LESSON = "first-look-at-tensors";
const OTHER_LESSON = "activation-functions";
const anonymousCookie = learnerCookie("77777777-7777-4777-8777-777777777777");

/** A real better-auth session cookie for a new account. */
async function sessionCookie(username: string, role: "learner" | "instructor" = "learner"): Promise<{ cookie: string; id: string }> {
  const created = await createAccount(username, "correct horse battery", new Headers(), role);
  if (!created.ok) throw new Error(created.message);
  return { id: created.userId, cookie: created.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ") };
}

const lessonParams = (slug = LESSON) => ({ params: Promise.resolve({ slug }) });
const commentParams = (commentId: string) => ({ params: Promise.resolve({ commentId }) });

async function list(cookie?: string, query = "", slug = LESSON) {
  const response = await lessonRoute.GET(new Request(`http://localhost/api/lessons/${slug}/comments${query}`, { headers: cookie ? { cookie } : {} }), lessonParams(slug));
  return { status: response.status, json: await response.json() };
}
function post(cookie: string | undefined, body: unknown, slug = LESSON, headers: Record<string, string> = {}) {
  const request = jsonRequest(`/api/lessons/${slug}/comments`, "POST", body, cookie);
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return lessonRoute.POST(request, lessonParams(slug));
}
async function postOk(cookie: string, body: unknown, slug = LESSON) {
  const response = await post(cookie, body, slug);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await response.json()).comment as { id: string; html: string; [key: string]: unknown };
}
const edit = (cookie: string | undefined, id: string, body: unknown) => commentRoute.PATCH(jsonRequest(`/api/comments/${id}`, "PATCH", body, cookie), commentParams(id));
const remove = (cookie: string | undefined, id: string) => commentRoute.DELETE(new Request(`http://localhost/api/comments/${id}`, { method: "DELETE", headers: cookie ? { cookie } : {} }), commentParams(id));
const moderate = (cookie: string | undefined, id: string, action: string) => moderationRoute.POST(jsonRequest(`/api/comments/${id}/moderation`, "POST", { action }, cookie), commentParams(id));
const report = (cookie: string | undefined, id: string, reason: unknown) => reportsRoute.POST(jsonRequest(`/api/comments/${id}/reports`, "POST", { reason }, cookie), commentParams(id));
const course = (cookie: string | undefined, query = "") => courseRoute.GET(new Request(`http://localhost/api/comments${query}`, { headers: cookie ? { cookie } : {} }));

type Thread = { id: string; status: string; html: string | null; author: { username: string } | null; pinned: boolean; replies: Thread[]; [key: string]: unknown };
const findThread = (json: { threads: Thread[] }, id: string) => json.threads.find((thread) => thread.id === id);

/**
 * Moves every comment two minutes into the past (order kept), so the next test starts with no
 * recent posts: the rate limit is tested on its own.
 */
async function forgetRecentPosts(): Promise<void> {
  const rows = await prisma.lessonComment.findMany({ select: { id: true, createdAt: true } });
  await prisma.$transaction(rows.map((row) => prisma.lessonComment.update({ where: { id: row.id }, data: { createdAt: new Date(row.createdAt.getTime() - 120_000) } })));
}
beforeEach(forgetRecentPosts);

let alice: { cookie: string; id: string };
let bob: { cookie: string; id: string };
let carol: { cookie: string; id: string };
let dave: { cookie: string; id: string };
let teacher: { cookie: string; id: string };

beforeAll(async () => {
  alice = await sessionCookie("alice");
  bob = await sessionCookie("bob");
  carol = await sessionCookie("carol");
  dave = await sessionCookie("dave");
  teacher = await sessionCookie("teacher", "instructor");
}, 120_000);

describe("GET /api/lessons/:slug/comments", () => {
  it("lets a guest read an empty discussion, and says who is reading", async () => {
    const { status, json } = await list(undefined, "", OTHER_LESSON);
    expect(status).toBe(200);
    expect(json).toMatchObject({ count: 0, threads: [], nextCursor: null, order: "newest", viewer: { signedIn: false, instructor: false } });
    expect(json.cells.length).toBeGreaterThan(0);
    expect((await list(anonymousCookie, "", OTHER_LESSON)).json.viewer.signedIn).toBe(false);
    expect((await list(alice.cookie, "", OTHER_LESSON)).json.viewer).toEqual({ signedIn: true, username: "alice", instructor: false });
  });

  it.each([
    ["a malformed slug", "/api/lessons/Not A Slug/comments", "Not A Slug", 400],
    ["an unknown lesson", "/api/lessons/no-such-lesson/comments", "no-such-lesson", 404],
    ["an unknown order", `/api/lessons/${LESSON}/comments?order=random`, LESSON, 400],
    ["a cursor we did not make", `/api/lessons/${LESSON}/comments?cursor=bm90LWEtY3Vyc29y`, LESSON, 400],
    ["a page size of 0", `/api/lessons/${LESSON}/comments?limit=0`, LESSON, 400],
    ["a page size over 50", `/api/lessons/${LESSON}/comments?limit=51`, LESSON, 400],
  ])("answers %s with the status it deserves", async (_label, url, slug, status) => {
    const response = await lessonRoute.GET(new Request(`http://localhost${url}`), lessonParams(slug));
    expect(response.status).toBe(status);
    expect(typeof (await response.json()).error).toBe("string");
  });
});

describe("POST /api/lessons/:slug/comments", () => {
  it("answers 401 to a request without identity and to an anonymous guest, writing nothing", async () => {
    const before = await prisma.lessonComment.count();
    const none = await post(undefined, { body: "hello" });
    expect(none.status).toBe(401);
    const guest = await post(anonymousCookie, { body: "hello" });
    expect(guest.status).toBe(401);
    expect((await guest.json()).error).toMatch(/Sign in to leave a comment/);
    expect(await prisma.lessonComment.count()).toBe(before);
  });

  it("answers 403 to a cross-site request", async () => {
    const response = await post(alice.cookie, { body: "hello" }, LESSON, { origin: "http://evil.example" });
    expect(response.status).toBe(403);
  });

  it.each([
    ["an empty comment", { body: "" }, /body: must not be empty/],
    ["a comment of spaces", { body: "  \n\t " }, /body: must not be empty/],
    ["a comment over the length limit", { body: "x".repeat(MAX_COMMENT_CHARS + 1) }, /body: must be at most 5,000 characters/],
    ["a lone surrogate", { body: "broken \ud800 text" }, /body: must be valid Unicode/],
    ["a control character", { body: "bell \u0007" }, /body: must not contain control characters/],
    ["a body that is not a string", { body: 42 }, /body/],
    ["unknown fields", { body: "hi", authorId: "someone" }, /authorId|Unrecognized/i],
    ["a cell the lesson does not have", { body: "hi", cellId: "no-such-cell" }, /cellId: lesson "first-look-at-tensors" has no cell "no-such-cell"/],
    ["a malformed cell id", { body: "hi", cellId: "a b" }, /cellId/],
    ["a malformed parent id", { body: "hi", parentId: "../x" }, /parentId/],
  ])("answers 400 to %s, writing nothing", async (_label, body, message) => {
    const before = await prisma.lessonComment.count();
    const response = await post(dave.cookie, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await prisma.lessonComment.count()).toBe(before);
  });

  it("answers 404 for an unknown lesson and for a parent that is not under this lesson", async () => {
    expect((await post(dave.cookie, { body: "hi" }, "no-such-lesson")).status).toBe(404);
    expect((await post(dave.cookie, { body: "hi", parentId: "cnosuchcomment0000000000" })).status).toBe(404);
    const elsewhere = await postOk(dave.cookie, { body: "on another lesson" }, OTHER_LESSON);
    expect((await post(dave.cookie, { body: "hi", parentId: elsewhere.id })).status).toBe(404);
  });

  it("counts characters, not UTF-16 units: 5,000 emoji are accepted", async () => {
    const comment = await postOk(dave.cookie, { body: "📉".repeat(MAX_COMMENT_CHARS) }, OTHER_LESSON);
    expect(comment.html).toContain("📉");
  });

  it("stores a comment rendered to safe HTML, quoting a cell, and shows it to everyone", async () => {
    const comment = await postOk(alice.cookie, { body: "Why does **broadcasting** add $x_i + b$? See the cell.", cellId: "broadcast" });
    expect(comment).toMatchObject({ status: "published", cellId: "broadcast", author: { username: "alice", instructor: false }, mine: true, body: "Why does **broadcasting** add $x_i + b$? See the cell." });
    expect(comment.html).toContain("<strong>broadcasting</strong>");
    expect(comment.html).toContain('class="katex"');
    const guestView = findThread((await list()).json, comment.id)!;
    expect(guestView).toMatchObject({ html: comment.html, cellId: "broadcast", mine: false, can: { reply: false, edit: false, delete: false, report: false, moderate: false } });
    expect(guestView.body).toBeUndefined();
    const bobView = findThread((await list(bob.cookie)).json, comment.id)!;
    expect(bobView.can).toEqual({ reply: true, edit: false, delete: false, report: true, moderate: false });
    // Nothing about an author but their username leaves the server.
    expect(JSON.stringify((await list(bob.cookie)).json)).not.toContain(alice.id);
  });

  it("threads replies one level deep: a reply to a reply joins the thread", async () => {
    const root = await postOk(alice.cookie, { body: "thread root" });
    const reply = await postOk(bob.cookie, { body: "first reply", parentId: root.id });
    const nested = await postOk(alice.cookie, { body: "reply to the reply", parentId: reply.id });
    expect(reply.parentId).toBe(root.id);
    expect(nested.parentId).toBe(root.id);
    const thread = findThread((await list(carol.cookie)).json, root.id)!;
    expect(thread.replies.map((r) => r.id)).toEqual([reply.id, nested.id]);
  });

  it("stores and serves the XSS corpus inert (the full corpus: tests/unit/discussion/render.test.ts)", async () => {
    for (const { markdown } of XSS_CORPUS.slice(0, 5)) {
      const comment = await postOk(carol.cookie, { body: markdown }, "training-loop-and-optimizers");
      expect(comment.html).not.toMatch(/<script|onerror=|onload=|onclick=|ontoggle=|<img|<svg|javascript:/i);
      await forgetRecentPosts();
    }
    const served = JSON.stringify((await list(bob.cookie, "", "training-loop-and-optimizers")).json.threads.map((t: Thread) => t.html));
    expect(served).not.toMatch(/<script|onerror=|onload=|<img|<svg/i);
  });

  it(`allows ${COMMENT_RATE_LIMIT} comments a minute per learner, then 429 with Retry-After, writing nothing`, async () => {
    const rater = await sessionCookie("rater");
    for (let i = 0; i < COMMENT_RATE_LIMIT; i++) await postOk(rater.cookie, { body: `comment ${i}` }, "neural-networks-from-scratch");
    const before = await prisma.lessonComment.count();
    const refused = await post(rater.cookie, { body: "one too many" }, "neural-networks-from-scratch");
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get("retry-after"));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await refused.json()).error).toMatch(/too fast: at most 5 comments a minute\. Try again in \d+ s/);
    expect(await prisma.lessonComment.count()).toBe(before);
    // Replies count too, and another learner is not affected.
    expect((await post(rater.cookie, { body: "reply", parentId: (await prisma.lessonComment.findFirstOrThrow({ where: { authorId: rater.id } })).id }, "neural-networks-from-scratch")).status).toBe(429);
    await postOk(carol.cookie, { body: "still fine" }, "neural-networks-from-scratch");
  });

  it("holds the limit under concurrent posts", async () => {
    const racer = await sessionCookie("racer");
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => post(racer.cookie, { body: `race ${i}` }, "neural-networks-from-scratch")));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(COMMENT_RATE_LIMIT);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    expect(await prisma.lessonComment.count({ where: { authorId: racer.id } })).toBeLessThanOrEqual(COMMENT_RATE_LIMIT);
  });
});

describe("PATCH and DELETE /api/comments/:id", () => {
  it("lets the author edit their comment; anyone else gets 403, a guest 401", async () => {
    const comment = await postOk(bob.cookie, { body: "tpyo" });
    expect((await edit(alice.cookie, comment.id, { body: "hijacked" })).status).toBe(403);
    expect((await edit(teacher.cookie, comment.id, { body: "instructors moderate, they do not rewrite" })).status).toBe(403);
    expect((await edit(undefined, comment.id, { body: "x" })).status).toBe(401);
    expect((await edit(anonymousCookie, comment.id, { body: "x" })).status).toBe(401);
    expect((await edit(bob.cookie, comment.id, { body: "" })).status).toBe(400);
    expect((await edit(bob.cookie, comment.id, { body: "x", cellId: "nope" })).status).toBe(400);
    expect((await edit(bob.cookie, "cnosuchcomment0000000000", { body: "x" })).status).toBe(404);
    const response = await edit(bob.cookie, comment.id, { body: "typo fixed, quoting `make`", cellId: "make" });
    expect(response.status).toBe(200);
    const edited = (await response.json()).comment;
    expect(edited).toMatchObject({ body: "typo fixed, quoting `make`", cellId: "make" });
    expect(edited.editedAt).not.toBeNull();
    expect(findThread((await list()).json, comment.id)!.html).toContain("<code>make</code>");
  });

  it("lets the author delete: a thread with replies shows 'deleted' without its text, one without disappears", async () => {
    const lonely = await postOk(carol.cookie, { body: "delete me" });
    const root = await postOk(carol.cookie, { body: "secret first comment" });
    const reply = await postOk(bob.cookie, { body: "a reply", parentId: root.id });
    expect((await remove(bob.cookie, root.id)).status).toBe(403);
    expect((await remove(undefined, root.id)).status).toBe(401);
    const countBefore = (await list()).json.count;
    expect((await remove(carol.cookie, lonely.id)).status).toBe(200);
    expect((await remove(carol.cookie, root.id)).status).toBe(200);
    const { json } = await list(bob.cookie);
    expect(json.count).toBe(countBefore - 2);
    expect(findThread(json, lonely.id)).toBeUndefined();
    const thread = findThread(json, root.id)!;
    expect(thread).toMatchObject({ status: "deleted", html: null, author: null, removedByInstructor: false, can: { reply: false, edit: false, delete: false, report: false } });
    expect(thread.replies.map((r) => r.id)).toEqual([reply.id]);
    expect(JSON.stringify(json)).not.toContain("secret first comment");
    const row = await prisma.lessonComment.findUniqueOrThrow({ where: { id: root.id } });
    expect(row.body).toBe("");
    // A deleted comment cannot be edited, deleted again or replied to.
    expect((await edit(carol.cookie, root.id, { body: "back" })).status).toBe(404);
    expect((await remove(carol.cookie, root.id)).status).toBe(404);
    expect((await post(bob.cookie, { body: "late reply", parentId: root.id })).status).toBe(409);
    // When its last reply goes, the deleted thread goes too.
    expect((await remove(bob.cookie, reply.id)).status).toBe(200);
    expect(findThread((await list(bob.cookie)).json, root.id)).toBeUndefined();
  });
});

describe("moderation", () => {
  it("answers 403 to learners and 401 to guests", async () => {
    const comment = await postOk(alice.cookie, { body: "moderate me" });
    for (const action of ["pin", "hide", "remove"]) {
      expect((await moderate(bob.cookie, comment.id, action)).status).toBe(403);
      expect((await moderate(alice.cookie, comment.id, action)).status).toBe(403);
      expect((await moderate(undefined, comment.id, action)).status).toBe(401);
    }
    expect((await moderate(teacher.cookie, comment.id, "ban")).status).toBe(400);
    expect((await moderate(teacher.cookie, "cnosuchcomment0000000000", "hide")).status).toBe(404);
    expect((await course(bob.cookie)).status).toBe(403);
    expect((await course(undefined)).status).toBe(401);
  });

  it("hides a comment from everyone but instructors and its author", async () => {
    const hidden = await postOk(alice.cookie, { body: "alice's hidden remark", cellId: "make" });
    const countFor = async (cookie?: string) => (await list(cookie)).json.count as number;
    const before = { guest: await countFor(), bob: await countFor(bob.cookie), alice: await countFor(alice.cookie), teacher: await countFor(teacher.cookie) };
    const response = await moderate(teacher.cookie, hidden.id, "hide");
    expect(response.status).toBe(200);
    expect((await response.json()).comment.status).toBe("hidden");
    expect(findThread((await list()).json, hidden.id)).toBeUndefined();
    expect(findThread((await list(bob.cookie)).json, hidden.id)).toBeUndefined();
    expect(JSON.stringify((await list(bob.cookie)).json)).not.toContain("alice's hidden remark");
    expect(findThread((await list(alice.cookie)).json, hidden.id)).toMatchObject({ status: "hidden", html: expect.stringContaining("hidden remark") });
    expect(findThread((await list(teacher.cookie)).json, hidden.id)).toMatchObject({ status: "hidden", cellId: "make" });
    expect(await countFor()).toBe(before.guest - 1);
    expect(await countFor(bob.cookie)).toBe(before.bob - 1);
    expect(await countFor(alice.cookie)).toBe(before.alice);
    expect(await countFor(teacher.cookie)).toBe(before.teacher);
    // Another learner can neither reply to, report, edit nor delete it: it does not exist for them.
    expect((await post(bob.cookie, { body: "re", parentId: hidden.id })).status).toBe(404);
    expect((await report(bob.cookie, hidden.id, "spam")).status).toBe(404);
    expect((await edit(bob.cookie, hidden.id, { body: "x" })).status).toBe(404);
    expect((await remove(bob.cookie, hidden.id)).status).toBe(404);
    // Its author may still edit it.
    expect((await edit(alice.cookie, hidden.id, { body: "alice's toned-down remark" })).status).toBe(200);
    // Shown again.
    expect((await moderate(teacher.cookie, hidden.id, "unhide")).status).toBe(200);
    expect(findThread((await list(bob.cookie)).json, hidden.id)).toMatchObject({ status: "published" });
  });

  it("shows a hidden first comment with visible replies as a placeholder without its text or author", async () => {
    const root = await postOk(carol.cookie, { body: "carol's off-topic rant" });
    const reply = await postOk(bob.cookie, { body: "bob's helpful answer", parentId: root.id });
    await moderate(teacher.cookie, root.id, "hide");
    const thread = findThread((await list(bob.cookie)).json, root.id)!;
    expect(thread).toMatchObject({ status: "hidden", html: null, author: null, cellId: null, can: { reply: false } });
    expect(thread.replies.map((r) => r.id)).toEqual([reply.id]);
    expect(JSON.stringify(thread)).not.toContain("rant");
    // A hidden reply cannot be replied to by another learner either (it does not exist for them).
    const open = await postOk(alice.cookie, { body: "an open thread" });
    const hiddenReply = await postOk(carol.cookie, { body: "a reply to hide", parentId: open.id });
    await moderate(teacher.cookie, hiddenReply.id, "hide");
    expect((await post(bob.cookie, { body: "re", parentId: hiddenReply.id })).status).toBe(404);
    // Its author can still answer under it (the answer joins the thread, published).
    const answer = (await (await post(carol.cookie, { body: "replying under my hidden reply", parentId: hiddenReply.id })).json()).comment;
    expect(answer.parentId).toBe(open.id);
    expect(findThread((await list(bob.cookie)).json, open.id)!.replies.map((r) => r.id)).toEqual([answer.id]);
    expect(findThread((await list(carol.cookie)).json, open.id)!.replies.map((r) => r.id)).toEqual([hiddenReply.id, answer.id]);
  });

  it("pins threads (first in either order), not replies, and removes comments", async () => {
    const pinned = await postOk(alice.cookie, { body: "Read this first" });
    const reply = await postOk(bob.cookie, { body: "ok", parentId: pinned.id });
    await postOk(bob.cookie, { body: "a newer comment" });
    expect((await moderate(teacher.cookie, reply.id, "pin")).status).toBe(400);
    expect((await moderate(teacher.cookie, pinned.id, "pin")).status).toBe(200);
    for (const order of ["newest", "oldest"]) {
      const first = (await list(undefined, `?order=${order}`)).json.threads[0];
      expect(first).toMatchObject({ id: pinned.id, pinned: true });
    }
    const removed = await postOk(bob.cookie, { body: "something rude" });
    const response = await remove(teacher.cookie, removed.id);
    expect(response.status).toBe(200);
    expect((await response.json()).removedByInstructor).toBe(true);
    expect(findThread((await list(bob.cookie)).json, removed.id)).toBeUndefined();
    expect((await moderate(teacher.cookie, removed.id, "hide")).status).toBe(409);
    const viaModeration = await postOk(bob.cookie, { body: "also rude" });
    const replyToIt = await postOk(alice.cookie, { body: "please don't", parentId: viaModeration.id });
    expect((await moderate(teacher.cookie, viaModeration.id, "remove")).status).toBe(200);
    const thread = findThread((await list(alice.cookie)).json, viaModeration.id)!;
    expect(thread).toMatchObject({ status: "deleted", removedByInstructor: true, html: null });
    expect(thread.replies[0].id).toBe(replyToIt.id);
  });
});

describe("reports", () => {
  it("lets a signed-in learner report someone else's comment once; instructors see open reports", async () => {
    const comment = await postOk(carol.cookie, { body: "buy cheap GPUs at ..." });
    expect((await report(undefined, comment.id, "spam")).status).toBe(401);
    expect((await report(anonymousCookie, comment.id, "spam")).status).toBe(401);
    expect((await report(carol.cookie, comment.id, "spam")).status).toBe(400);
    expect((await report(bob.cookie, comment.id, "")).status).toBe(400);
    expect((await report(bob.cookie, comment.id, "x".repeat(501))).status).toBe(400);
    expect((await report(bob.cookie, comment.id, "spam")).status).toBe(201);
    expect((await report(bob.cookie, comment.id, "spam, really")).status).toBe(200);
    expect((await report(alice.cookie, comment.id, "advertising")).status).toBe(201);
    expect(await prisma.commentReport.count({ where: { commentId: comment.id } })).toBe(2);

    const bobView = findThread((await list(bob.cookie)).json, comment.id)!;
    expect(bobView).toMatchObject({ reportedByMe: true, can: { report: false } });
    expect(bobView.reports).toBeUndefined();
    expect(findThread((await list(carol.cookie)).json, comment.id)!.reports).toBeUndefined();

    const reported = await (await course(teacher.cookie, "?filter=reported")).json();
    const entry = reported.comments.find((c: { id: string }) => c.id === comment.id);
    expect(entry).toMatchObject({ lessonSlug: LESSON, lessonTitle: expect.any(String), reportCount: 2 });
    expect(entry.reports.map((r: { reporter: string; reason: string }) => [r.reporter, r.reason])).toEqual([
      ["bob", "spam, really"],
      ["alice", "advertising"],
    ]);
    // Hiding resolves the reports.
    await moderate(teacher.cookie, comment.id, "hide");
    const after = await (await course(teacher.cookie, "?filter=reported")).json();
    expect(after.comments.map((c: { id: string }) => c.id)).not.toContain(comment.id);
    const hidden = await (await course(teacher.cookie, "?filter=hidden")).json();
    expect(hidden.comments.map((c: { id: string }) => c.id)).toContain(comment.id);
  });
});

describe("pagination", () => {
  const SLUG = "initialization-and-normalization";
  const ids: string[] = [];

  beforeAll(async () => {
    // Seeded directly: twelve comments a second apart (the rate limit is tested above).
    const base = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 12; i++) {
      const row = await prisma.lessonComment.create({ data: { lessonSlug: SLUG, authorId: alice.id, body: `seed ${i}`, html: `<p>seed ${i}</p>`, createdAt: new Date(base + i * 1000) } });
      ids.push(row.id);
    }
    // Two at the same instant: the id breaks the tie.
    for (const body of ["tie a", "tie b"]) ids.push((await prisma.lessonComment.create({ data: { lessonSlug: SLUG, authorId: bob.id, body, html: `<p>${body}</p>`, createdAt: new Date(base + 20_000) } })).id);
    await prisma.lessonComment.update({ where: { id: ids[3] }, data: { pinned: true } });
  });

  async function walk(order: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const query: string = `?order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const { status, json } = await list(undefined, query, SLUG);
      expect(status).toBe(200);
      expect(json.threads.length).toBeLessThanOrEqual(limit);
      seen.push(...json.threads.map((t: Thread) => t.id));
      cursor = json.nextCursor;
      if (!cursor) break;
    }
    return seen;
  }

  it.each([
    ["newest", 5],
    ["oldest", 4],
    ["newest", 1],
  ])("walks every thread once, pinned first, %s first, %i a page", async (order, limit) => {
    const seen = await walk(order, limit);
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen).size).toBe(ids.length);
    expect(seen[0]).toBe(ids[3]);
    const rest = seen.slice(1);
    const chronological = ids.filter((id) => id !== ids[3]);
    const ties = chronological.slice(-2).sort();
    const expected = [...chronological.slice(0, -2), ...ties];
    expect(rest).toEqual(order === "newest" ? expected.reverse() : expected);
  });

  it("keeps a page stable when new comments arrive between pages", async () => {
    const first = (await list(undefined, "?order=newest&limit=3", SLUG)).json;
    await postOk(dave.cookie, { body: "arrived meanwhile" }, SLUG);
    const second = (await list(undefined, `?order=newest&limit=3&cursor=${first.nextCursor}`, SLUG)).json;
    const overlap = second.threads.filter((t: Thread) => first.threads.some((f: Thread) => f.id === t.id));
    expect(overlap).toEqual([]);
    expect(second.count).toBe(first.count + 1);
  });
});
