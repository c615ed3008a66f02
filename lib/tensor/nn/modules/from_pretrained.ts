/** The argument parsing nn.Embedding.from_pretrained and nn.EmbeddingBag.from_pretrained share. */
import { parseArgs } from "../../args";
import { AssertionError, TypeError_ } from "../../errors";
import type { Tensor } from "../../tensor";

/**
 * The arguments of from_pretrained(embeddings, ...) by name, each positional or by keyword (PyTorch's order in `names`,
 * embeddings first); Python's TypeError when embeddings is missing, given twice, or a key is unknown. Embedding's
 * (embedding.ts) and EmbeddingBag's (layers_extra.ts), whose lists differ after embeddings.
 */
export function pretrainedArgs<O extends object>(names: readonly (keyof O & string)[], args: readonly unknown[]): Partial<O> & { embeddings: Tensor } {
  const a = parseArgs<O>("from_pretrained", names, args) as Partial<O> & { embeddings?: Tensor };
  if (a.embeddings === undefined) throw new TypeError_("from_pretrained() missing 1 required positional argument: 'embeddings'");
  if (a.embeddings.dim() !== 2) throw new AssertionError("Embeddings parameter is expected to be 2-dimensional"); // torch asserts it
  return a as Partial<O> & { embeddings: Tensor };
}
