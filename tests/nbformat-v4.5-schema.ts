import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The official nbformat 4.5 JSON schema, vendored from Debian's python3-nbformat (see
 * tests/fixtures/nbformat/README.md). It is draft-04; the keywords it uses mean the same in
 * Ajv's default draft, so only the `$schema` marker is left out for Ajv.
 */
const schema = JSON.parse(readFileSync(path.join(process.cwd(), "tests/fixtures/nbformat/nbformat.v4.5.schema.json"), "utf8")) as Record<string, unknown>;
delete schema.$schema;

export const nbformatSchema = schema;
