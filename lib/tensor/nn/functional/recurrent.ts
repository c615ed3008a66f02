/**
 * Fused pointwise parts of the LSTM and GRU steps, each one op with a closed-form backward (as
 * PyTorch's _thnn_fused_lstm_cell / _thnn_fused_gru_cell). Written out by hand because the same
 * step built from chunk + sigmoid + tanh + mul + add is ten ops on strided views per time step,
 * which dominated the cost of training an RNN. The matmuls stay outside (x W_ih^T over all steps
 * at once, h W_hh^T per step).
 *
 * Gate blocks are PyTorch's: LSTM [i | f | g | o], GRU [r | z | n], each hidden_size wide.
 *
 * Node names are those torch 1.13 prints on the CPU, where the cells are composed (its fused cells are CUDA's):
 * an LSTMCell's c ends in AddBackward0 and its h in MulBackward0, a GRUCell's h in AddBackward0.
 */
import { record } from "../../autograd/function";
import type { Tensor } from "../../tensor";
import { data, empty } from "./_util";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g), from the summed gates [N, 4H] and c_prev [N, H]. */
export function lstm_cell_state(gates: Tensor, c_prev: Tensor): Tensor {
  const [N, G] = gates.shape;
  const H = G / 4;
  const gd = data(gates);
  const cp = data(c_prev);
  const out = empty([N, H], gates.dtype);
  const c = out._data;
  for (let n = 0; n < N; n++) {
    const g0 = n * G;
    for (let j = 0; j < H; j++) {
      c[n * H + j] = sigmoid(gd[g0 + H + j]) * cp[n * H + j] + sigmoid(gd[g0 + j]) * Math.tanh(gd[g0 + 2 * H + j]);
    }
  }
  return record(
    out,
    "AddBackward0",
    [gates, c_prev],
    (grad) => {
      const dc = data(grad);
      const dG = empty(gates.shape, grad.dtype);
      const dCp = empty(c_prev.shape, grad.dtype);
      const r = dG._data;
      for (let n = 0; n < N; n++) {
        const g0 = n * G;
        for (let j = 0; j < H; j++) {
          const d = dc[n * H + j];
          const i = sigmoid(gd[g0 + j]);
          const f = sigmoid(gd[g0 + H + j]);
          const g = Math.tanh(gd[g0 + 2 * H + j]);
          r[g0 + j] = d * g * i * (1 - i);
          r[g0 + H + j] = d * cp[n * H + j] * f * (1 - f);
          r[g0 + 2 * H + j] = d * i * (1 - g * g);
          dCp._data[n * H + j] = d * f;
        }
      }
      return [gates.requires_grad ? dG : null, c_prev.requires_grad ? dCp : null];
    },
    [gates, c_prev],
  );
}

/** h = sigmoid(o) * tanh(c), from the summed gates [N, 4H] and the new cell state c [N, H]. */
export function lstm_cell_output(gates: Tensor, c: Tensor): Tensor {
  const [N, G] = gates.shape;
  const H = G / 4;
  const gd = data(gates);
  const cd = data(c);
  const out = empty([N, H], gates.dtype);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) out._data[n * H + j] = sigmoid(gd[n * G + 3 * H + j]) * Math.tanh(cd[n * H + j]);
  }
  return record(
    out,
    "MulBackward0",
    [gates, c],
    (grad) => {
      const dh = data(grad);
      const dG = empty(gates.shape, grad.dtype);
      const dC = empty(c.shape, grad.dtype);
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < H; j++) {
          const d = dh[n * H + j];
          const o = sigmoid(gd[n * G + 3 * H + j]);
          const t = Math.tanh(cd[n * H + j]);
          dG._data[n * G + 3 * H + j] = d * t * o * (1 - o);
          dC._data[n * H + j] = d * o * (1 - t * t);
        }
      }
      return [gates.requires_grad ? dG : null, c.requires_grad ? dC : null];
    },
    [gates, c],
  );
}

/**
 * The GRU step after its two matmuls: gi = x W_ih^T + b_ih and gh = h W_hh^T + b_hh, both
 * [N, 3H]. r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r * gh_n),
 * h' = (1 - z) * n + z * h.
 */
export function gru_cell(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  const [N, G] = gi.shape;
  const H = G / 3;
  const a = data(gi);
  const b = data(gh);
  const hp = data(h);
  const out = empty([N, H], gi.dtype);
  for (let n = 0; n < N; n++) {
    const g0 = n * G;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(a[g0 + j] + b[g0 + j]);
      const z = sigmoid(a[g0 + H + j] + b[g0 + H + j]);
      const nn = Math.tanh(a[g0 + 2 * H + j] + r * b[g0 + 2 * H + j]);
      out._data[n * H + j] = nn + z * (hp[n * H + j] - nn);
    }
  }
  return record(
    out,
    "AddBackward0",
    [gi, gh, h],
    (grad) => {
      const d = data(grad);
      const dGi = empty(gi.shape, grad.dtype);
      const dGh = empty(gh.shape, grad.dtype);
      const dH = empty(h.shape, grad.dtype);
      for (let n = 0; n < N; n++) {
        const g0 = n * G;
        for (let j = 0; j < H; j++) {
          const dy = d[n * H + j];
          const r = sigmoid(a[g0 + j] + b[g0 + j]);
          const z = sigmoid(a[g0 + H + j] + b[g0 + H + j]);
          const ghn = b[g0 + 2 * H + j];
          const nn = Math.tanh(a[g0 + 2 * H + j] + r * ghn);
          const dPreN = dy * (1 - z) * (1 - nn * nn);
          const dPreR = dPreN * ghn * r * (1 - r);
          const dPreZ = dy * (hp[n * H + j] - nn) * z * (1 - z);
          dGi._data[g0 + j] = dPreR;
          dGh._data[g0 + j] = dPreR;
          dGi._data[g0 + H + j] = dPreZ;
          dGh._data[g0 + H + j] = dPreZ;
          dGi._data[g0 + 2 * H + j] = dPreN;
          dGh._data[g0 + 2 * H + j] = dPreN * r;
          dH._data[n * H + j] = dy * z;
        }
      }
      return [gi.requires_grad ? dGi : null, gh.requires_grad ? dGh : null, h.requires_grad ? dH : null];
    },
    [gi, gh, h],
  );
}
