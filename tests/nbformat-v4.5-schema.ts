/**
 * The rules of nbformat 4.5 (https://nbformat.readthedocs.io, format v4.5) as a JSON
 * schema for ajv, restated for our tests: notebook-level fields, cell kinds with required
 * ids, and the four output kinds with their required fields and mime bundles.
 */
const multiline = { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] };
const mimebundle = {
  type: "object",
  patternProperties: { "^application/(.*\\+)?json$": {} },
  additionalProperties: multiline,
};
const cellId = { type: "string", pattern: "^[a-zA-Z0-9-_]+$", minLength: 1, maxLength: 64 };
const count = { type: ["integer", "null"], minimum: 0 };

export const nbformatSchema = {
  type: "object",
  additionalProperties: false,
  required: ["metadata", "nbformat_minor", "nbformat", "cells"],
  properties: {
    metadata: {
      type: "object",
      properties: {
        kernelspec: { type: "object", required: ["name", "display_name"], properties: { name: { type: "string" }, display_name: { type: "string" } } },
        language_info: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
        title: { type: "string" },
      },
    },
    nbformat_minor: { type: "integer", minimum: 5 },
    nbformat: { type: "integer", minimum: 4, maximum: 4 },
    cells: {
      type: "array",
      items: {
        oneOf: [
          {
            type: "object",
            additionalProperties: false,
            required: ["id", "cell_type", "metadata", "source"],
            properties: { id: cellId, cell_type: { enum: ["markdown"] }, metadata: { type: "object" }, attachments: { type: "object" }, source: multiline },
          },
          {
            type: "object",
            additionalProperties: false,
            required: ["id", "cell_type", "metadata", "source", "outputs", "execution_count"],
            properties: {
              id: cellId,
              cell_type: { enum: ["code"] },
              metadata: { type: "object" },
              source: multiline,
              execution_count: count,
              outputs: {
                type: "array",
                items: {
                  oneOf: [
                    { type: "object", additionalProperties: false, required: ["output_type", "data", "metadata", "execution_count"], properties: { output_type: { enum: ["execute_result"] }, execution_count: count, data: mimebundle, metadata: { type: "object" } } },
                    { type: "object", additionalProperties: false, required: ["output_type", "data", "metadata"], properties: { output_type: { enum: ["display_data"] }, data: mimebundle, metadata: { type: "object" } } },
                    { type: "object", additionalProperties: false, required: ["output_type", "name", "text"], properties: { output_type: { enum: ["stream"] }, name: { type: "string" }, text: multiline } },
                    { type: "object", additionalProperties: false, required: ["output_type", "ename", "evalue", "traceback"], properties: { output_type: { enum: ["error"] }, ename: { type: "string" }, evalue: { type: "string" }, traceback: { type: "array", items: { type: "string" } } } },
                  ],
                },
              },
            },
          },
        ],
      },
    },
  },
};
