import { z } from "zod";

export const learnerParamsSchema = z.object({ learnerId: z.string().min(1).max(100) });
