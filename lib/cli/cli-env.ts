/**
 * The CLI's environment, parsed once by workers/cli.ts. It talks to the web app's API only, never to a service,
 * so it takes none of lib/base-env.ts's keys; its default URL is a user's own machine, in any NODE_ENV.
 */
import { z } from "zod";
import { parseEnv, type EnvSource } from "@/lib/base-env";

export const DEFAULT_URL = "http://localhost:3000";

const cliEnvSchema = z.object({
  ALCO_URL: z.string().optional(),
  ALCO_TOKEN: z.string().optional(),
  /** https://no-color.org: present and not empty turns colors off. */
  NO_COLOR: z.string().optional(),
});

export type CliEnv = { url?: string; token?: string; noColor: boolean };

export function parseCliEnv(source: EnvSource): CliEnv {
  const e = parseEnv("alco", cliEnvSchema, source);
  return {
    url: e.ALCO_URL || undefined,
    token: e.ALCO_TOKEN || undefined,
    noColor: e.NO_COLOR !== undefined && e.NO_COLOR !== "",
  };
}
