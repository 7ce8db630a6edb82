#!/usr/bin/env node
// The `alco` command: runs workers/cli.ts under tsx (what `node --import tsx` does), in this process so that
// signals reach the CLI directly. tsx and the tsconfig that maps `@/` are found next to this file, so the
// command works from any directory.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("../workers/cli.ts", import.meta.url).href);
