/**
 * What route() (./route.ts) and its helpers read of a request. Next hands route handlers a fetch
 * `Request`; the hot path (./hot-path.ts) answers autosaves and metric batches straight from
 * Node's IncomingMessage, without building a `Request` and its body stream (about a fifth of
 * the server's CPU on those routes). Both reach the route as this.
 */
export interface ApiRequest extends Pick<Request, "method" | "url" | "headers"> {
  /**
   * The body's bytes, read once. Reading stops as soon as more than `limit` bytes arrived (the
   * rest is never buffered): null then, so a client that lies about or leaves out Content-Length
   * cannot make us hold more.
   */
  bodyBytes(limit: number): Promise<Uint8Array | null>;
}

/** A fetch Request (what Next passes) as route() reads it. */
export function fromFetchRequest(request: Request): ApiRequest {
  return { method: request.method, url: request.url, headers: request.headers, bodyBytes: (limit) => readLimited(request, limit) };
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
