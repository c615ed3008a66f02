/**
 * Published models (app/api/models): a learner's trained model as a spec (JSON text, validated
 * by the route before it gets here) and float32 weights. Two limits, both counted in the
 * database so every app instance shares them:
 * - a rate: at most PUBLISH_RATE_LIMIT publishes per learner per PUBLISH_RATE_WINDOW_MS, counted
 *   as ThrottleHit rows (scope "publish-model"), so unpublishing does not give publishes back;
 * - a cap: at most MAX_PUBLISHED_MODELS models published at once per learner.
 */
import { prisma } from "./client";

export const PUBLISH_RATE_LIMIT = 10;
export const PUBLISH_RATE_WINDOW_MS = 60 * 60_000;
export const MAX_PUBLISHED_MODELS = 20;
const THROTTLE_SCOPE = "publish-model";

export interface PublishedModelSummary {
  id: string;
  name: string;
  createdAt: Date;
}

export interface PublishedModelRecord extends PublishedModelSummary {
  userId: string;
  ownerName: string;
  /** JSON text of the spec */
  spec: string;
  weights: Uint8Array;
}

export type PublishOutcome =
  | { ok: true; model: PublishedModelSummary }
  | { ok: false; reason: "rate"; retryAfterSeconds: number }
  | { ok: false; reason: "cap" };

/**
 * Stores a model, unless the learner has published PUBLISH_RATE_LIMIT times within the window or
 * already has MAX_PUBLISHED_MODELS models. The publish is counted and the model written first,
 * then judged against the rows before it in the same transaction (touching the user's row makes
 * concurrent publishes take turns on PostgreSQL; SQLite serialises writers), so parallel
 * requests cannot all slip under a limit. A refused publish leaves nothing behind.
 */
export async function publishModel(userId: string, input: { name: string; spec: string; weights: Uint8Array }, now = new Date()): Promise<PublishOutcome> {
  class Refused extends Error {
    constructor(readonly outcome: PublishOutcome) {
      super("refused");
    }
  }
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { updatedAt: now }, select: { id: true } });
      const hit = await tx.throttleHit.create({ data: { scope: THROTTLE_SCOPE, key: userId, at: now }, select: { id: true } });
      const recent = await tx.throttleHit.findMany({
        where: { scope: THROTTLE_SCOPE, key: userId, at: { gt: new Date(now.getTime() - PUBLISH_RATE_WINDOW_MS) }, id: { lt: hit.id } },
        orderBy: { id: "desc" },
        take: PUBLISH_RATE_LIMIT,
        select: { at: true },
      });
      if (recent.length >= PUBLISH_RATE_LIMIT) {
        const freesAt = recent[PUBLISH_RATE_LIMIT - 1].at.getTime() + PUBLISH_RATE_WINDOW_MS;
        throw new Refused({ ok: false, reason: "rate", retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) });
      }
      if ((await tx.publishedModel.count({ where: { userId } })) >= MAX_PUBLISHED_MODELS) throw new Refused({ ok: false, reason: "cap" });
      const model = await tx.publishedModel.create({
        data: { userId, name: input.name, spec: input.spec, weights: new Uint8Array(input.weights), createdAt: now },
        select: { id: true, name: true, createdAt: true },
      });
      return { ok: true as const, model };
    });
  } catch (error) {
    // Throwing rolled the transaction back: the refused publish is neither counted nor stored.
    if (error instanceof Refused) return error.outcome;
    throw error;
  }
}

/** A learner's published models, newest first. */
export function listPublishedModels(userId: string): Promise<PublishedModelSummary[]> {
  return prisma.publishedModel.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, createdAt: true } });
}

/** One published model with its owner's display name, or null when it does not exist (or was unpublished). */
export async function findPublishedModel(id: string): Promise<PublishedModelRecord | null> {
  const row = await prisma.publishedModel.findUnique({
    where: { id },
    include: { user: { select: { displayUsername: true, username: true, name: true } } },
  });
  if (!row) return null;
  const ownerName = row.user.displayUsername || row.user.username || row.user.name || "a learner";
  return { id: row.id, name: row.name, createdAt: row.createdAt, userId: row.userId, ownerName, spec: row.spec, weights: new Uint8Array(row.weights) };
}

/** Who owns a model (for the owner-only unpublish), or null when it does not exist. */
export async function publishedModelOwner(id: string): Promise<string | null> {
  const row = await prisma.publishedModel.findUnique({ where: { id }, select: { userId: true } });
  return row?.userId ?? null;
}

/** Unpublishes: deletes the row. False when it was already gone. */
export async function deletePublishedModel(id: string): Promise<boolean> {
  const { count } = await prisma.publishedModel.deleteMany({ where: { id } });
  return count > 0;
}
