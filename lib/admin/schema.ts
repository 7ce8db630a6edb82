import { z } from "zod";

/** A numeric id in a URL segment (`/api/admin/users/<id>`). */
export const idParamSchema = z.coerce
  .number({ message: "id: expected a number" })
  .int("id: expected a whole number")
  .positive("id: expected a positive number");

/** GET /api/admin/indexes/<name>/dead-letters: how many of the newest dead letters to show. */
export const deadLettersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

/** POST /api/admin/indexes/<name>/dead-letters: put every dead letter back on the exchange, or drop them all. */
export const deadLetterActionSchema = z.object({ action: z.enum(["republish", "drop"]) });
