/** The live tail's parameters: the grep API's query and filters, and where to start. */
import { z } from "zod";
import { cursorParam, filterParam } from "@/lib/query/schema";

export const liveParamsSchema = z.object({
  q: z.string().max(4096, "q: at most 4096 characters").default(""),
  filter: filterParam,
  /** Start after this cursor (a reconnecting EventSource's `Last-Event-ID` header takes precedence). */
  after: cursorParam("after"),
});

export type LiveParams = z.output<typeof liveParamsSchema>;
