/** The CLI's environment, parsed once by workers/cli.ts. */
import { z } from "zod";

export const DEFAULT_URL = "http://localhost:3000";

const cliEnvSchema = z.object({
  ALCO_URL: z.string().optional(),
  ALCO_TOKEN: z.string().optional(),
  /** https://no-color.org: present and not empty turns colors off. */
  NO_COLOR: z.string().optional(),
});

export type CliEnv = { url?: string; token?: string; noColor: boolean };

export function parseCliEnv(source: Record<string, string | undefined>): CliEnv {
  const e = cliEnvSchema.parse(source);
  return {
    url: e.ALCO_URL || undefined,
    token: e.ALCO_TOKEN || undefined,
    noColor: e.NO_COLOR !== undefined && e.NO_COLOR !== "",
  };
}
