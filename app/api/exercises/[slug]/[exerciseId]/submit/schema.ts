import { z } from "zod";
import { wellFormed } from "@/lib/api/schemas";

export const MAX_SUBMISSION_CHARS = 100_000;

/** Only the code: a client-side "passed" or score is not a field, so a forged one is refused. The code is stored, so it must be well-formed text. */
export const submitBodySchema = z
  .object({
    code: wellFormed(z.string().max(MAX_SUBMISSION_CHARS, `must be at most ${MAX_SUBMISSION_CHARS} characters`)),
    /**
     * Optional, chosen by the page: the submission's id. A retry with the same id (the answer was
     * lost: an instance died, a timeout) is the same submission, answered with its state, never
     * a second one.
     */
    submissionId: z.uuid("must be a UUID").optional(),
  })
  .strict();

/** GET ?submission=<id>: the id Submit answered with. */
export const pollQuerySchema = z.object({ submission: z.uuid("must be a submission id from Submit") }).strict();
