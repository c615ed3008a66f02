import { lessonExists } from "../lessons/exists";
import { errorResponse, parseParams } from "./responses";
import { lessonParamsSchema } from "./schemas";

/** The lesson a `/…/[slug]` route names: 400 for a malformed slug, 404 for an unknown lesson. */
export async function lessonFromParams(params: Promise<{ slug: string }>): Promise<{ ok: true; slug: string } | { ok: false; response: Response }> {
  const parsed = parseParams(await params, lessonParamsSchema);
  if (!parsed.ok) return parsed;
  if (!lessonExists(parsed.value.slug)) return { ok: false, response: errorResponse(404, `No lesson "${parsed.value.slug}"`) };
  return { ok: true, slug: parsed.value.slug };
}
