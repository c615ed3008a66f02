/** How nn.init's functions (init.ts, init_extra.ts) write a tensor's elements in place. */
import { no_grad } from "../autograd/grad_mode";
import { float64 } from "../dtype";
import type { Tensor } from "../tensor";

/** Runs fill over t's elements as one flat row-major array (t may be a strided view); bumps its version. */
export function fillInPlace(t: Tensor, fill: (out: Float32Array | Float64Array) => void): Tensor {
  no_grad(() => {
    const n = t.numel();
    if (t.is_contiguous()) fill(t._data.subarray(t._offset, t._offset + n));
    else {
      const tmp = t.contiguous().clone();
      fill(tmp._data);
      t.copy_(tmp);
    }
    t._bump("init");
  });
  return t;
}

/** Whether t is float64: the generator then draws in double precision. */
export function wide(t: Tensor): boolean {
  return t.dtype === float64;
}
