import { z } from "zod";

/** /api/models/<id>: a model id as the database makes them (cuid). */
export const modelParamsSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{1,64}$/, "must be a model id"),
});
