/**
 * The one byte range of a `Range: bytes=a-b` header (also `a-` and `-n`), null when there is
 * no usable header (answer the whole file), "unsatisfiable" when it starts past the end.
 * Several ranges at once are answered with the whole file, which RFC 9110 allows.
 */
export function byteRange(header: string | null, size: number): [number, number] | null | "unsatisfiable" {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Math.min(Number(match[2]), size);
    return suffix === 0 ? "unsatisfiable" : [size - suffix, size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return "unsatisfiable";
  return end < start ? null : [start, end];
}
