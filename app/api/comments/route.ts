import { route } from "@/lib/api/route";
import { discussionViewer, listCourseComments } from "@/lib/discussion/comments";
import { courseCommentsQuerySchema } from "./schema";

/** The newest comments across the course (all, reported, or hidden), newest first. Instructors only. */
export const GET = route({ query: courseCommentsQuerySchema, auth: "instructor" }, async ({ query, user }) => {
  const page = await listCourseComments(discussionViewer(user), query);
  return Response.json(page, { headers: { "cache-control": "private, no-store" } });
});
