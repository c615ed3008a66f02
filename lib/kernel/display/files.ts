import type { MimeBundle } from "../protocol";
import { bytesToBase64 } from "./base64";
import { describeSize, MAX_OUTPUT_CHARS } from "./bounds";
import { FILE_MIME, LINK_MIME, type FileData, type LinkData } from "./mime";

/**
 * Links and downloads in cell outputs. A link may only point at a path of this site, so a cell
 * cannot dress up a link to somewhere else as the platform's; a download travels inside the
 * output (base64), so it must fit the one-output limit, with room for the encoding.
 */
export const MAX_DOWNLOAD_BYTES = Math.floor(((MAX_OUTPUT_CHARS - 2_000) * 3) / 4);

const SAFE_FILE_NAME = /^[\w][\w .()-]{0,99}$/;

/** True for a path of this site ("/models/x"), false for anything a browser could take elsewhere. */
export function isSitePath(href: string): boolean {
  return /^\/(?![/\\])[^\s]*$/.test(href);
}

export function linkBundle(href: string, text: string, plain: string): MimeBundle {
  if (!isSitePath(href)) throw new TypeError(`a link in an output must be a path of this site, such as /models/abc, got ${JSON.stringify(href)}`);
  const link: LinkData = { href, text };
  return { "text/plain": plain, [LINK_MIME]: link };
}

function fileBytes(data: unknown): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`download(data, filename): data must be a string, a Uint8Array or an ArrayBuffer, got ${data === null ? "null" : typeof data}`);
}

/** `download(data, filename, { type })`: a Download button for bytes the cell made. */
export function fileBundle(data: unknown, name: unknown, type = "application/octet-stream"): MimeBundle {
  if (typeof name !== "string" || !SAFE_FILE_NAME.test(name)) {
    throw new TypeError(`download(data, filename): filename must be 1-100 letters, digits, spaces, dots, dashes, underscores or brackets, got ${JSON.stringify(name)}`);
  }
  if (typeof type !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) throw new TypeError(`download(data, filename, { type }): type must be a media type such as text/csv, got ${JSON.stringify(type)}`);
  const bytes = fileBytes(data);
  if (bytes.length > MAX_DOWNLOAD_BYTES) {
    throw new RangeError(`download(data, filename): ${name} is ${describeSize(bytes.length)}; a download from a cell can be at most ${describeSize(MAX_DOWNLOAD_BYTES)}`);
  }
  const file: FileData = { name, type, bytes: bytes.length, base64: bytesToBase64(bytes) };
  return { "text/plain": `${name} (${describeSize(bytes.length)}): use the Download button in the notebook`, [FILE_MIME]: file };
}
