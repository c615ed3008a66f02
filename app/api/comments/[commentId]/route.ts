import { route } from "@/lib/api/route";
import { deleteComment, discussionViewer, editComment } from "@/lib/discussion/comments";
import { commentParamsSchema, editCommentBodySchema } from "./schema";

const NO_STORE = { "cache-control": "private, no-store" };

/** The author edits their comment (403 for anyone else's, 404 for one they cannot see). */
export const PATCH = route({ sameOrigin: true, params: commentParamsSchema, body: editCommentBodySchema, auth: "optional" }, async ({ params, body, user }) => {
  const comment = await editComment(params.commentId, discussionViewer(user), body);
  return Response.json({ comment }, { headers: NO_STORE });
});

/** The author deletes their comment; an instructor removes anyone's. Its text is erased. */
export const DELETE = route({ sameOrigin: true, params: commentParamsSchema, auth: "optional" }, async ({ params, user }) => {
  const result = await deleteComment(params.commentId, discussionViewer(user));
  return Response.json({ deleted: true, ...result }, { headers: NO_STORE });
});
