import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonRequest, createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();

const putCell = (await import("@/app/api/lessons/[slug]/cells/[cellId]/route")).PUT;
const { readJsonBody, MAX_BODY_BYTES } = await import("@/lib/api/responses");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const learner = "abcdef01-2345-4678-89ab-cdef01234567";
const params = { params: Promise.resolve({ slug: LESSON, cellId: "make" }) };
const anything = z.unknown();

function save(headers: Record<string, string>, body: BodyInit = JSON.stringify({ code: "const x = 1", version: Date.now() })) {
  return putCell(new Request(`http://localhost/api/lessons/${LESSON}/cells/make`, { method: "PUT", headers: { cookie: learnerCookie(learner), ...headers }, body }), params);
}

const rows = () => prisma.cellState.count();

afterEach(() => {
  delete process.env.TRUSTED_PROXY;
});

describe("cross-site requests", () => {
  it("refuses Sec-Fetch-Site cross-site (and same-site) with 403 even without Origin, writing nothing", async () => {
    const before = await rows();
    for (const site of ["cross-site", "same-site"]) {
      const response = await save({ "content-type": "application/json", "sec-fetch-site": site });
      expect(response.status).toBe(403);
    }
    expect(await rows()).toBe(before);
    expect((await save({ "content-type": "application/json", "sec-fetch-site": "same-origin", origin: "http://localhost" })).status).toBe(200);
  });

  it("compares Origin with Host, not with a client-sent X-Forwarded-Host", async () => {
    const before = await rows();
    const spoofed = await save({ "content-type": "application/json", host: "gradbook.example", origin: "https://evil.example", "x-forwarded-host": "evil.example" });
    expect(spoofed.status).toBe(403);
    expect(await rows()).toBe(before);
    expect((await save({ "content-type": "application/json", host: "gradbook.example", origin: "https://gradbook.example" })).status).toBe(200);
    expect((await save({ "content-type": "application/json", host: "gradbook.example", origin: "null" })).status).toBe(403);
  });

  it("trusts X-Forwarded-Host when TRUSTED_PROXY says a proxy writes it", async () => {
    process.env.TRUSTED_PROXY = "1";
    // The proxy reached Next as localhost:3000 and says the browser asked for gradbook.example.
    const proxied = { "content-type": "application/json", host: "localhost:3000", "x-forwarded-host": "gradbook.example" };
    expect((await save({ ...proxied, origin: "https://gradbook.example" })).status).toBe(200);
    expect((await save({ ...proxied, origin: "http://localhost:3000" })).status).toBe(403);
  });
});

describe("JSON bodies", () => {
  it("need Content-Type application/json (charset parameter allowed): 415 otherwise, writing nothing", async () => {
    const before = await rows();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/jsonx"]) {
      const response = await save({ "content-type": type });
      expect(response.status, type).toBe(415);
      expect((await response.json()).error).toMatch(/Content-Type must be application\/json/);
    }
    const none = await save({}, new Blob([JSON.stringify({ code: "1", version: 1 })]));
    expect(none.status).toBe(415);
    expect((await none.json()).error).toMatch(/none was given/);
    expect(await rows()).toBe(before);
    expect((await save({ "content-type": "Application/JSON; charset=UTF-8" })).status).toBe(200);
  });

  it("are limited in bytes, not UTF-16 code units", async () => {
    // 100,000 "é" are 100,000 code units but 200,000 bytes; 140,000 are 280,000 bytes.
    const fits = JSON.stringify({ code: "é".repeat(90_000) });
    expect(fits.length).toBeLessThan(MAX_BODY_BYTES);
    expect((await readJsonBody(jsonRequest("/x", "PUT", fits), anything)).ok).toBe(true);
    const over = JSON.stringify({ code: "é".repeat(140_000) });
    expect(over.length).toBeLessThan(MAX_BODY_BYTES);
    expect(Buffer.byteLength(over)).toBeGreaterThan(MAX_BODY_BYTES);
    // No Content-Length: the bytes read decide.
    const request = new Request("http://localhost/x", { method: "PUT", headers: { "content-type": "application/json" }, body: new Blob([over]).stream(), duplex: "half" } as RequestInit);
    const result = await readJsonBody(request, anything);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
  });

  it("stop reading an endless body just past the limit", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://localhost/x", { method: "PUT", headers: { "content-type": "application/json" }, body: endless, duplex: "half" } as RequestInit);
    const result = await readJsonBody(request, anything);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
    expect(cancelled).toBe(true);
    // The stream may be pulled a chunk or two ahead of the reader, never more.
    expect(pulled * chunk.byteLength).toBeLessThanOrEqual(MAX_BODY_BYTES + 3 * chunk.byteLength);
  });

  it("must be UTF-8 JSON: 400 for invalid bytes", async () => {
    const request = new Request("http://localhost/x", { method: "PUT", headers: { "content-type": "application/json" }, body: new Uint8Array([0x22, 0xff, 0x22]) });
    const result = await readJsonBody(request, anything);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.response.status).toBe(400);
      expect((await result.response.json()).error).toMatch(/valid JSON/);
    }
  });
});
