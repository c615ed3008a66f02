import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFreshDatabase, jsonRequest, learnerCookie } from "./test-database";

createFreshDatabase();

const modelsRoute = await import("@/app/api/models/route");
const modelRoute = await import("@/app/api/models/[id]/route");
const { MAX_WEIGHT_BYTES } = await import("@/app/api/models/schema");
const { prisma } = await import("@/lib/db/client");
const { createAccount } = await import("@/lib/auth/accounts");
const { MAX_PUBLISHED_MODELS, PUBLISH_RATE_LIMIT } = await import("@/lib/db/published-models");
const { nn, torch } = await import("@/lib/tensor");
const { modelToSpec, weightsToBase64 } = await import("@/lib/kernel/models/spec");

async function sessionCookie(username: string): Promise<{ cookie: string; id: string }> {
  const created = await createAccount(username, "correct horse battery", new Headers());
  if (!created.ok) throw new Error(created.message);
  return { id: created.userId, cookie: created.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ") };
}

torch.manual_seed(0);
const { spec, weights } = modelToSpec(new nn.Sequential(new nn.Linear(784, 16), new nn.ReLU(), new nn.Linear(16, 10)));
const validBody = (name = "my digits") => ({ name, spec, weights: weightsToBase64(weights) });

const publish = (cookie: string | undefined, body: unknown) => modelsRoute.POST(jsonRequest("/api/models", "POST", body, cookie));
const list = (cookie?: string) => modelsRoute.GET(new Request("http://localhost/api/models", { headers: cookie ? { cookie } : {} }));
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const getModel = (id: string) => modelRoute.GET(new Request(`http://localhost/api/models/${id}`), params(id));
const unpublish = (cookie: string | undefined, id: string) => modelRoute.DELETE(new Request(`http://localhost/api/models/${id}`, { method: "DELETE", headers: cookie ? { cookie } : {} }), params(id));

async function publishOk(cookie: string, name?: string): Promise<string> {
  const response = await publish(cookie, validBody(name));
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return ((await response.json()) as { model: { id: string } }).model.id;
}
const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

let ada: { cookie: string; id: string };
let bob: { cookie: string; id: string };

beforeAll(async () => {
  ada = await sessionCookie("ada");
  bob = await sessionCookie("bob");
});

// Each test starts with no models and no publishes counted.
beforeEach(async () => {
  await prisma.publishedModel.deleteMany();
  await prisma.throttleHit.deleteMany({ where: { scope: "publish-model" } });
});

describe("/api/models", () => {
  it("publishes, serves the same spec and weights, lists it for its owner only", async () => {
    const id = await publishOk(ada.cookie, "  ada's MLP ");
    const served = (await (await getModel(id)).json()) as { model: { name: string; owner: string; spec: unknown; weights: string } };
    expect(served.model).toMatchObject({ name: "ada's MLP", owner: "ada", spec, weights: weightsToBase64(weights) });
    expect((await (await list(ada.cookie)).json()).models.map((m: { id: string }) => m.id)).toEqual([id]);
    expect((await (await list(bob.cookie)).json()).models).toEqual([]);
  });

  it("401 for guests: no cookie or an anonymous learner's, on publish, list and unpublish; nothing stored", async () => {
    const anonymous = learnerCookie("55555555-5555-4555-8555-555555555555");
    for (const cookie of [undefined, anonymous]) {
      const response = await publish(cookie, validBody());
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatch(/^Sign in to publish a model/);
      expect((await list(cookie)).status).toBe(401);
    }
    const id = await publishOk(ada.cookie);
    expect((await unpublish(anonymous, id)).status).toBe(401);
    expect(await prisma.publishedModel.count()).toBe(1);
  });

  it("400 names the problem: unknown layer, layers that do not fit, wrong weight count, bad base64", async () => {
    const unknown = await publish(ada.cookie, { ...validBody(), spec: { ...spec, layers: [...spec.layers, { type: "Eval", code: "fetch('/')" }] } });
    expect(unknown.status).toBe(400);
    expect(await errorOf(unknown)).toMatch(/^Invalid request body: spec\.layers\.3/);

    const misfit = await publish(ada.cookie, { ...validBody(), spec: { ...spec, layers: [spec.layers[0], { type: "Linear", in_features: 32, out_features: 10, bias: true }] } });
    expect(misfit.status).toBe(400);
    expect(await errorOf(misfit)).toBe("Invalid model: layer 1 (Linear) expects 32 features in its last dimension, gets an input of shape [16]");

    const short = await publish(ada.cookie, { ...validBody(), weights: weightsToBase64(weights.subarray(1)) });
    expect(short.status).toBe(400);
    expect(await errorOf(short)).toBe(`Invalid model: the layers need ${weights.byteLength} bytes of float32 weights, got ${weights.byteLength - 4}`);

    const notBase64 = await publish(ada.cookie, { ...validBody(), weights: "not base64!" });
    expect(notBase64.status).toBe(400);
    expect(await errorOf(notBase64)).toMatch(/weights: must be base64/);
    expect(await prisma.publishedModel.count()).toBe(0);
  });

  it("413 past 4 MB of weights, with a clear message; nothing stored", async () => {
    const inFeatures = 784;
    const out = Math.ceil(MAX_WEIGHT_BYTES / 4 / inFeatures) + 1;
    const bigSpec = { ...spec, layers: [{ type: "Linear", in_features: inFeatures, out_features: out, bias: false }, { type: "Linear", in_features: out, out_features: 10, bias: false }] };
    const big = new Float32Array(inFeatures * out + out * 10);
    const response = await publish(ada.cookie, { name: "too big", spec: bigSpec, weights: weightsToBase64(big) });
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatch(/^The model is too large to publish: at most 4\.0 MB of float32 weights/);
    expect(await prisma.publishedModel.count()).toBe(0);
  });

  it(`429 after ${PUBLISH_RATE_LIMIT} publishes an hour, even when unpublished in between; other learners unaffected`, async () => {
    for (let i = 0; i < PUBLISH_RATE_LIMIT; i++) {
      const id = await publishOk(ada.cookie, `model ${i}`);
      expect((await unpublish(ada.cookie, id)).status).toBe(200);
    }
    const refused = await publish(ada.cookie, validBody());
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatch(/^You are publishing too often: at most 10 models an hour\. Try again in \d+ min\.$/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(await prisma.publishedModel.count()).toBe(0);
    await publishOk(bob.cookie);
  });

  it(`429 at the cap of ${MAX_PUBLISHED_MODELS} published models`, async () => {
    await prisma.publishedModel.createMany({
      data: Array.from({ length: MAX_PUBLISHED_MODELS }, (_, i) => ({ userId: ada.id, name: `m${i}`, spec: JSON.stringify(spec), weights: new Uint8Array(weights.slice().buffer) })),
    });
    const refused = await publish(ada.cookie, validBody());
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatch(/already have 20 published models/);
    expect(await prisma.publishedModel.count({ where: { userId: ada.id } })).toBe(MAX_PUBLISHED_MODELS);
  });

  it("only the owner unpublishes (403 for another learner), then the model is 404 everywhere", async () => {
    const id = await publishOk(ada.cookie);
    const stranger = await unpublish(bob.cookie, id);
    expect(stranger.status).toBe(403);
    expect(await errorOf(stranger)).toBe("Only the learner who published this model can unpublish it");
    expect((await getModel(id)).status).toBe(200);

    expect((await unpublish(ada.cookie, id)).status).toBe(200);
    expect((await getModel(id)).status).toBe(404);
    expect((await unpublish(ada.cookie, id)).status).toBe(404);
    expect((await list(ada.cookie)).status).toBe(200);
    expect((await (await list(ada.cookie)).json()).models).toEqual([]);
  });

  it("404 for a model that never existed; 400 for an id that cannot be one", async () => {
    expect((await getModel("cknotamodel000000000000000")).status).toBe(404);
    expect((await getModel("../etc")).status).toBe(400);
  });
});
