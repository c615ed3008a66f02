import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { username } from "better-auth/plugins";
import { databaseProvider, prisma } from "../db/client";
import { authSecret } from "./secret";

export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{3,30}$/;
export const MIN_PASSWORD_LENGTH = 8;

function createAuth() {
  return betterAuth({
    appName: "Gradbook",
    secret: authSecret(),
    // Only used to build absolute URLs (we send no emails); cookies get `Secure` when it is https.
    baseURL: process.env.BETTER_AUTH_URL || "http://localhost:3000",
    database: prismaAdapter(prisma, { provider: databaseProvider === "postgres" ? "postgresql" : "sqlite" }),
    // Gradbook runs offline: nothing phones home.
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 128, autoSignIn: true },
    user: {
      additionalFields: {
        // Never settable through sign-up: instructors are made by `npm run user:create`.
        role: { type: "string", required: false, defaultValue: "learner", input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    advanced: {
      useSecureCookies: (process.env.BETTER_AUTH_URL ?? "").startsWith("https:"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    plugins: [username({ minUsernameLength: 3, maxUsernameLength: 30 })],
  });
}

export type GradbookAuth = ReturnType<typeof createAuth>;

// One instance per server process (Next's dev server reloads modules).
const globalForAuth = globalThis as unknown as { gradbookAuth?: GradbookAuth };
export function getAuth(): GradbookAuth {
  globalForAuth.gradbookAuth ??= createAuth();
  return globalForAuth.gradbookAuth;
}

/** better-auth wants an email; Gradbook accounts are username-only, so derive a stable one. */
export function placeholderEmail(name: string): string {
  return `${name.toLowerCase()}@users.gradbook.invalid`;
}
