import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { authSecret } from "./secret";

/**
 * The anonymous learner's id as the `gb_learner` cookie carries it: `<uuid>.<signature>`, the
 * signature being the base64url HMAC-SHA256 of the uuid under the app secret. Only the server
 * can mint one, so a client cannot make up an id (or take another learner's) by editing the
 * cookie. Ids must be lower-case v4-shaped UUIDs: better-auth signs its own cookie values with the
 * same secret, and none of those is a UUID, so neither kind can stand in for the other.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIGNATURE_BYTES = 32;

export function newLearnerId(): string {
  return randomUUID();
}

function signature(id: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(id).digest();
}

/** The cookie value for a learner id. */
export function signLearnerId(id: string, secret: string = authSecret()): string {
  if (!UUID.test(id)) throw new Error(`Not a learner id: "${id}"`);
  return `${id}.${signature(id, secret).toString("base64url")}`;
}

/**
 * Cookie values whose signature verified, per secret: every autosave and metric batch of an
 * anonymous learner carries the same value, and its HMAC was a tenth of such a request's CPU.
 * Only verified values are kept (a forged one is checked every time), at most VERIFIED_KEPT.
 */
const verified = new Map<string, Map<string, string>>();
const VERIFIED_KEPT = 50_000;

/** The learner id of a cookie value whose signature verifies, else null (no identity). */
export function verifyLearnerCookie(value: string | null | undefined, secret: string = authSecret()): string | null {
  if (typeof value !== "string") return null;
  let known = verified.get(secret);
  if (!known) verified.set(secret, (known = new Map()));
  const seen = known.get(value);
  if (seen !== undefined) return seen;
  const id = verifySignature(value, secret);
  if (id !== null) {
    if (known.size >= VERIFIED_KEPT) known.delete(known.keys().next().value!);
    known.set(value, id);
  }
  return id;
}

function verifySignature(value: string, secret: string): string | null {
  const dot = value.indexOf(".");
  if (dot === -1) return null;
  const id = value.slice(0, dot);
  const given = value.slice(dot + 1);
  if (!UUID.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return null;
  const givenBytes = Buffer.from(given, "base64url");
  // A 43-character base64url string can still decode to 32 bytes with stray low bits; compare
  // the canonical re-encoding too so each id has exactly one valid cookie value.
  if (givenBytes.length !== SIGNATURE_BYTES || givenBytes.toString("base64url") !== given) return null;
  return timingSafeEqual(givenBytes, signature(id, secret)) ? id : null;
}
