import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();

const { GET } = await import("@/app/api/media/[file]/route");
const { createAccount } = await import("@/lib/auth/accounts");

const VIDEO = "activation-functions.webm";
const videoBytes = readFileSync(`media/${VIDEO}`);

function get(file: string, headers: Record<string, string> = {}) {
  return GET(new Request(`http://localhost/api/media/${encodeURIComponent(file)}`, { headers }), { params: Promise.resolve({ file }) });
}

async function signedIn(username: string): Promise<string> {
  const created = await createAccount(username, "correct horse battery", new Headers());
  if (!created.ok) throw new Error(created.message);
  return created.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
}

describe("GET /api/media/<file>", () => {
  it("answers 401 without identity and 403 to a guest (anonymous learner), with the sign-in message", async () => {
    expect((await get(VIDEO)).status).toBe(401);
    const guest = await get(VIDEO, { cookie: learnerCookie("11111111-1111-4111-8111-111111111111") });
    expect(guest.status).toBe(403);
    expect((await guest.json()).error).toBe("Sign in to watch the learning video for this topic");
  });

  it("refuses names that are not media files (400) and unknown files (404), before any identity is read", async () => {
    expect((await get("../package.json")).status).toBe(400);
    expect((await get("video.exe")).status).toBe(400);
    expect((await get("never-made.webm")).status).toBe(404);
  });

  it("serves the whole video, a byte range, and its captions to a signed-in learner", async () => {
    const cookie = await signedIn("watcher");
    const whole = await get(VIDEO, { cookie });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/webm");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("cache-control")).toMatch(/^private/);
    expect(Buffer.from(await whole.arrayBuffer()).equals(videoBytes)).toBe(true);

    const part = await get(VIDEO, { cookie, range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${videoBytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(videoBytes.subarray(100, 200))).toBe(true);

    const past = await get(VIDEO, { cookie, range: `bytes=${videoBytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${videoBytes.length}`);

    const captions = await get("activation-functions.en.vtt", { cookie });
    expect(captions.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await captions.text()).toMatch(/^WEBVTT/);
  });
});
