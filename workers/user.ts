/**
 * `npm run user -- <command>`: manage sign-ins from the shell, including the first admin.
 *   create <username> [--admin] [--indexes a,b] [--password-stdin]
 *   password <username> [--password-stdin]
 *   list
 * Without --password-stdin the password is asked for on the terminal, twice, without echo.
 */
import { eq } from "drizzle-orm";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDb, getDb } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";
import { createUserSchema, passwordSchema } from "@/lib/auth/schema";
import { createUser, findUserByName } from "@/lib/auth/users";
import { envOrExit } from "@/lib/base-env";
import { parseUserCommandEnv } from "@/lib/ops/db-commands-env";

const env = envOrExit(() => parseUserCommandEnv(process.env));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    admin: { type: "boolean", default: false },
    indexes: { type: "string" },
    "password-stdin": { type: "boolean", default: false },
  },
});

async function readLine(prompt: string, hidden: boolean): Promise<string> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: hidden && process.stdin.isTTY,
  });
  if (hidden && process.stdin.isTTY) {
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stdout.write(prompt);
    };
  }
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  if (hidden && process.stdin.isTTY) process.stdout.write("\n");
  return answer;
}

async function askPassword(): Promise<string> {
  if (values["password-stdin"]) return (await readLine("", false)).trim();
  const first = await readLine("password: ", true);
  if ((await readLine("again: ", true)) !== first) throw new Error("the passwords differ");
  return first;
}

async function main() {
  const db = getDb(env.DATABASE_URL);
  const [command, username] = positionals;
  try {
    if (command === "list") {
      for (const u of await db.select().from(users))
        console.log(`${u.username}\t${u.role}\t${u.allowedIndexes?.join(",") ?? "all indexes"}`);
    } else if (command === "create" && username) {
      const input = createUserSchema.parse({
        username,
        password: await askPassword(),
        role: values.admin ? "admin" : "viewer",
        allowedIndexes: values.indexes ? values.indexes.split(",") : null,
      });
      await createUser(db, input);
      console.log(`created ${input.role} ${input.username}`);
    } else if (command === "password" && username) {
      if (!(await findUserByName(db, username))) throw new Error(`no user ${username}`);
      const hash = await hashPassword(passwordSchema.parse(await askPassword()));
      await db.update(users).set({ passwordHash: hash }).where(eq(users.username, username));
      console.log(`password changed for ${username}`);
    } else {
      throw new Error(
        "usage: npm run user -- create <username> [--admin] [--indexes a,b] [--password-stdin] | password <username> | list",
      );
    }
  } finally {
    await closeDb(env.DATABASE_URL);
  }
}

main().catch((err: unknown) => {
  console.error(
    err instanceof z.ZodError ? err.issues.map((i) => i.message).join("; ") : (err as Error).message,
  );
  process.exit(1);
});
