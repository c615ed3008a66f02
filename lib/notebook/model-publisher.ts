import type { ModelPublisher, PublishedModelLink } from "../kernel/worker/publish";

/**
 * publish_model's way to the server from the kernel worker: a same-origin POST /api/models,
 * which carries the learner's session cookie like the page's own requests. The worker asks the
 * server itself (as it fetches /data for datasets) rather than round-tripping through the page:
 * the request needs nothing the page has, and the cell waits on one promise.
 */
export const fetchModelPublisher: ModelPublisher = async (request) => {
  const origin = globalThis.location?.origin;
  if (!origin) throw new Error("publish_model: this kernel has no page origin to publish to");
  let response: Response;
  try {
    response = await fetch(new URL("/api/models", origin), {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(request),
    });
  } catch (error) {
    throw new Error(`publish_model: could not reach the server (${error instanceof Error ? error.message : String(error)}); check your connection and run the cell again`);
  }
  const body = (await response.json().catch(() => null)) as { model?: { id: string; name: string }; error?: string } | null;
  if (!response.ok || !body?.model) {
    throw new Error(`publish_model: the server refused (HTTP ${response.status}): ${body?.error ?? response.statusText}`);
  }
  const link: PublishedModelLink = { id: body.model.id, name: body.model.name, url: new URL(`/models/${body.model.id}`, origin).href };
  return link;
};
