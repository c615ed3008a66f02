#!/usr/bin/env node
// Usage: npm run user:create -- --username NAME [--instructor] [--password PASSWORD]
// Creates an account (a learner, or an instructor with --instructor) in the database of
// DATABASE_URL (default prisma/dev.db). Without --password it asks for one (not echoed), or
// reads one line from stdin when stdin is not a terminal.
import { parseArgs } from "node:util";
import readline from "node:readline";

const usage = "Usage: npm run user:create -- --username NAME [--instructor] [--password PASSWORD]";

function fail(message) {
  console.error(`user:create: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({ options: { username: { type: "string" }, password: { type: "string" }, instructor: { type: "boolean", default: false }, help: { type: "boolean", default: false } } }).values;
} catch (error) {
  fail(`${error.message}\n${usage}`);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}
if (!args.username) fail(`--username is required.\n${usage}`);

async function askPassword() {
  if (!process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return "";
  }
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Print the prompt ourselves and swallow the echo of what is typed.
    process.stdout.write(`Password for ${args.username}: `);
    rl._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
  });
}

const { usernameSchema, passwordSchema } = await import("../lib/api/schemas.ts");
const username = usernameSchema.safeParse(args.username);
if (!username.success) fail(`username ${username.error.issues[0].message}`);
const password = passwordSchema.safeParse(args.password ?? (await askPassword()));
if (!password.success) fail(`password ${password.error.issues[0].message}`);

const { createAccount } = await import("../lib/auth/accounts.ts");
const role = args.instructor ? "instructor" : "learner";
let result;
try {
  result = await createAccount(username.data, password.data, new Headers(), role);
} catch (error) {
  fail(`could not create the account: ${error instanceof Error ? error.message : String(error)} (is the database set up? run \`node scripts/prepare.mjs\`)`);
}
if (!result.ok) fail(result.status === 409 ? `an account named "${username.data}" already exists; nothing was changed` : result.message);
console.log(`Created ${role} "${result.username}" (id ${result.userId}) in ${process.env.DATABASE_URL || "file:./prisma/dev.db"}.`);
process.exit(0);
