/** The fault suite's setup: the integration stack (test/global-setup.ts), and the collector bundled as production runs it. */
import { buildWorkers } from "../collector-command";
import setupStack from "../global-setup";

export default async function setup() {
  buildWorkers();
  return setupStack();
}
