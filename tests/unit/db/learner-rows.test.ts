/** The learner lookup's memory (lib/db/users.ts learnerRowOf): anonymous rows only, for a few seconds, forgotten when their work moves. */
import { describe, expect, it } from "vitest";
import { createFreshDatabase } from "../api/test-database";

createFreshDatabase();
const { prisma } = await import("@/lib/db/client");
const { ANONYMOUS_ROW_TTL_MS, learnerRowOf, moveAnonymousWork } = await import("@/lib/db/users");

describe("learnerRowOf", () => {
  it("reads a missing or account row every time; an anonymous row is answered from memory until the TTL runs out", async () => {
    const id = "f1f1f1f1-1111-4111-8111-111111111111";
    const now = Date.now();
    expect(await learnerRowOf(id, now)).toBe("missing");
    await prisma.user.create({ data: { id } });
    expect(await learnerRowOf(id, now)).toBe("anonymous"); // a missing row was not remembered
    // Removed behind its back (another instance): memory answers within the TTL, the database after it.
    await prisma.user.delete({ where: { id } });
    expect(await learnerRowOf(id, now + ANONYMOUS_ROW_TTL_MS - 1)).toBe("anonymous");
    expect(await learnerRowOf(id, now + ANONYMOUS_ROW_TTL_MS + 1)).toBe("missing");

    const account = "f2f2f2f2-2222-4222-8222-222222222222";
    await prisma.user.create({ data: { id: account, username: "someone" } });
    expect(await learnerRowOf(account, now)).toBe("account");
    await prisma.user.update({ where: { id: account }, data: { username: null } });
    expect(await learnerRowOf(account, now)).toBe("anonymous");
  });

  it("forgets an anonymous learner whose work moved onto an account", async () => {
    const guest = "f3f3f3f3-3333-4333-8333-333333333333";
    const account = "f4f4f4f4-4444-4444-8444-444444444444";
    await prisma.user.create({ data: { id: guest } });
    await prisma.user.create({ data: { id: account, username: "mover" } });
    expect(await learnerRowOf(guest)).toBe("anonymous");
    await moveAnonymousWork(guest, account);
    expect(await learnerRowOf(guest)).toBe("missing");
  });
});

describe("ensureAnonymousRow", () => {
  it("many first requests of one learner at once: one row, none of them fails", async () => {
    const { ensureAnonymousRow } = await import("@/lib/db/users");
    const id = "f5f5f5f5-5555-4555-8555-555555555555";
    await Promise.all(Array.from({ length: 8 }, () => ensureAnonymousRow(id)));
    expect(await prisma.user.count({ where: { id } })).toBe(1);
    expect(await learnerRowOf(id)).toBe("anonymous");
  });
});
