/** utils.data's sequence tasks (copy, reverse, sort, add) and the char-level text corpus. */
import { describe, expect, it } from "vitest";
import { torch, utils } from "../../../../lib/tensor/index";

const { SequenceTaskDataset, copy_task, reverse_task, sort_task, add_task, SONNETS, CharTokenizer, CharDataset, DataLoader } = utils.data;

const rows = (t: ReturnType<typeof torch.zeros>) => t.tolist() as number[][];

describe("sequence tasks", () => {
  it("copy, reverse and sort: int64 [n, L] sources over the vocabulary and the targets they define", () => {
    for (const [make, expected] of [
      [copy_task, (s: number[]) => s],
      [reverse_task, (s: number[]) => [...s].reverse()],
      [sort_task, (s: number[]) => [...s].sort((a, b) => a - b)],
    ] as const) {
      const ds = make(200, 7, 5, { random_state: 3 });
      expect(ds.src.shape).toEqual([200, 7]);
      expect(ds.src.dtype).toBe(torch.int64);
      expect(ds.tgt.dtype).toBe(torch.int64);
      expect([ds.src_vocab_size, ds.tgt_vocab_size]).toEqual([5, 5]);
      const src = rows(ds.src);
      const tgt = rows(ds.tgt);
      src.forEach((s, i) => expect(tgt[i]).toEqual(expected(s)));
      expect(new Set(src.flat())).toEqual(new Set([0, 1, 2, 3, 4]));
    }
  });

  it("add: pairs of digits least significant first; the targets are the digits of the sum, carry included", () => {
    const base = 10;
    const ds = add_task(300, 5, base, { random_state: 4 });
    expect([ds.src_vocab_size, ds.tgt_vocab_size]).toEqual([100, 10]);
    const value = (digits: number[]) => digits.reduceRight((acc, d) => acc * base + d, 0);
    let carries = 0;
    rows(ds.src).forEach((s, i) => {
      const a = s.map((p) => Math.floor(p / base));
      const b = s.map((p) => p % base);
      expect([a[4], b[4]]).toEqual([0, 0]);
      const tgt = rows(ds.tgt)[i];
      expect(value(tgt)).toBe(value(a) + value(b));
      if (tgt[4] === 1) carries++;
    });
    expect(carries).toBeGreaterThan(50); // about half the sums of two 4-digit numbers reach 5 digits
  });

  it("is seeded: random_state repeats a dataset, torch.manual_seed repeats the global stream", () => {
    expect(rows(reverse_task(20, 6, { random_state: 9 }).src)).toEqual(rows(reverse_task(20, 6, { random_state: 9 }).src));
    expect(rows(reverse_task(20, 6, { random_state: 9 }).src)).not.toEqual(rows(reverse_task(20, 6, { random_state: 10 }).src));
    torch.manual_seed(5);
    const a = rows(sort_task(10).src);
    torch.manual_seed(5);
    expect(rows(sort_task(10).src)).toEqual(a);
  });

  it("works as a Dataset with the DataLoader: [src, tgt] samples batch to [B, L]", () => {
    const ds = new SequenceTaskDataset("copy", 10, 4);
    expect(ds.length).toBe(10);
    const [s, t] = ds.get(3);
    expect(s.tolist()).toEqual(t.tolist());
    const batches = [...new DataLoader(ds, { batch_size: 4 })];
    expect(batches).toHaveLength(3);
    expect(batches[0][0].shape).toEqual([4, 4]);
    expect(batches[0][1].dtype).toBe(torch.int64);
  });

  it("rejects bad settings", () => {
    expect(() => copy_task(10, 0)).toThrow(/seq_len must be an integer >= 1/);
    expect(() => add_task(10, 1)).toThrow(/seq_len must be an integer >= 2/);
    expect(() => reverse_task(10, 4, 1)).toThrow(/vocab_size must be an integer >= 2/);
    expect(() => new SequenceTaskDataset("shuffle" as "copy", 3)).toThrow(/unknown sequence task 'shuffle'/);
    expect(() => copy_task({ seq: 3 } as never)).toThrow(/unexpected keyword argument 'seq'/);
  });
});

describe("the sonnets corpus and char-level datasets", () => {
  it("ships fourteen public-domain sonnets of fourteen lines, with source and licence", () => {
    expect(SONNETS.licence).toMatch(/public domain/i);
    expect(SONNETS.source).toMatch(/1609/);
    const sonnets = SONNETS.text.trim().split(/\n\n(?=[IVXLC]+\n)/);
    expect(sonnets).toHaveLength(14);
    for (const s of sonnets) expect(s.split("\n\n")[1].split("\n")).toHaveLength(14);
    expect(SONNETS.text).toContain("Shall I compare thee to a summer's day?");
  });

  it("CharTokenizer: sorted distinct characters, encode/decode round trip, unknown characters rejected", () => {
    const tok = new CharTokenizer(SONNETS.text);
    expect(tok.vocab_size).toBeLessThan(80);
    expect([...tok.chars]).toEqual([...tok.chars].sort());
    const line = "Love is not love";
    expect(tok.decode(tok.encode(line))).toBe(line);
    expect(() => tok.encode("Love is not love™")).toThrow(/not in the vocabulary/);
    expect(() => tok.decode([999])).toThrow(/outside the vocabulary/);
  });

  it("CharDataset: windows of block_size ids, the target shifted by one character", () => {
    const ds = new CharDataset(SONNETS.text, 16);
    expect(ds.length).toBe(SONNETS.text.length - 16);
    const [x, y] = ds.get(5);
    expect(x.dtype).toBe(torch.int64);
    expect(ds.tokenizer.decode(x)).toBe(SONNETS.text.slice(5, 21));
    expect(ds.tokenizer.decode(y)).toBe(SONNETS.text.slice(6, 22));
    expect(() => ds.get(ds.length)).toThrow(/out of range/);
    expect(() => new CharDataset("abc", 3)).toThrow(/at least 4/);
  });
});
