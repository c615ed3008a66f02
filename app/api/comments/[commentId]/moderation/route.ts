import { route } from "@/lib/api/route";
import { discussionViewer, moderateComment } from "@/lib/discussion/comments";
import { commentParamsSchema, moderationBodySchema } from "./schema";

/** An instructor pins, hides, shows again or removes a comment, or dismisses its reports (403 for learners). */
export const POST = route({ sameOrigin: true, params: commentParamsSchema, body: moderationBodySchema, auth: "optional" }, async ({ params, body, user }) => {
  const comment = await moderateComment(params.commentId, discussionViewer(user), body.action);
  return Response.json({ comment }, { headers: { "cache-control": "private, no-store" } });
});
