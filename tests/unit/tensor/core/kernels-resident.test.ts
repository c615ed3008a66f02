/**
 * Resident blocks (kernels/wasm/resident.ts): a fused block's saved activations kept in the GEMM
 * driver's memory between forward and backward. The zone moves above any larger scratch request
 * with its blocks' values intact, reuses freed space, refuses past its bound, gives its blocks up to
 * JavaScript copies when the memory cannot grow; the feed-forward block and attention keep their
 * activations there (the same bits as copying them out), survive a move between forward and
 * backward and a retained graph, and free them when the graph is released.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { MAX_ZONE_FLOATS, allocResident, ensureScratch, residentStats, zoneUse } from "../../../../lib/tensor/kernels/wasm/resident";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";

const fill = (memory: WebAssembly.Memory, at: number, n: number, seed: number) => {
  const h = new Float32Array(memory.buffer);
  for (let i = 0; i < n; i++) h[at + i] = seed + i;
};
const read = (memory: WebAssembly.Memory, at: number, n: number) => Array.from(new Float32Array(memory.buffer, at * 4, n));
const expected = (n: number, seed: number) => Array.from({ length: n }, (_, i) => seed + i);

describe("resident zone", () => {
  it("sits above scratch and moves above a larger scratch request, values intact", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    ensureScratch(memory, 1000);
    const a = allocResident(memory, 300)!, b = allocResident(memory, 50)!;
    const at0 = a.addressIn(memory);
    expect(at0 * 4).toBeGreaterThanOrEqual(1000);
    fill(memory, at0, 300, 1);
    fill(memory, b.addressIn(memory), 50, 1000);
    const moves = residentStats.moves;
    ensureScratch(memory, 70000 * 4);
    expect(residentStats.moves).toBe(moves + 1);
    expect(a.addressIn(memory) * 4).toBeGreaterThanOrEqual(70000 * 4);
    expect(read(memory, a.addressIn(memory), 300)).toEqual(expected(300, 1));
    expect(read(memory, b.addressIn(memory), 50)).toEqual(expected(50, 1000));
    // A request below the zone changes nothing.
    const at1 = a.addressIn(memory);
    ensureScratch(memory, 4000);
    expect(a.addressIn(memory)).toBe(at1);
    expect(a.addressIn(new WebAssembly.Memory({ initial: 1 }))).toBe(-1);
    expect(a.values().slice(0, 3)).toEqual(new Float32Array([1, 2, 3]));
    // view: the same floats, read where they are (after the move: from their new place), no copy.
    expect(Array.from(a.view(2, 5))).toEqual([3, 4, 5]);
    expect(a.view().length).toBe(300);
    expect(a.view().buffer).toBe(memory.buffer);
    expect(Array.from(b.view(0, 2))).toEqual([1000, 1001]);
  });

  it("a move packs the live blocks an eighth above the request and grows the memory by no more", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const blocks = [4096, 8192, 4096, 2048].map((n) => allocResident(memory, n)!);
    blocks.forEach((b, i) => fill(memory, b.addressIn(memory), b.floats, 1000 * i));
    blocks[1].free(); // a hole below a live block: dropped by the move
    const request = 1 << 20; // bytes
    ensureScratch(memory, request);
    const live = [blocks[0], blocks[2], blocks[3]];
    const floats = request / 4;
    expect(live[0].addressIn(memory)).toBe(floats + floats / 8);
    expect(live.map((b) => b.addressIn(memory) - live[0].addressIn(memory))).toEqual([0, 4096, 8192]);
    live.forEach((b) => expect(read(memory, b.addressIn(memory), b.floats)).toEqual(expected(b.floats, 1000 * blocks.indexOf(b))));
    expect(memory.buffer.byteLength).toBeLessThanOrEqual((floats + floats / 8 + 10240) * 4 + 65536);
    expect(zoneUse(memory)).toEqual({ live: 10240, span: 10240 });
    // The freed block's space is gone; a new one goes on top, and the top shrinks as blocks free.
    const d = allocResident(memory, 100)!;
    expect(d.addressIn(memory)).toBe(live[2].addressIn(memory) + 2048);
    d.free();
    live[2].free();
    expect(zoneUse(memory)).toEqual({ live: 8192, span: 8192 });
  });

  it("reuses a freed block of the same size, shrinks at the top, and refuses past its bound", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const a = allocResident(memory, 64)!, b = allocResident(memory, 64)!;
    const aAt = a.addressIn(memory);
    a.free();
    a.free(); // idempotent
    expect(a.addressIn(memory)).toBe(-1);
    const c = allocResident(memory, 64)!;
    expect(c.addressIn(memory)).toBe(aAt);
    expect(zoneUse(memory)).toEqual({ live: 128, span: 128 });
    b.free();
    c.free();
    expect(zoneUse(memory)).toEqual({ live: 0, span: 0 });
    expect(() => a.values()).toThrow(/after free/);
    expect(() => a.view()).toThrow(/after free/);
    expect(allocResident(memory, MAX_ZONE_FLOATS + 1)).toBeNull();
  });

  it("gives its blocks up to JavaScript copies when the memory cannot grow to move it", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 3 });
    const a = allocResident(memory, 16384)!; // one page, above the first
    fill(memory, a.addressIn(memory), 16384, 7);
    const evictions = residentStats.evictions;
    ensureScratch(memory, 3 * 65536); // all three pages as scratch: the zone cannot move above them
    expect(residentStats.evictions).toBe(evictions + 1);
    expect(a.addressIn(memory)).toBe(-1);
    expect(Array.from(a.values().subarray(0, 4))).toEqual([7, 8, 9, 10]);
    expect(Array.from(a.view(1, 3))).toEqual([8, 9]); // from the evicted copy
    expect(zoneUse(memory)).toBeNull();
    a.free();
  });
});

const wasm = kernels.gemm?.memory !== undefined;

/** A GPT-bench-sized encoder layer (its feed-forward block and attention run in module memory). */
function layerRun(between: (memory: WebAssembly.Memory) => void, retain = false): { grads: number[][]; liveAfterForward: number; liveAfter: number } {
  torch.manual_seed(5);
  const layer = new nn.TransformerEncoderLayer(64, 4, { dim_feedforward: 256, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
  const x = torch.randn(16, 64, 64, { requires_grad: true });
  const mask = torch.ones(64, 64, { dtype: torch.bool }).triu(1);
  const memory = kernels.gemm!.memory!;
  const live0 = zoneUse(memory)?.live ?? 0;
  const y = layer(x, { src_mask: mask, is_causal: true });
  const liveAfterForward = (zoneUse(memory)?.live ?? 0) - live0;
  between(memory);
  const loss = y.square().mean();
  loss.backward({ retain_graph: retain });
  if (retain) {
    for (const p of [x, ...layer.parameters()]) p.grad = null;
    loss.backward();
  }
  const grads = [x, ...layer.parameters()].map((p) => Array.from(p.grad!.contiguous()._data as ArrayLike<number>));
  return { grads, liveAfterForward, liveAfter: (zoneUse(memory)?.live ?? 0) - live0 };
}

describe.runIf(wasm)("fused blocks keep their activations resident", () => {
  it("keeps them between forward and backward, frees them on release, the same gradients after a move of the zone", () => {
    const plain = layerRun(() => {});
    // The activation and GELU derivative (1024 x 256 each) and attention's probabilities (64 x 64 x 64).
    expect(plain.liveAfterForward).toBe(2 * 1024 * 256 + 64 * 64 * 64);
    expect(plain.liveAfter).toBe(0);
    const moves = residentStats.moves;
    const moved = layerRun((memory) => ensureScratch(memory, memory.buffer.byteLength + 4096));
    expect(residentStats.moves).toBeGreaterThan(moves);
    expect(moved.grads).toEqual(plain.grads);
    const retained = layerRun(() => {}, true);
    expect(retained.grads).toEqual(plain.grads);
    expect(retained.liveAfter).toBe(0);
  });

  it("gives the same gradients when the backward runs on another memory (a pool's) than the one the forward kept them in", async () => {
    const plain = layerRun(() => {});
    const gemm = kernels.gemm;
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      // The forward keeps its blocks in the single-thread driver's memory; the backward's sessions
      // open on the pool's and copy them over (ResidentBlock.view).
      const across = layerRun(() => (kernels.gemm = pool.gemm));
      expect(pool.counts().split).toBeGreaterThan(0);
      // Compared as one verdict: a failing toEqual of these million-float arrays takes minutes to print.
      const differing = across.grads.map((g, i) => g.filter((v, j) => !Object.is(v, plain.grads[i][j])).length);
      expect(differing).toEqual(plain.grads.map(() => 0));
    } finally {
      kernels.gemm = gemm;
      pool.terminate();
    }
  });
});
