/**
 * Where dataset files come from. The engine runs in a worker, in Node and on the server, and
 * may use neither fetch nor fs itself, so the host registers a source once:
 *
 *   // browser worker
 *   utils.data.set_dataset_source(async (name) => new Uint8Array(await (await fetch(`/data/${name}`)).arrayBuffer()));
 *   // Node (tests, grader)
 *   utils.data.set_dataset_source(async (name) => new Uint8Array(await readFile(`public/data/${name}`)));
 *
 * `name` is a file name such as "mnist.bin.gz" (built by scripts/build-mnist.mjs into public/data).
 * A name ending in ".gz" is gunzipped by the engine after the source returns its bytes, so hosts
 * serve files as they are. Loaded files are cached per name (after gunzipping), so the compact
 * MNIST's train and test splits share one fetch and a second load fetches nothing.
 */
import { RuntimeError } from "../../errors";
import { gunzip } from "./gunzip";

export type DatasetSource = (name: string) => Promise<Uint8Array | ArrayBuffer>;

let source: DatasetSource | null = null;
const cache = new Map<string, Promise<Uint8Array>>();

/** Registers (or with null, removes) the host's file source and clears the cache. */
export function set_dataset_source(fn: DatasetSource | null): void {
  source = fn;
  cache.clear();
}

export function get_dataset_source(): DatasetSource | null {
  return source;
}

/** The bytes of a dataset file, fetched once through the registered source (gunzipped if the name ends in ".gz"). */
export function read_dataset_file(name: string): Promise<Uint8Array> {
  if (!source) {
    return Promise.reject(
      new RuntimeError(
        `No dataset source is registered, so '${name}' cannot be loaded. ` +
          "The host must call utils.data.set_dataset_source(async (name) => bytes) first.",
      ),
    );
  }
  let p = cache.get(name);
  if (!p) {
    const fn = source;
    p = (async () => {
      const raw = await fn(name);
      const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
      return name.endsWith(".gz") ? gunzip(bytes, name) : bytes;
    })();
    // A failed read is not cached, so the learner can retry after fixing the host.
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}
