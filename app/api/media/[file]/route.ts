import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { byteRange } from "@/lib/api/byte-range";
import { HttpError } from "@/lib/api/http-error";
import { route } from "@/lib/api/route";
import { mediaContentType, mediaPath } from "@/lib/lessons/media";
import { mediaParamsSchema } from "./schema";

/**
 * A lesson video or its captions, from our own origin, for signed-in learners (guests are
 * asked to sign in, as on the original course site). Answers byte ranges (206), which is how
 * a browser seeks in a video without downloading all of it.
 */
export const GET = route(
  {
    params: mediaParamsSchema,
    auth: "reader",
    lookup: ({ params }) => (mediaPath(params.file) ? params.file : notFound(params.file)),
  },
  async ({ request, user, found: name }) => {
    if (user.anonymous) throw new HttpError(403, "Sign in to watch the learning video for this topic");
    // Spelled out from process.cwd() so the bundler's file tracing stays inside media/.
    const file = path.join(process.cwd(), "media", name);
    const size = statSync(file).size;
    const headers = new Headers({
      "content-type": mediaContentType(file),
      "accept-ranges": "bytes",
      // Per learner: a shared cache must not hand a signed-in learner's copy to a guest.
      "cache-control": "private, max-age=3600",
    });
    const range = byteRange(request.headers.get("range"), size);
    if (range === "unsatisfiable") {
      headers.set("content-range", `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    const [start, end] = range ?? [0, size - 1];
    headers.set("content-length", String(end - start + 1));
    if (range) headers.set("content-range", `bytes ${start}-${end}/${size}`);
    if (request.method === "HEAD" || size === 0) return new Response(null, { status: range ? 206 : 200, headers });
    const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
    return new Response(body, { status: range ? 206 : 200, headers });
  },
);

function notFound(file: string): never {
  throw new HttpError(404, `No media file named ${file}`);
}
