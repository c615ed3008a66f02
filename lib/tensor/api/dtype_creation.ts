/**
 * Creation from a tensor and dtype questions: the Tensor methods new_zeros ... new_tensor, type_as,
 * element_size, is_nonzero, byte() (torch.uint8), char() (int8), short() (int16), the honest refusals half / cuda / data_ptr
 * (no 16-bit floats or GPU here) and the no-op pin / share; and the torch.* functions normal,
 * poisson, logspace, get/set_default_dtype, is_floating_point, is_nonzero, result_type,
 * promote_types, can_cast, inference_mode, finfo / iinfo, set_default_tensor_type, is_complex.
 */
import { int16, int8, uint8 } from "../dtype";
import { TypeError_ } from "../errors";
import { get_default_dtype, set_default_dtype } from "../default_dtype";
import { inference_mode, is_inference_mode_enabled } from "../autograd/inference_mode";
import * as created from "../ops/creation_extra";
import type { ShapeArgs, TensorOptions } from "../ops/creation";
import * as dtypes from "../ops/dtype_utils";
import * as info from "../ops/dtype_info";
import { Tensor, type NestedArray } from "../tensor";
import { installMethods } from "./install";

type NewOptions = TensorOptions & { device?: unknown };

export interface DtypeCreationMethods {
  /** Zeros in this tensor's dtype unless { dtype } says otherwise: x.new_zeros(2, 3) / x.new_zeros([2, 3], opts). */
  new_zeros(...size: ShapeArgs<NewOptions>): Tensor;
  new_ones(...size: ShapeArgs<NewOptions>): Tensor;
  new_empty(...size: ShapeArgs<NewOptions>): Tensor;
  new_full(size: readonly number[], fill_value: number | boolean, opts?: NewOptions): Tensor;
  /** A new tensor holding a copy of data, in this tensor's dtype unless given. */
  new_tensor(data: NestedArray | Tensor, opts?: NewOptions): Tensor;
  type_as(other: Tensor): Tensor;
  element_size(): number;
  is_nonzero(): boolean;
  readonly is_cuda: boolean;
  /** No 16-bit floats here: a clear error naming .float() / .double(). */
  half(): Tensor;
  bfloat16(): Tensor;
  /** torch.uint8, torch.int8, torch.int16 copies (PyTorch's byte / char / short). */
  byte(): Tensor;
  char(): Tensor;
  short(): Tensor;
  /** No GPU in the browser: a clear error. */
  cuda(): Tensor;
  data_ptr(): number;
  /** Nothing to pin or share: returns the tensor itself. */
  pin_memory(): Tensor;
  share_memory_(): Tensor;
  is_pinned(): boolean;
  is_shared(): boolean;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends DtypeCreationMethods {}
}

const dtypeMethods: Omit<DtypeCreationMethods, "is_cuda"> & ThisType<Tensor> = {
  new_zeros(...size) { return created.new_zeros(this, ...size); },
  new_ones(...size) { return created.new_ones(this, ...size); },
  new_empty(...size) { return created.new_empty(this, ...size); },
  new_full(size, fill_value, opts) { return created.new_full(this, size, fill_value, opts); },
  new_tensor(data, opts) { return created.new_tensor(this, data, opts); },
  type_as(other) { return dtypes.type_as(this, other); },
  element_size() { return dtypes.element_size(this); },
  is_nonzero() { return dtypes.is_nonzero(this); },
  half() { return dtypes.unsupportedFloat("half"); },
  bfloat16() { return dtypes.unsupportedFloat("bfloat16"); },
  byte() { return this.to(uint8); },
  char() { return this.to(int8); },
  short() { return this.to(int16); },
  cuda() { return dtypes.noCuda(); },
  data_ptr() { return dtypes.noDataPtr(); },
  pin_memory() { return this; },
  share_memory_() { return this; },
  is_pinned() { return false; },
  is_shared() { return false; },
};

export function installDtypeCreationMethods(proto: object): void {
  installMethods(proto, dtypeMethods);
  if (!Object.prototype.hasOwnProperty.call(proto, "is_cuda")) {
    Object.defineProperty(proto, "is_cuda", { get: () => false, configurable: true, enumerable: false });
  }
}

/** torch.normal / poisson / logspace, the default dtype, dtype questions and inference_mode. */
export const creationFunctions = {
  normal: created.normal, poisson: created.poisson, logspace: created.logspace,
  get_default_dtype, set_default_dtype,
  is_floating_point: (x: Tensor) => x.dtype.is_floating_point,
  is_nonzero: dtypes.is_nonzero, result_type: dtypes.result_type, promote_types: dtypes.promote_types, can_cast: dtypes.can_cast,
  inference_mode,
  is_inference_mode_enabled,
};

/** Numeric limits and legacy type names; torch.special is in ../special.ts. */
export const dtypeInfoFunctions = {
  finfo: info.finfo, iinfo: info.iinfo, set_default_tensor_type: info.set_default_tensor_type,
  is_complex: (x: Tensor): boolean => {
    if (!(x instanceof Tensor)) throw new TypeError_("is_complex(): argument 'input' must be a Tensor");
    return false; // no complex dtypes here
  },
};
