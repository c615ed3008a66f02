import { z } from "zod";
import { modelSpecSchema } from "@/lib/kernel/models/spec";

/** At most this many bytes of float32 weights per model (4 MiB: an MNIST CNN or MLP needs well under 1). */
export const MAX_WEIGHT_BYTES = 4 * 1024 * 1024;
/** The JSON body: the weights in base64 (4 bytes per 3) plus room for the name and the spec. */
export const MAX_PUBLISH_BODY_BYTES = Math.ceil(MAX_WEIGHT_BYTES / 3) * 4 + 256 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** POST /api/models: `{ name, spec, weights }`, weights being base64 of little-endian float32s. */
export const publishModelBodySchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  spec: modelSpecSchema,
  weights: z.string().regex(BASE64, "must be base64").refine((value) => value.length % 4 === 0, "must be base64 (a multiple of 4 characters)"),
});

export type PublishModelBody = z.infer<typeof publishModelBodySchema>;
