/**
 * Every argument by keyword (torch 1.13's clip_grad_norm_(parameters=..., max_norm=...), DataLoader(dataset=...),
 * torch.scatter_reduce(x, dim=0, index=i, src=s, reduce="sum")) in a learner's TypeScript cell, type-checked against
 * the declarations the editor loads (engine-types-cells.ts): they run (tests/unit/tensor/nn/utils_all_keywords.test.ts,
 * core/scatter_reduce_keywords.test.ts), so they must not be underlined; a misspelt keyword must be.
 */
import { describe, expect, it } from "vitest";
import { cellTypeChecker } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

describe("all-keyword calls in a learner's cell type-check against the generated engine declarations", () => {
  it("nn.utils, torch.utils.data and scatter_reduce with every argument by keyword", () => {
    const cell = `
const m = new nn.Linear(2, 2);
const total: Tensor = nn.utils.clip_grad_norm_({ parameters: m.parameters(), max_norm: 1, norm_type: 2 });
nn.utils.clip_grad_value_({ parameters: m.parameters(), clip_value: 0.5 });
const flat: Tensor = nn.utils.parameters_to_vector({ parameters: m.parameters() });
nn.utils.vector_to_parameters({ vec: flat, parameters: m.parameters() });
const wn: nn.Linear = nn.utils.weight_norm({ module: new nn.Linear(2, 2), name: "weight", dim: 0 });
const packed = nn.utils.rnn.pack_sequence({ sequences: [torch.ones(2, 1), torch.ones(1, 1)], enforce_sorted: false });
const [padded, lengths] = nn.utils.rnn.pad_packed_sequence({ sequence: packed, batch_first: true });
const again = nn.utils.rnn.pack_padded_sequence({ input: padded, lengths, batch_first: true, enforce_sorted: false });
nn.utils.prune.l1_unstructured({ module: m, name: "weight", amount: 0.5 });
nn.utils.prune.remove({ module: m, name: "weight" });
const y = nn.utils.stateless.functional_call({ module: m, parameters_and_buffers: { bias: torch.zeros(2) }, args: [torch.ones(1, 2)] });
const ds = new utils.data.TensorDataset(torch.randn(4, 2), torch.arange(4));
const [train, val] = torch.utils.data.random_split({ dataset: ds, lengths: [3, 1], generator: torch.manual_seed(0) });
const sub = new torch.utils.data.Subset({ dataset: ds, indices: [0, 1] });
const loader = new torch.utils.data.DataLoader({ dataset: sub, batch_size: 2, shuffle: true });
const batches = new torch.utils.data.BatchSampler({ sampler: new torch.utils.data.RandomSampler({ data_source: ds, replacement: true }), batch_size: 2, drop_last: false });
const s: Tensor = torch.scatter_reduce(torch.zeros(3), { dim: 0, index: torch.tensor([0, 1], { dtype: torch.long }), src: torch.ones(2), reduce: "sum" });
const t: Tensor = torch.zeros(3).scatter_reduce({ dim: 0, index: torch.tensor([0, 1], { dtype: torch.long }), src: torch.ones(2), reduce: "amax", include_self: false });
print(total, wn, again, y, train, val, loader, batches, s, t);
`;
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("a misspelt keyword is flagged", () => {
    const messages = cellDiagnostics(`
const m = new nn.Linear(2, 2);
nn.utils.clip_grad_norm_({ parameters: m.parameters(), max_nrom: 1 });
torch.scatter_reduce(torch.zeros(3), { dim: 0, index: torch.tensor([0]), src: torch.ones(1), reduse: "sum" });
`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("max_nrom");
    expect(messages[1]).toContain("reduse");
  });
});
