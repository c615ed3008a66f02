import type { ApiRequest } from "@/lib/api/api-request";
import { route } from "@/lib/api/route";
import { HttpError } from "@/lib/api/http-error";
import { validated } from "@/lib/api/responses";
import { listPublishedModels, MAX_PUBLISHED_MODELS, publishModel, PUBLISH_RATE_LIMIT } from "@/lib/db/published-models";
import { checkModel } from "@/lib/kernel/models/spec";
import { requireSignedIn } from "./require-signed-in";
import { MAX_PUBLISH_BODY_BYTES, MAX_WEIGHT_BYTES, publishModelBodySchema } from "./schema";

const NO_STORE = { "cache-control": "private, no-store" };
const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

const tooLarge = () =>
  new HttpError(413, `The model is too large to publish: at most ${megabytes(MAX_WEIGHT_BYTES)} of float32 weights (about ${Math.floor(MAX_WEIGHT_BYTES / 4 / 1e5) / 10} million parameters). Publish a smaller model.`);

/**
 * The body, read up to MAX_PUBLISH_BODY_BYTES: larger than the API's usual JSON limit because it
 * carries the weights, and read here (not by route()'s `body`) so that guests are refused before
 * megabytes are read. Reading stops at the limit whatever Content-Length claims.
 */
async function readPublishBody(request: ApiRequest): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, `Content-Type must be application/json; got ${type ? `"${type}"` : "none"}`);
  if (Number(request.headers.get("content-length") ?? "0") > MAX_PUBLISH_BODY_BYTES) throw tooLarge();
  const bytes = await request.bodyBytes(MAX_PUBLISH_BODY_BYTES);
  if (!bytes) throw tooLarge();
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch {
    throw new HttpError(400, "Request body must be valid JSON (UTF-8)");
  }
}

/**
 * Publishes a model: signed-in accounts only (401), weights at most MAX_WEIGHT_BYTES (413), a spec
 * of known layers that fit together and the weights they need (400 naming the problem), at most
 * PUBLISH_RATE_LIMIT publishes an hour and MAX_PUBLISHED_MODELS models at once (429).
 */
export const POST = route({ sameOrigin: true, auth: "optional" }, async ({ request, user }) => {
  const owner = requireSignedIn(user, "publish a model");
  const body = validated(await readPublishBody(request), publishModelBodySchema, "request body", "body");
  const weights = Buffer.from(body.weights, "base64");
  if (weights.byteLength > MAX_WEIGHT_BYTES) throw tooLarge();
  const checked = checkModel(body.spec, weights.byteLength);
  if (!checked.ok) throw new HttpError(400, `Invalid model: ${checked.problem}`);
  const outcome = await publishModel(owner.id, { name: body.name, spec: JSON.stringify(body.spec), weights });
  if (!outcome.ok) {
    if (outcome.reason === "cap") {
      throw new HttpError(429, `You already have ${MAX_PUBLISHED_MODELS} published models, the most one learner can have. Unpublish one on /models first.`);
    }
    const seconds = outcome.retryAfterSeconds;
    throw new HttpError(429, `You are publishing too often: at most ${PUBLISH_RATE_LIMIT} models an hour. Try again in ${Math.ceil(seconds / 60)} min.`, { headers: { "retry-after": String(seconds) } });
  }
  const { model } = outcome;
  return Response.json({ model: { id: model.id, name: model.name, createdAt: model.createdAt.toISOString(), url: `/models/${model.id}` } }, { status: 201, headers: NO_STORE });
});

/** The signed-in learner's published models, newest first (401 for guests). */
export const GET = route({ auth: "optional" }, async ({ user }) => {
  const owner = requireSignedIn(user, "see your published models");
  const models = await listPublishedModels(owner.id);
  return Response.json({ models: models.map((m) => ({ id: m.id, name: m.name, createdAt: m.createdAt.toISOString(), url: `/models/${m.id}` })) }, { headers: NO_STORE });
});
