/**
 * x.storage(): torch 1.13's TypedStorage view of a tensor's storage, the one-dimensional array every
 * view of it shares (makemore's "a = torch.arange(18); a.storage()", shown to explain view()). It is
 * the whole storage, not the view's elements (a[2:5].storage().size() is 18), read live from the
 * tensor's buffer; printing, size / len, tolist, iteration, type(), element_size / nbytes and device
 * are torch's. torch.is_storage(x.storage()) is true. storage[i] is __getitem__(i) and storage[i] = v
 * __setitem__(i, v) (Deep Learning with PyTorch's ch3: "points_storage[0] = 2.0" changes points), ints only.
 */
import { isOptions } from "../args";
import { Device } from "../device";
import { bool, type DType } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import type { Storage } from "../dtype";
import { installMethods } from "./install";

/** Python's repr of a float (shortest round-trip digits; exponent below 1e-4 and from 1e16, as "1e-05"). */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = v.toExponential().split("e");
  const e = Number(expStr);
  const sign = mant.startsWith("-") ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  if (e >= -4 && e < 16) {
    if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
    const frac = digits.slice(e + 1);
    return `${sign}${digits.slice(0, e + 1).padEnd(e + 1, "0")}.${frac || "0"}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

export class TypedStorage {
  readonly #data: Storage;
  readonly #elementSize: number;
  readonly #typeName: string;
  readonly dtype: DType;
  constructor(owner: Tensor) {
    this.#data = owner._data;
    this.dtype = owner.dtype;
    this.#elementSize = owner.element_size();
    this.#typeName = owner.type().replace(/Tensor$/, "Storage");
  }
  get device(): Device {
    return new Device("cpu");
  }
  /** len(storage) */
  get length(): number {
    return this.#data.length;
  }
  size(): number {
    return this.#data.length;
  }
  element_size(): number {
    return this.#elementSize;
  }
  nbytes(): number {
    return this.#data.length * this.#elementSize;
  }
  /** "torch.LongStorage", "torch.FloatStorage", ... (torch 1.13's legacy name). */
  type(): string {
    return this.#typeName;
  }
  is_shared(): boolean {
    return false;
  }
  tolist(): (number | boolean)[] {
    return Array.from(this.#data, (v) => (this.dtype === bool ? v !== 0 : v));
  }
  /** storage[i]: the element at i (negative counts from the end), as a Python float / int / bool. */
  __getitem__(idx: number): number | boolean {
    const i = this.#position(idx);
    if (i < 0 || i >= this.#data.length) throw new IndexError(`index ${idx} out of range for storage of size ${this.#data.length}`);
    return this.dtype === bool ? this.#data[i] !== 0 : this.#data[i];
  }
  /** storage[i] = value: writes into the storage, so every tensor viewing it sees the new value. */
  __setitem__(idx: number, value: number | boolean): void {
    const i = this.#position(idx);
    if (i < 0 || i >= this.#data.length) throw new IndexError(`index ${idx} is out of bounds for dimension 0 with size ${this.#data.length}`);
    const v = Number(value);
    this.#data[i] = this.dtype === bool ? (v !== 0 ? 1 : 0) : this.dtype.is_floating_point ? v : Math.trunc(v);
  }
  #position(idx: unknown): number {
    if (typeof idx === "boolean") throw new TypeError_("can't index a <class 'torch.storage.TypedStorage'> with <class 'bool'>");
    if (typeof idx !== "number" || !Number.isInteger(idx)) {
      const cls = typeof idx === "number" ? "float" : typeof idx === "string" ? "str" : idx === null || idx === undefined ? "NoneType" : "object";
      throw new RuntimeError(`can't index a <class 'torch.storage.TypedStorage'> with <class '${cls}'>`);
    }
    return idx < 0 ? idx + this.#data.length : idx;
  }
  *[Symbol.iterator](): Iterator<number | boolean> {
    yield* this.tolist();
  }
  toString(): string {
    const fmt = (v: number): string => {
      if (this.dtype === bool) return v !== 0 ? "True" : "False";
      return this.dtype.is_floating_point ? pyFloatRepr(v) : String(v);
    };
    const body = ` ${Array.from(this.#data, fmt).join("\n ")}`;
    return `${body}\n[torch.storage.TypedStorage(dtype=${String(this.dtype)}, device=cpu) of size ${this.#data.length}]`;
  }
}

export interface TensorStorageMethods {
  /** The tensor's whole storage as torch 1.13's TypedStorage (shared by every view of it). */
  storage(): TypedStorage;
}

declare module "../tensor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends TensorStorageMethods {}
}

export function installStorageMethods(proto: object): void {
  installMethods(proto, {
    storage(this: Tensor, ...args: unknown[]): TypedStorage {
      // Python's def storage(self): a keyword or an extra positional raises its TypeError
      const last = args[args.length - 1];
      if (args.length === 1 && isOptions(last)) {
        const key = Object.keys(last)[0];
        if (key !== undefined) throw new TypeError_(`Tensor.storage() got an unexpected keyword argument '${key}'`);
      } else if (args.length > 0) throw new TypeError_(`Tensor.storage() takes 1 positional argument but ${args.length + 1} were given`);
      return new TypedStorage(this);
    },
  });
}
