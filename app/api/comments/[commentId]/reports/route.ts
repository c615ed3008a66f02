import { route } from "@/lib/api/route";
import { discussionViewer, reportComment } from "@/lib/discussion/comments";
import { commentParamsSchema, reportBodySchema } from "./schema";

/** A signed-in learner reports someone else's comment to the instructors: 201, or 200 when they had reported it already. */
export const POST = route({ sameOrigin: true, params: commentParamsSchema, body: reportBodySchema, auth: "optional" }, async ({ params, body, user }) => {
  const { created } = await reportComment(params.commentId, discussionViewer(user), body.reason);
  return Response.json({ reported: true }, { status: created ? 201 : 200, headers: { "cache-control": "private, no-store" } });
});
