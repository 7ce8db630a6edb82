/** vitest's integration project: one isolated stack for the run (test/stack.ts); test files read its env. */
import { startStack } from "./stack";

export default async function setup() {
  const { env, stop } = await startStack("test");
  Object.assign(process.env, env);
  return stop;
}
