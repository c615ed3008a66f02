/**
 * Gunzips dataset files with the platform's DecompressionStream (WHATWG Compression Streams:
 * browsers, workers and Node 18+ have it), so the engine needs no inflate code of its own.
 * Static files are served uncompressed, so the big ones ship gzipped and are inflated here.
 */
import { RuntimeError } from "../../errors";

export async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === "undefined") {
    throw new RuntimeError(`'${name}' is gzipped and this JavaScript runtime has no DecompressionStream to inflate it`);
  }
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  // Errors surface through the reader below; these promises must not be left unhandled.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch (error) {
    throw new RuntimeError(`'${name}' is not a valid gzip file (${error instanceof Error ? error.message : String(error)})`);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
