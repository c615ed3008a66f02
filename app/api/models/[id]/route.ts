import { route } from "@/lib/api/route";
import { HttpError } from "@/lib/api/http-error";
import { deletePublishedModel, findPublishedModel, publishedModelOwner } from "@/lib/db/published-models";
import { requireSignedIn } from "../require-signed-in";
import { modelParamsSchema } from "./schema";

const NOT_FOUND = "No such model: it may have been unpublished";

/** A published model for its page: the spec and the weights (base64 float32). Public, like the page. */
export const GET = route({ params: modelParamsSchema, auth: "none" }, async ({ params }) => {
  const model = await findPublishedModel(params.id);
  if (!model) throw new HttpError(404, NOT_FOUND);
  return Response.json(
    { model: { id: model.id, name: model.name, owner: model.ownerName, createdAt: model.createdAt.toISOString(), spec: JSON.parse(model.spec), weights: Buffer.from(model.weights).toString("base64") } },
    { headers: { "cache-control": "no-store" } },
  );
});

/** Unpublishes: the owner only (401 guests, 403 others, 404 when it does not exist). */
export const DELETE = route({ sameOrigin: true, params: modelParamsSchema, auth: "optional" }, async ({ params, user }) => {
  const caller = requireSignedIn(user, "unpublish a model");
  const owner = await publishedModelOwner(params.id);
  if (owner === null) throw new HttpError(404, NOT_FOUND);
  if (owner !== caller.id) throw new HttpError(403, "Only the learner who published this model can unpublish it");
  await deletePublishedModel(params.id);
  return Response.json({ deleted: true }, { headers: { "cache-control": "private, no-store" } });
});
