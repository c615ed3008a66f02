/**
 * The GPT step's row kernels of two copies of the engine side by side in one process (as
 * bench/attention_rows_trees_ab.ts, for kernel changes with no switch): attention's softmax forward
 * and backward (kernels/wasm/attention_simd.ts), GELU's forward (gelu_simd.ts, with fused
 * multiply-adds where Relaxed SIMD validates, as the engine builds it) and layer norm's forward and
 * backward (layernorm_simd.ts), each built from its tree's functions on a memory of its own at the
 * GPT bench's shapes (one layer: 4096 causal score rows of 64, scale 1/4; a [1024, 256] GELU; 1024
 * rows of 64). First the outputs' bits are compared, then each kernel is timed alternately (order
 * swapped every round): medians per call and the per-round ratio second / first, load before and after.
 *
 *   mkdir /tmp/old && git archive <commit> lib bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --experimental-wasm-relaxed-simd --import tsx bench/row_kernels_trees_ab.ts /tmp/old . [rounds]
 */
import { resolve } from "node:path";
import { buildModule, type WasmFunction } from "../lib/tensor/kernels/wasm/assembler";
import { median, uptime } from "./ab";

type Fns = () => WasmFunction[];
interface Tree {
  attention: Fns;
  gelu: (fma: boolean) => WasmFunction[];
  layerNorm: Fns;
}
type Exports = Record<string, (...args: number[]) => void>;

const SCORES = { rows: 4096, S: 64, L: 64, scale: 0.25 };
const GELU_N = 1024 * 256;
const LN = { rows: 1024, M: 64 };

function instantiate(functions: WasmFunction[], memory: WebAssembly.Memory): Exports {
  const bytes = buildModule(functions, { initial: 1, maximum: 65536, shared: false });
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
}

function geluFor(tree: Tree, memory: WebAssembly.Memory): Exports {
  try {
    return instantiate(tree.gelu(true), memory);
  } catch {
    return instantiate(tree.gelu(false), memory);
  }
}

/** Deterministic inputs: scores, gradients, GELU's input, layer norm's x, g, gamma, beta. */
function inputs(): Record<string, Float32Array> {
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const n = SCORES.rows * SCORES.S, m = LN.rows * LN.M;
  return {
    scores: Float32Array.from({ length: n }, () => (rand() + rand() + rand() - 1.5) * 6),
    grads: Float32Array.from({ length: n }, () => rand() * 2 - 1),
    gelu: Float32Array.from({ length: GELU_N }, () => (rand() - 0.5) * 8),
    lnX: Float32Array.from({ length: m }, () => (rand() - 0.5) * 4 + (rand() < 0.1 ? 50 : 0)),
    lnG: Float32Array.from({ length: m }, () => rand() - 0.5),
    gamma: Float32Array.from({ length: LN.M }, () => 0.5 + rand()),
    beta: Float32Array.from({ length: LN.M }, () => rand() - 0.5),
  };
}

/** One tree's kernels on its own memory, each as a call that resets its inputs and runs (returning the output span to compare). */
function kernelsOf(tree: Tree, data: Record<string, Float32Array>) {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const attn = instantiate(tree.attention(), memory), gelu = geluFor(tree, memory), ln = instantiate(tree.layerNorm(), memory);
  const h = new Float32Array(memory.buffer);
  const { rows, S, L, scale } = SCORES;
  const n = rows * S, m = LN.rows * LN.M;
  // Float regions: P / dS (n each), GELU x, y, d; layer norm x, y, g, dx, gamma, beta, mean, rstd, sw, sb.
  const P = 0, DS = n, GX = 2 * n, GY = GX + GELU_N, GD = GY + GELU_N, LX = GD + GELU_N, LY = LX + m, LG = LY + m, LDX = LG + m;
  const GM = LDX + m, BT = GM + LN.M, MN = BT + LN.M, RS = MN + LN.rows, SW = RS + LN.rows, SB = SW + LN.M;
  h.set(data.gelu, GX);
  h.set(data.lnX, LX);
  h.set(data.lnG, LG);
  h.set(data.gamma, GM);
  h.set(data.beta, BT);
  const forward = () => {
    h.set(data.scores, P);
    attn.attn_softmax_fwd(P * 4, rows, S, L, 0, 1, scale);
  };
  forward();
  const pSaved = h.slice(P, P + n);
  return {
    "softmax forward": { run: forward, out: [P, n] },
    "softmax backward": {
      run: () => {
        h.set(data.grads, DS);
        attn.attn_softmax_bwd(DS * 4, P * 4, rows, S, L, 0, 1, scale);
      },
      out: [DS, n],
      before: () => h.set(pSaved, P),
    },
    "GELU forward": { run: () => gelu.gelu_fwd(GX * 4, GY * 4, GD * 4, GELU_N >> 2), out: [GY, 2 * GELU_N] },
    "layer norm forward": { run: () => ln.ln_fwd(LX * 4, LY * 4, GM * 4, BT * 4, MN * 4, RS * 4, LN.rows, LN.M, 1e-5), out: [LY, m] },
    "layer norm backward": {
      run: () => {
        h.fill(0, SW, SB + LN.M);
        ln.ln_bwd(LG * 4, LX * 4, GM * 4, MN * 4, RS * 4, LDX * 4, SW * 4, SB * 4, LN.rows, LN.M);
      },
      out: [LDX, m],
    },
    heap: () => new Uint32Array(memory.buffer),
  } as const;
}

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2, 4);
  if (!a || !b) throw new Error("usage: bench/row_kernels_trees_ab.ts <first engine's directory> <second's> [rounds]");
  const rounds = Number(process.argv[4] ?? 200);
  const trees: Tree[] = [];
  for (const dir of [a, b]) {
    const at = (file: string) => import(resolve(dir, "lib/tensor/kernels/wasm", file));
    const [attention, gelu, layerNorm] = await Promise.all([at("attention_simd.ts"), at("gelu_simd.ts"), at("layernorm_simd.ts")]);
    trees.push({ attention: attention.attentionFunctions, gelu: gelu.geluFunctions, layerNorm: layerNorm.layerNormFunctions });
  }
  const data = inputs();
  const ks = trees.map((t) => kernelsOf(t, data));
  const names = ["softmax forward", "softmax backward", "GELU forward", "layer norm forward", "layer norm backward"] as const;
  for (const name of names) {
    const outs = ks.map((k) => {
      const { run, out } = k[name];
      if ("before" in k[name]) (k[name] as { before: () => void }).before();
      run();
      return k.heap().slice(out[0], out[0] + out[1]);
    });
    console.log(`${name}: bit-equal ${outs[0].every((w, i) => w === outs[1][i])}`);
  }
  console.log(uptime());
  for (const name of names) {
    const t: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const v of r % 2 ? [0, 1] : [1, 0]) {
        const k = ks[v][name];
        if ("before" in k) k.before();
        const t0 = performance.now();
        k.run();
        t[v].push(performance.now() - t0);
      }
    }
    const ratio = median(t[1].map((x, i) => x / t[0][i]));
    console.log(`${name}: ${a} ${median(t[0]).toFixed(4)} ms, ${b} ${median(t[1]).toFixed(4)} ms, per round x${ratio.toFixed(3)}`);
  }
  console.log(uptime());
}

void main();
