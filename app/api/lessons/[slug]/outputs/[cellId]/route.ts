import { deleteCellOutputs, hasLearnerCell, saveCellOutputs } from "@/lib/db/cell-outputs";
import { HttpError } from "@/lib/api/http-error";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import type { RequestUser } from "@/lib/auth/request-user";
import { lessonParts } from "@/lib/lessons/lesson-parts";
import { requireAccount } from "../require-account";
import { outputParamsSchema, saveCellOutputsBodySchema } from "./schema";

/** The lesson's code cells, or a live cell of the caller's own ("own-..."), else 400 / 404. */
async function requireCell(user: RequestUser, slug: string, cellId: string): Promise<void> {
  if (lessonParts(slug).cellIds.includes(cellId)) return;
  if (!cellId.startsWith("own-")) throw new HttpError(400, `Invalid URL parameter: cellId: lesson "${slug}" has no cell "${cellId}"`);
  if (!(await hasLearnerCell(user.id, slug, cellId))) throw new HttpError(404, `You have no cell "${cellId}" in lesson "${slug}"`);
}

/**
 * Stores the caller's last outputs of one cell (200 { stored: true }), unless a later run's are
 * stored already (200 { stored: false }: the other device's newer run stays).
 */
export const PUT = route(
  { params: outputParamsSchema, body: saveCellOutputsBodySchema, lookup: ({ params }) => knownLesson(params.slug), auth: "writer" },
  async ({ params: { slug, cellId }, body, user }) => {
    requireAccount(user);
    await requireCell(user, slug, cellId);
    const stored = await saveCellOutputs(user.id, slug, { cellId, ...body });
    return Response.json({ stored });
  },
);

/** "Clear outputs": forgets the caller's stored outputs of the cell. */
export const DELETE = route({ params: outputParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "writer" }, async ({ params: { slug, cellId }, user }) => {
  requireAccount(user);
  await requireCell(user, slug, cellId);
  await deleteCellOutputs(user.id, slug, cellId);
  return new Response(null, { status: 204 });
});
