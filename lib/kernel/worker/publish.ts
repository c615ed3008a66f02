import type { KernelSession } from "./session";
import { modelToSpec, weightsToBase64, type ModelSpec } from "../models/spec";
import { linkBundle } from "../display/files";

/**
 * `publish_model(model, { name })` in a cell: the model becomes a declarative spec of known layers
 * plus float32 weights (../models/spec.ts), sent to POST /api/models; the cell shows the link
 * to the model's page, or the server's error. Failures throw, so a cell can catch and print them.
 *
 * The kernel does not know where the server is: the page's worker entry passes a publisher
 * (lib/notebook/globals.ts: a same-origin fetch that carries the learner's cookies). Without one
 * (lessons:check runs cells in Node) the builtin says so instead of pretending.
 */

export interface PublishRequest {
  name: string;
  spec: ModelSpec;
  /** Base64 of the little-endian float32 weights. */
  weights: string;
}

export interface PublishedModelLink {
  id: string;
  name: string;
  /** Where the model's page is, e.g. https://gradbook.example/models/ck... */
  url: string;
}

/** Sends a publish request to the platform; rejects with the server's message on failure. */
export type ModelPublisher = (request: PublishRequest) => Promise<PublishedModelLink>;

export const NO_PUBLISHER_MESSAGE =
  "publish_model needs the lesson page: there is no Gradbook server here (lessons:check runs the cells in Node). Open the lesson in the browser, signed in, to publish.";

export interface PublishOptions {
  /** Shown as the model page's title: 1-80 characters. */
  name?: unknown;
  /** The shape of one input without the batch dimension: [784] (default for an MLP) or [1, 28, 28] (for a CNN). */
  input_shape?: number[];
  /** Whether the model was trained on `load_mnist({ standardize: true })` pixels (default) or on [0, 1]: the page prepares drawings the same way. */
  standardize?: boolean;
}

function checkName(name: unknown): string {
  if (typeof name !== "string" || name.trim().length === 0 || name.trim().length > 80) {
    throw new TypeError(`publish_model(model, { name }): name must be 1-80 characters, got ${JSON.stringify(name)}`);
  }
  return name.trim();
}

export function createPublishModel(session: KernelSession, publisher: ModelPublisher | null) {
  return async function publish_model(model: unknown, options: PublishOptions = {}): Promise<PublishedModelLink> {
    const name = checkName(options.name);
    const { spec, weights } = modelToSpec(model, options.input_shape, options.standardize ?? true);
    if (!publisher) throw new Error(NO_PUBLISHER_MESSAGE);
    const published = await publisher({ name, spec, weights: weightsToBase64(weights) });
    const size = (weights.byteLength / 1024).toFixed(0);
    const summary = `Published "${published.name}" (${spec.layers.length} layers, ${size} KB of weights): ${published.url}`;
    session.output.display(linkBundle(`/models/${encodeURIComponent(published.id)}`, `Open "${published.name}" and draw a digit`, summary));
    return published;
  };
}
