/**
 * Blocks of a GEMM driver's memory that outlive the call that wrote them: a fused block's saved
 * activations, left in place between its forward and its backward instead of copied out to a
 * JavaScript array and staged back in (the feed-forward block's activation and GELU derivative,
 * attention's probabilities: 12.6 MB of the GPT bench step's 44 MB of copies).
 *
 * Every other user of the memory (gemm sessions, the matmul driver, convolution, pooling) treats it
 * as scratch from address 0 up to what it last asked ensureScratch for. The resident zone sits above
 * the highest such request; a request that reaches into it moves the zone up (one copyWithin) and
 * updates its blocks' addresses. So a block's address is read (addressIn) only after the op's last
 * scratch request, and nothing may hold it across another op.
 *
 * A block is freed when the autograd node that saved it is released (Node.kept), or, for a graph
 * dropped without a backward, when its handle is garbage-collected. The zone is bounded
 * (MAX_ZONE_FLOATS): past it allocResident returns null and the caller copies out as before. If the
 * memory cannot grow to move the zone, the live blocks are copied out to JavaScript arrays (evicted)
 * and the zone is given up, so scratch always wins.
 */

/** At most this many floats live in one memory's zone (64 MB); beyond it callers keep their copies. */
export const MAX_ZONE_FLOATS = 16 * 1024 * 1024;

interface Region {
  /** Float address (moves with the zone). */
  at: number;
  readonly floats: number;
  free: boolean;
  /** The values, once the zone was given up (evict). */
  evicted: Float32Array | null;
}

interface Zone {
  base: number;
  end: number;
  /** In address order. */
  regions: Region[];
}

const zones = new WeakMap<WebAssembly.Memory, Zone>();

/**
 * Frees a dropped handle's region (a graph released without a backward). Hosts without
 * FinalizationRegistry free only on release; a zone that fills up then makes the ops copy out.
 */
interface Registry {
  register(target: object, held: { memory: WebAssembly.Memory; region: Region }, token: object): void;
  unregister(token: object): void;
}
const collected: Registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<{ memory: WebAssembly.Memory; region: Region }>(({ memory, region }) => release(memory, region))
    : { register() {}, unregister() {} };

const align16 = (floats: number) => Math.ceil(floats / 16) * 16;

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

/**
 * Makes bytes [0, bytes) of `memory` scratch for the caller: grows it when needed and moves the
 * resident zone, if any, above them (its blocks' addresses change). The zone moves to an eighth
 * above the request (a slightly larger next request stays put) with its live blocks packed, so the
 * memory grows by the request's headroom plus what is live, not by the zone's old span twice.
 */
export function ensureScratch(memory: WebAssembly.Memory, bytes: number): void {
  const zone = zones.get(memory);
  if (!zone) return grow(memory, bytes);
  if (bytes <= zone.base * 4) return;
  const need = Math.ceil(bytes / 4);
  const base = align16(need + (need >> 3));
  const live = zone.regions.filter((r) => !r.free);
  const end = live.reduce((at, r) => at + align16(r.floats), base);
  try {
    grow(memory, end * 4);
  } catch {
    evict(memory, zone);
    return grow(memory, bytes);
  }
  // Through JavaScript copies: blocks may move up or down (freed ones between them are dropped),
  // and moves are rare (a larger scratch request than any before).
  const h = new Float32Array(memory.buffer);
  const values = live.map((r) => h.slice(r.at, r.at + r.floats));
  let at = base;
  live.forEach((r, i) => {
    r.at = at;
    h.set(values[i], at);
    at += align16(r.floats);
  });
  zone.regions = live;
  zone.base = base;
  zone.end = end;
  residentStats.moves++;
}

/** Copies every live block out to JavaScript and drops the zone (its space is scratch again). */
function evict(memory: WebAssembly.Memory, zone: Zone): void {
  const h = new Float32Array(memory.buffer);
  for (const r of zone.regions) if (!r.free) r.evicted = h.slice(r.at, r.at + r.floats);
  zones.delete(memory);
  residentStats.evictions++;
}

/** A block of saved floats in a GEMM driver's memory (see the header). */
export class ResidentBlock {
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly region: Region,
  ) {}

  get floats(): number {
    return this.region.floats;
  }

  /** Its float address in `memory` when it lives there (read after the op's scratch requests), else -1. */
  addressIn(memory: WebAssembly.Memory): number {
    return memory === this.memory && !this.region.evicted && !this.region.free ? this.region.at : -1;
  }

  /** Its values as a JavaScript array (a copy, unless evicted), for a caller on another memory or path. */
  values(): Float32Array {
    const r = this.region;
    if (r.free) throw new Error("resident block: read after free");
    return r.evicted ?? new Float32Array(this.memory.buffer).slice(r.at, r.at + r.floats);
  }

  /**
   * Floats [lo, hi) of its values without a copy: a view of its memory (or of the evicted copy),
   * for a caller that copies from it at once, before anything may grow that memory or move the zone
   * (which detaches or stales the view). Staging a block into another memory's session through
   * values() made a fresh array (page faults for a megabyte block) and copied twice.
   */
  view(lo = 0, hi = this.region.floats): Float32Array {
    const r = this.region;
    if (r.free) throw new Error("resident block: read after free");
    return r.evicted ? r.evicted.subarray(lo, hi) : new Float32Array(this.memory.buffer, (r.at + lo) * 4, hi - lo);
  }

  /** Gives its space back (idempotent). */
  free(): void {
    collected.unregister(this);
    release(this.memory, this.region);
  }
}

function release(memory: WebAssembly.Memory, region: Region): void {
  if (region.free) return;
  region.free = true;
  region.evicted = null;
  const zone = zones.get(memory);
  if (!zone || !zone.regions.includes(region)) return;
  // Free regions at the top shrink the zone, so other sizes can use the space.
  while (zone.regions.length && zone.regions[zone.regions.length - 1].free) zone.end = zone.regions.pop()!.at;
}

/**
 * A block of `floats` floats in `memory`'s resident zone (contents arbitrary), or null when the
 * zone is full. Call it after the op's scratch requests: it grows the memory above the zone and
 * never moves scratch, but a later scratch request may move the block.
 */
export function allocResident(memory: WebAssembly.Memory, floats: number): ResidentBlock | null {
  let zone = zones.get(memory);
  if (!zone) {
    const base = align16(memory.buffer.byteLength / 4);
    zones.set(memory, (zone = { base, end: base, regions: [] }));
  }
  let region = zone.regions.find((r) => r.free && r.floats === floats) ?? null;
  if (region) region.free = false;
  else {
    if (zone.end - zone.base + align16(floats) > MAX_ZONE_FLOATS) return null;
    try {
      grow(memory, (zone.end + align16(floats)) * 4);
    } catch {
      return null;
    }
    region = { at: zone.end, floats, free: false, evicted: null };
    zone.regions.push(region);
    zone.end += align16(floats);
  }
  const block = new ResidentBlock(memory, region);
  collected.register(block, { memory, region }, block);
  residentStats.allocs++;
  return block;
}

/** Counts for tests and benches. */
export const residentStats = { allocs: 0, moves: 0, evictions: 0 };

/** For tests: the zone's floats in use and in all, or null without one. */
export function zoneUse(memory: WebAssembly.Memory): { live: number; span: number } | null {
  const zone = zones.get(memory);
  if (!zone) return null;
  return { live: zone.regions.filter((r) => !r.free).reduce((s, r) => s + r.floats, 0), span: zone.end - zone.base };
}
