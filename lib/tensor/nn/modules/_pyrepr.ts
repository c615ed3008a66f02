/** Python reprs of the int-or-tuple settings that convolution and pooling layers print. */

/** Python's repr of a tuple of ints: (5,) or (5, 5). */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

/** Python's repr of an int, a tuple (given as an array) or None. */
export function pyValue(v: number | readonly (number | null)[] | null | undefined): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "number") return String(v);
  return v.length === 1 ? `(${pyValue(v[0])},)` : `(${v.map((x) => pyValue(x)).join(", ")})`;
}
