import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { createComment, discussionViewer, listLessonComments } from "@/lib/discussion/comments";
import { lessonParts } from "@/lib/lessons/lesson-parts";
import { commentsQuerySchema, newCommentBodySchema } from "./schema";

const NO_STORE = { "cache-control": "private, no-store" };

/**
 * A lesson's discussion as the caller sees it: one page of threads (pinned first, then newest or
 * oldest first), the number of comments they can read, the cursor of the next page, who they
 * are to the discussion, and the lesson's cell ids (what a comment may quote). Guests read too.
 */
export const GET = route(
  { params: lessonParamsSchema, query: commentsQuerySchema, lookup: ({ params }) => knownLesson(params.slug), auth: "optional" },
  async ({ query, user, found: slug }) => {
    const viewer = discussionViewer(user);
    const page = await listLessonComments(slug, viewer, query);
    return Response.json(
      { viewer: { signedIn: viewer.id !== null, username: viewer.username, instructor: viewer.instructor }, order: query.order, cells: lessonParts(slug).cellIds, ...page },
      { headers: NO_STORE },
    );
  },
);

/** Posts a comment or a reply: signed-in accounts only (401 for guests), at most 5 a minute (429). */
export const POST = route(
  { sameOrigin: true, params: lessonParamsSchema, body: newCommentBodySchema, lookup: ({ params }) => knownLesson(params.slug), auth: "optional" },
  async ({ body, user, found: slug }) => {
    const comment = await createComment(slug, discussionViewer(user), body);
    return Response.json({ comment }, { status: 201, headers: NO_STORE });
  },
);
