import { z } from "zod";
import { MEDIA_FILE_PATTERN } from "@/lib/lessons/media";

/** `/api/media/<file>`: a lesson video or one of its WebVTT tracks, by file name in media/. */
export const mediaParamsSchema = z.object({
  file: z.string().max(120).regex(MEDIA_FILE_PATTERN, "not a media file name (lowercase name, then .webm, .mp4 or .vtt)"),
});
