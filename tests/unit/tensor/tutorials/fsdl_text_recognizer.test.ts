/**
 * A probe of the Full Stack Deep Learning text-recognizer labs (the-full-stack/fsdl-text-recognizer-2021-labs and
 * fsdl-text-recognizer-2022-labs), translated as a learner would:
 *  - text_recognizer/models/: MLP, CNN + ConvBlock (2021 lab2), LineReshapeCNN (2021 lab2; squeeze / permute / view),
 *    LineCNNSimple (2022 lab03; sliding windows written
 *    into a zeros tensor), LineCNN (2021 lab4; kaiming_normal_(mode="fan_out") over self.modules() by type(m) in
 *    {...}, the (H // 2, WW // 2) window conv, squeeze().permute), LineCNNLSTM (bidirectional 2-layer LSTM, directions
 *    summed through view), LineCNNTransformer (2021 lab4) and ResnetTransformer (2022 lab05) with transformer_util's
 *    PositionalEncoding, PositionalEncodingImage and generate_square_subsequent_mask, nn.TransformerDecoder and the
 *    greedy decoding loops (with the 2022 early stop);
 *  - lit_models/: ctc.py's compute_input_lengths, the CTC training_step (log_softmax permuted to (S, B, C),
 *    CTCLoss(zero_infinity=True)) and greedy_decode, util.py's first_element (2021) and first_appearance /
 *    replace_after (2022), transformer.py's teacher_forward + CrossEntropyLoss(ignore_index=<P>), get_preds, batchmap,
 *    the CharacterErrorRate metric (the 2021 edit-distance version);
 *  - data/: emnist_lines.py's construct_image_from_string (uint8 glyphs added in place, wrapping where they overlap,
 *    then torch.minimum with a float tensor), util.py's convert_strings_to_labels.
 *  - lit_models/base.py's optimizer and loss looked up by name (getattr(torch.optim, "Adam"), getattr(F, "cross_entropy"))
 *    with OneCycleLR(max_lr, total_steps) (lrs, Adam's cycled beta1), util.py's split_dataset (seeded random_split).
 * Lightning's training_step bodies are plain loops (Adam, lr 1e-3, 3 steps). Toy sizes: 8x8 glyphs, 1x8x32 lines,
 * a 10-symbol mapping, small widths; the EMNIST glyphs are seeded uint8 stand-ins with a fixed overlap, and the
 * resnet18 trunk of ResnetTransformer is a small conv stem (resnet's first layers). Values are compared with torch
 * 1.13 running the same code (scripts/fixtures/fsdl_text_recognizer_fixtures.py -> tests/fixtures/torch/tutorials/
 * fsdl_text_recognizer.json).
 *
 * Python forms written otherwise: `x[i, j] = v` -> x.index_put_([i, j], v), `x[a:b]` -> x.index("a:b"),
 * `type(m) in {...}` -> a list's includes(m.constructor), itertools.groupby -> a loop, editdistance -> a small DP,
 * args / argparse -> constructor parameters, `with torch.no_grad():` -> torch.no_grad(() => ...), Python's assert
 * statements -> dropped (they are not the engine's), getattr(module, name) -> indexing the namespace by name.
 * Engine gaps found: 56db4764 (Transformer modules' tgt= / memory= / src= keywords, ctc_loss length messages, expand's
 * type name), 20d92e6b (attention mask dtypes, a memory of another width, ctc_loss float targets / blank / dims),
 * 11519ac1 (ctc_loss lengths: both lists or both tensors).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("fsdl_text_recognizer.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

const MAPPING = ["<B>", "<S>", "<E>", "<P>", "a", "b", "c", "d", "e", "f"];
const INV: Record<string, number> = Object.fromEntries(MAPPING.map((v, i) => [v, i]));
const GLYPH = 8, IMAGE_SIZE = 8, LINE_W = 32;
const STRINGS = ["abc", "fed", "ba", "cab"];
const N = STRINGS.length;
const long = { dtype: torch.long };
type Config = { input_dims: number[]; mapping: unknown[]; output_dims?: number[] };

// ---------------- data ----------------
function glyphs(seed: number): Record<string, Tensor> {
  const g = new torch.Generator().manual_seed(seed);
  const out: Record<string, Tensor> = {};
  for (const ch of MAPPING.slice(4)) out[ch] = torch.randint(0, 256, [GLYPH, GLYPH], { generator: g, dtype: torch.uint8 });
  return out;
}

function construct_image_from_string(string: string, samples_by_char: Record<string, Tensor>, overlap: number, width: number): Tensor {
  const sampled_images = [...string].map((c) => samples_by_char[c]);
  const [H, W] = sampled_images[0].shape;
  const next_overlap_width = W - Math.trunc(overlap * W);
  const concatenated_image = torch.zeros([H, width], { dtype: torch.uint8 });
  let x = 0;
  for (const image of sampled_images) {
    concatenated_image.index(":", `${x}:${x + W}`).add_(image); // concatenated_image[:, x:(x + W)] += image
    x += next_overlap_width;
  }
  return torch.minimum(new torch.Tensor([255]), concatenated_image);
}

function convert_strings_to_labels(strings: string[], mapping: Record<string, number>, length: number, with_start_end_tokens = true): Tensor {
  const labels = torch.ones([strings.length, length], long).mul(mapping["<P>"]);
  strings.forEach((string, i) => {
    let tokens = [...string];
    if (with_start_end_tokens) tokens = ["<S>", ...tokens, "<E>"];
    tokens.forEach((token, ii) => labels.index_put_([i, ii], mapping[token]));
  });
  return labels;
}

const G = glyphs(0);
const images = torch.zeros([N, IMAGE_SIZE, LINE_W]);
STRINGS.forEach((s, n) => images.index_put_([n], construct_image_from_string(s, G, 0.25, LINE_W)));
const X = images.div(255).unsqueeze(1);
const Y_se = convert_strings_to_labels(STRINGS, INV, 5);
const Y_plain = convert_strings_to_labels(STRINGS, INV, 4, false);

// ---------------- models ----------------
class MLP extends nn.Module {
  data_config: Config;
  fc1: nn.Linear; dropout: nn.Dropout; fc2: nn.Linear; fc3: nn.Linear;
  constructor(data_config: Config) {
    super();
    this.data_config = data_config;
    const input_dim = data_config.input_dims.reduce((a, b) => a * b, 1);
    const num_classes = data_config.mapping.length;
    this.fc1 = new nn.Linear(input_dim, 16);
    this.dropout = new nn.Dropout(0.5);
    this.fc2 = new nn.Linear(16, 8);
    this.fc3 = new nn.Linear(8, num_classes);
  }
  forward(x: Tensor): Tensor {
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout(x);
    x = this.fc2(x);
    x = F.relu(x);
    x = this.dropout(x);
    return this.fc3(x);
  }
}

class ConvBlock extends nn.Module {
  conv: nn.Conv2d; relu: nn.ReLU;
  constructor(input_channels: number, output_channels: number, kernel_size: number | [number, number] = 3, stride: number | [number, number] = 1) {
    super();
    this.conv = new nn.Conv2d(input_channels, output_channels, { kernel_size, stride, padding: 1 });
    this.relu = new nn.ReLU();
  }
  forward(x: Tensor): Tensor {
    const c = this.conv(x);
    return this.relu(c);
  }
}

class CNN extends nn.Module {
  conv1: ConvBlock; conv2: ConvBlock; dropout: nn.Dropout; max_pool: nn.MaxPool2d; fc1: nn.Linear; fc2: nn.Linear;
  constructor(data_config: Config, conv_dim = 4, fc_dim = 16) {
    super();
    const input_dims = data_config.input_dims;
    const num_classes = data_config.mapping.length;
    this.conv1 = new ConvBlock(input_dims[0], conv_dim);
    this.conv2 = new ConvBlock(conv_dim, conv_dim);
    this.dropout = new nn.Dropout(0.25);
    this.max_pool = new nn.MaxPool2d(2);
    const conv_output_size = Math.floor(IMAGE_SIZE / 2);
    this.fc1 = new nn.Linear(conv_output_size * conv_output_size * conv_dim, fc_dim);
    this.fc2 = new nn.Linear(fc_dim, num_classes);
  }
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = this.conv2(x);
    x = this.max_pool(x);
    x = this.dropout(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    return this.fc2(x);
  }
}

class LineCNNSimple extends nn.Module {
  WW: number; WS: number; limit_output_length: boolean; num_classes: number; output_length: number; cnn: CNN;
  constructor(data_config: Config, WW = 8, WS = 8, limit_output_length = false) {
    super();
    this.WW = WW; this.WS = WS; this.limit_output_length = limit_output_length;
    this.num_classes = data_config.mapping.length;
    this.output_length = data_config.output_dims![0];
    this.cnn = new CNN({ ...data_config, input_dims: [data_config.input_dims[0], WW, WW] });
  }
  forward(x: Tensor): Tensor {
    const [B, , , W] = x.shape;
    const S = Math.floor((W - this.WW) / this.WS + 1);
    let activations = torch.zeros([B, this.num_classes, S]).type_as(x);
    for (let s = 0; s < S; s++) {
      const start_w = this.WS * s;
      const window = x.index(":", ":", ":", `${start_w}:${start_w + this.WW}`);
      activations.index_put_([":", ":", s], this.cnn(window)); // activations[:, :, s] = self.cnn(window)
    }
    if (this.limit_output_length) activations = activations.index(":", ":", `:${this.output_length}`);
    return activations;
  }
}

class LineCNN extends nn.Module {
  num_classes: number; output_length: number; limit_output_length: boolean; WW: number; WS: number;
  conv1: ConvBlock; conv2: ConvBlock; conv3: ConvBlock; conv4: ConvBlock; dropout: nn.Dropout; fc1: nn.Linear; fc2: nn.Linear;
  constructor(data_config: Config, conv_dim = 4, fc_dim = 16, WW = 8, WS = 4) {
    super();
    this.num_classes = data_config.mapping.length;
    this.output_length = data_config.output_dims![0];
    this.limit_output_length = false;
    const H = data_config.input_dims[1];
    this.WW = WW; this.WS = WS;
    this.conv1 = new ConvBlock(1, conv_dim);
    this.conv2 = new ConvBlock(conv_dim, conv_dim);
    this.conv3 = new ConvBlock(conv_dim, conv_dim, 3, 2);
    const k: [number, number] = [Math.floor(H / 2), Math.floor(WW / 2)], st: [number, number] = [Math.floor(H / 2), Math.floor(WS / 2)];
    this.conv4 = new ConvBlock(conv_dim, fc_dim, k, st);
    this.dropout = new nn.Dropout(0.25);
    this.fc1 = new nn.Linear(fc_dim, fc_dim);
    this.fc2 = new nn.Linear(fc_dim, this.num_classes);
    this._init_weights();
  }
  _init_weights(): void {
    for (const m of this.modules()) {
      if ([nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d, nn.ConvTranspose3d, nn.Linear].includes(m.constructor as never)) {
        const mm = m as nn.Conv2d | nn.Linear;
        nn.init.kaiming_normal_(mm.weight.data, { a: 0, mode: "fan_out", nonlinearity: "relu" });
        if (mm.bias !== null) {
          const [, fan_out] = nn.init._calculate_fan_in_and_fan_out(mm.weight.data);
          const bound = 1 / Math.sqrt(fan_out);
          nn.init.normal_(mm.bias, -bound, bound);
        }
      }
    }
  }
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = this.conv2(x);
    x = this.conv3(x);
    x = this.conv4(x);
    x = x.squeeze().permute(0, 2, 1);
    x = F.relu(this.fc1(x));
    x = this.dropout(x);
    x = this.fc2(x);
    return x.permute(0, 2, 1);
  }
}

class LineCNNLSTM extends nn.Module {
  line_cnn: LineCNN; lstm: nn.LSTM; fc: nn.Linear;
  constructor(data_config: Config, lstm_dim = 8, lstm_layers = 2, lstm_dropout = 0.25) {
    super();
    const num_classes = data_config.mapping.length;
    this.line_cnn = new LineCNN(data_config);
    this.lstm = new nn.LSTM({ input_size: num_classes, hidden_size: lstm_dim, num_layers: lstm_layers, dropout: lstm_dropout, bidirectional: true });
    this.fc = new nn.Linear(lstm_dim, num_classes);
  }
  forward(x: Tensor): Tensor {
    x = this.line_cnn(x);
    const [B, , S] = x.shape;
    x = x.permute(2, 0, 1);
    [x] = this.lstm(x);
    x = x.view(S, B, 2, -1).sum({ dim: 2 });
    x = this.fc(x);
    return x.permute(1, 2, 0);
  }
}

class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pe: Tensor;
  constructor(d_model: number, dropout = 0.1, max_len = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    this.register_buffer("pe", PositionalEncoding.make_pe(d_model, max_len));
  }
  static make_pe(d_model: number, max_len: number): Tensor {
    let pe = torch.zeros(max_len, d_model);
    const position = torch.arange(0, max_len, { dtype: torch.float }).unsqueeze(1);
    const div_term = torch.exp(torch.arange(0, d_model, 2).float().mul(-Math.log(10000.0) / d_model));
    pe.index_put_([":", "0::2"], torch.sin(position.mul(div_term)));
    pe.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
    pe = pe.unsqueeze(1);
    return pe;
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.pe.index(`:${x.size(0)}`));
    return this.dropout(x);
  }
}

class PositionalEncodingImage extends nn.Module {
  d_model: number;
  declare pe: Tensor;
  constructor(d_model: number, max_h = 2000, max_w = 2000) {
    super();
    this.d_model = d_model;
    this.register_buffer("pe", PositionalEncodingImage.make_pe(d_model, max_h, max_w));
  }
  static make_pe(d_model: number, max_h: number, max_w: number): Tensor {
    let pe_h = PositionalEncoding.make_pe(Math.floor(d_model / 2), max_h);
    pe_h = pe_h.permute(2, 0, 1).expand(-1, -1, max_w);
    let pe_w = PositionalEncoding.make_pe(Math.floor(d_model / 2), max_w);
    pe_w = pe_w.permute(2, 1, 0).expand(-1, max_h, -1);
    return torch.cat([pe_h, pe_w], { dim: 0 });
  }
  forward(x: Tensor): Tensor {
    return x.add(this.pe.index(":", `:${x.size(2)}`, `:${x.size(3)}`));
  }
}

function generate_square_subsequent_mask(size: number): Tensor {
  let mask = torch.triu(torch.ones(size, size)).eq(1).transpose(0, 1);
  mask = mask.float().masked_fill(mask.eq(0), -Infinity).masked_fill(mask.eq(1), 0.0);
  return mask;
}

/** What LineCNNTransformer and ResnetTransformer share: the decoder half and the greedy loop. */
abstract class Seq2Seq extends nn.Module {
  num_classes: number; start_token: number; end_token: number; padding_token: number; max_output_length: number; dim: number;
  embedding!: nn.Embedding; fc!: nn.Linear; y_mask!: Tensor; transformer_decoder!: nn.TransformerDecoder;
  constructor(data_config: Config, dim: number) {
    super();
    this.num_classes = data_config.mapping.length;
    const inverse_mapping = Object.fromEntries(data_config.mapping.map((v, i) => [v, i]));
    this.start_token = inverse_mapping["<S>"];
    this.end_token = inverse_mapping["<E>"];
    this.padding_token = inverse_mapping["<P>"];
    this.max_output_length = data_config.output_dims![0];
    this.dim = dim;
  }
  abstract encode(x: Tensor): Tensor;
  abstract pos(y: Tensor): Tensor;
  makeDecoder(tf_fc_dim: number, tf_nhead: number, tf_dropout: number, tf_layers: number): void {
    this.y_mask = generate_square_subsequent_mask(this.max_output_length);
    this.transformer_decoder = new nn.TransformerDecoder(
      new nn.TransformerDecoderLayer({ d_model: this.dim, nhead: tf_nhead, dim_feedforward: tf_fc_dim, dropout: tf_dropout }),
      { num_layers: tf_layers },
    );
  }
  decode(x: Tensor, y: Tensor): Tensor {
    const y_padding_mask = y.eq(this.padding_token);
    y = y.permute(1, 0);
    y = this.embedding(y).mul(Math.sqrt(this.dim));
    y = this.pos(y);
    const Sy = y.shape[0];
    const y_mask = this.y_mask.index(`:${Sy}`, `:${Sy}`).type_as(x);
    const output = this.transformer_decoder({ tgt: y, memory: x, tgt_mask: y_mask, tgt_key_padding_mask: y_padding_mask });
    return this.fc(output);
  }
  greedy(x: Tensor, earlyStop: boolean, lastSlice: boolean): Tensor {
    const B = x.shape[0];
    const S = this.max_output_length;
    x = this.encode(x);
    const output_tokens = torch.ones([B, S]).mul(this.padding_token).type_as(x).long();
    output_tokens.index_put_([":", 0], this.start_token);
    for (let Sy = 1; Sy < S; Sy++) {
      const y = output_tokens.index(":", `:${Sy}`);
      let output = this.decode(x, y);
      output = torch.argmax(output, { dim: -1 });
      // lab4: output_tokens[:, Sy] = output[-1:] (a (1, B) value); 2022: output[-1]
      output_tokens.index_put_([":", Sy], lastSlice ? output.index("-1:") : output.index(-1));
      if (earlyStop && output_tokens.index(":", Sy).eq(this.end_token).bitwise_or(output_tokens.index(":", Sy).eq(this.padding_token)).all().item()) break;
    }
    for (let Sy = 1; Sy < S; Sy++) {
      const ind = output_tokens.index(":", Sy - 1).eq(this.end_token).logical_or(output_tokens.index(":", Sy - 1).eq(this.padding_token));
      output_tokens.index_put_([ind, Sy], this.padding_token);
    }
    return output_tokens;
  }
}

class LineCNNTransformer extends Seq2Seq {
  line_cnn: LineCNN; pos_encoder: PositionalEncoding;
  constructor(data_config: Config, dim = 16, tf_fc_dim = 16, tf_nhead = 2, tf_dropout = 0.4, tf_layers = 1) {
    super(data_config, dim);
    this.line_cnn = new LineCNN({ ...data_config, mapping: [...Array(dim).keys()] });
    this.embedding = new nn.Embedding(this.num_classes, this.dim);
    this.fc = new nn.Linear(this.dim, this.num_classes);
    this.pos_encoder = new PositionalEncoding(this.dim);
    this.makeDecoder(tf_fc_dim, tf_nhead, tf_dropout, tf_layers);
    this.init_weights();
  }
  init_weights(): void {
    const initrange = 0.1;
    this.embedding.weight.data.uniform_(-initrange, initrange);
    this.fc.bias!.data.zero_();
    this.fc.weight.data.uniform_(-initrange, initrange);
  }
  encode(x: Tensor): Tensor {
    x = this.line_cnn(x);
    x = x.mul(Math.sqrt(this.dim));
    x = x.permute(2, 0, 1);
    return this.pos_encoder(x);
  }
  pos(y: Tensor): Tensor {
    return this.pos_encoder(y);
  }
  forward(x: Tensor, y: Tensor): Tensor {
    x = this.encode(x);
    return this.decode(x, y).permute(1, 2, 0);
  }
  predict(x: Tensor): Tensor {
    return this.greedy(x, false, true);
  }
}

class ResnetTransformer extends Seq2Seq {
  resnet: nn.Sequential; encoder_projection: nn.Conv2d; enc_pos_encoder: PositionalEncodingImage; dec_pos_encoder: PositionalEncoding;
  constructor(data_config: Config, dim = 16, tf_fc_dim = 16, tf_nhead = 2, tf_dropout = 0.4, tf_layers = 1, resnet_dim = 8) {
    super(data_config, dim);
    this.resnet = new nn.Sequential(
      new nn.Conv2d(3, resnet_dim, { kernel_size: 3, stride: 2, padding: 1, bias: false }),
      new nn.BatchNorm2d(resnet_dim),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 }),
    );
    this.encoder_projection = new nn.Conv2d(resnet_dim, this.dim, { kernel_size: 1 });
    this.enc_pos_encoder = new PositionalEncodingImage(this.dim, data_config.input_dims[1], data_config.input_dims[2]);
    this.embedding = new nn.Embedding(this.num_classes, this.dim);
    this.fc = new nn.Linear(this.dim, this.num_classes);
    this.dec_pos_encoder = new PositionalEncoding(this.dim, 0.1, this.max_output_length);
    this.makeDecoder(tf_fc_dim, tf_nhead, tf_dropout, tf_layers);
    this.init_weights();
  }
  init_weights(): void {
    const initrange = 0.1;
    this.embedding.weight.data.uniform_(-initrange, initrange);
    this.fc.bias!.data.zero_();
    this.fc.weight.data.uniform_(-initrange, initrange);
    nn.init.kaiming_normal_(this.encoder_projection.weight.data, { a: 0, mode: "fan_out", nonlinearity: "relu" });
    if (this.encoder_projection.bias !== null) {
      const [, fan_out] = nn.init._calculate_fan_in_and_fan_out(this.encoder_projection.weight.data);
      const bound = 1 / Math.sqrt(fan_out);
      nn.init.normal_(this.encoder_projection.bias, -bound, bound);
    }
  }
  encode(x: Tensor): Tensor {
    const C = x.shape[1];
    if (C === 1) x = x.repeat(1, 3, 1, 1);
    x = this.resnet(x);
    x = this.encoder_projection(x);
    x = this.enc_pos_encoder(x);
    x = torch.flatten(x, { start_dim: 2 });
    return x.permute(2, 0, 1);
  }
  pos(y: Tensor): Tensor {
    return this.dec_pos_encoder(y);
  }
  forward(x: Tensor): Tensor {
    return this.greedy(x, true, false);
  }
}

// ---------------- lit_models helpers ----------------
function compute_input_lengths(padded_sequences: Tensor): Tensor {
  const lengths = torch.arange(padded_sequences.shape[1]).type_as(padded_sequences);
  return padded_sequences.gt(0).mul(lengths).argmax(1).add(1);
}

function first_element(x: Tensor, element: number, dim = 1): Tensor {
  const nonz = x.eq(element);
  const ind = nonz.cumsum(dim).eq(1).bitwise_and(nonz).max(dim).indices;
  ind.index_put_([ind.eq(0)], x.shape[dim]); // ind[ind == 0] = x.shape[dim]
  return ind;
}

function first_appearance(x: Tensor, element: number, dim = 1): Tensor {
  if (x.dim() > 2 || x.dim() === 0) throw new Error(`only 1 or 2 dimensional Tensors allowed, got Tensor with dim ${x.dim()}`);
  const matches = x.eq(element);
  const first_appearance_mask = matches.cumsum(dim).eq(1).bitwise_and(matches);
  const [does_match, match_index] = first_appearance_mask.max(dim);
  return torch.where(does_match, match_index, x.shape[dim]);
}

function replace_after(x: Tensor, element: number, replace: number): Tensor {
  const first_appearances = first_appearance(x, element, 1);
  const indices = torch.arange(0, x.shape[x.dim() - 1]).type_as(x);
  return torch.where(indices.index("None", ":").le(first_appearances.index(":", "None")), x, replace);
}

function greedy_decode(logprobs: Tensor, max_length: number, blank_index: number, padding_index: number): Tensor {
  const B = logprobs.shape[0];
  const argmax = logprobs.argmax(1);
  const decoded = torch.ones([B, max_length]).type_as(logprobs).int().mul(padding_index);
  for (let i = 0; i < B; i++) {
    const row = argmax.index(i).tolist() as number[];
    const seq = row.filter((b, j) => j === 0 || b !== row[j - 1]).filter((b) => b !== blank_index).slice(0, max_length);
    seq.forEach((char, ii) => decoded.index_put_([i, ii], char));
  }
  return decoded;
}

function edit_distance(a: number[], b: number[]): number {
  const d = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] !== b[j - 1] ? 1 : 0));
      prev = cur;
    }
  }
  return d[b.length];
}

function character_error_rate(preds: Tensor, targets: Tensor, ignore_tokens: Set<number>): number {
  let error = torch.tensor(0.0);
  const n = preds.shape[0];
  for (let ind = 0; ind < n; ind++) {
    const pred = (preds.index(ind).tolist() as number[]).filter((t) => !ignore_tokens.has(t));
    const target = (targets.index(ind).tolist() as number[]).filter((t) => !ignore_tokens.has(t));
    error = error.add(edit_distance(pred, target) / Math.max(pred.length, target.length));
  }
  return error.div(n).item();
}

function adam_steps(model: nn.Module, loss_fn: () => Tensor, steps = 3): number[] {
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = loss_fn();
    opt.zero_grad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

const blank_index = INV["<B>"], padding_index = INV["<P>"];
const ignore = new Set([INV["<S>"], INV["<E>"], padding_index]);
const cfg_line: Config = { input_dims: [1, IMAGE_SIZE, LINE_W], mapping: MAPPING, output_dims: [4, 1] };
const cfg_tf: Config = { input_dims: [1, IMAGE_SIZE, LINE_W], mapping: MAPPING, output_dims: [5, 1] };
/** fixture_io.enc: non-finite floats as the strings the JSON stores. */
const enc = (v: number): number | string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v);
const loss_fn = new nn.CTCLoss({ zero_infinity: true });

function ctc_step(model: nn.Module, x: Tensor, y: Tensor): Tensor {
  const logits = model(x) as Tensor;
  const logprobs = torch.log_softmax(logits, { dim: 1 });
  const [B, , S] = logprobs.shape;
  const logprobs_for_loss = logprobs.permute(2, 0, 1);
  const input_lengths = torch.ones(B).type_as(logprobs_for_loss).int().mul(S);
  const target_lengths = first_element(y, padding_index).type_as(y);
  return loss_fn(logprobs_for_loss, y, input_lengths, target_lengths);
}

// ================================================================================================
describe("data: glyph lines (emnist_lines.py) and labels (util.py)", () => {
  const r = ref.data;
  it("construct_image_from_string adds uint8 glyphs in place (wrapping where they overlap), minimum with a float tensor", () => {
    expectT(G.a, r.glyph_a, 0);
    const img0 = construct_image_from_string("abc", G, 0.25, LINE_W);
    expectT(img0, r.img0, 0);
    expect(String(img0.dtype)).toBe(r.img0_dtype);
    expect(G.a.index(":", "6:8").int().add(G.b.index(":", "0:2").int()).gt(255).sum().item()).toBe(r.wrapped);
  });
  it("the batch: images / 255 unsqueezed, labels with and without <S> / <E>", () => {
    expectT(X, r.X, 1e-7);
    expectT(Y_se, r.Y_se, 0);
    expectT(Y_plain, r.Y_plain, 0);
    expectNums([X.mean().item(), X.std().item()], [r.X_mean, r.X_std], 1e-6);
  });
});

describe("lit_models util, metrics, transformer_util", () => {
  const r = ref.util;
  it("compute_input_lengths, first_element, first_appearance, replace_after (the docstring examples)", () => {
    expect(compute_input_lengths(torch.tensor([[1, 2, 0, 0, 0], [1, 2, 3, 0, 0], [1, 2, 3, 0, 5]], long)).tolist()).toEqual(r.compute_input_lengths);
    expect(first_element(torch.tensor([[1, 2, 3], [2, 3, 3], [1, 1, 1]], long), 3).tolist()).toEqual(r.first_element);
    const x = torch.tensor([[1, 2, 3], [2, 3, 3], [1, 1, 1], [3, 1, 1]], long);
    expect(first_appearance(x, 3).tolist()).toEqual(r.first_appearance);
    expect(first_appearance(torch.tensor([1, 2, 3], long), 1, 0).tolist()).toEqual(r.first_appearance_1d);
    expect(replace_after(x, 3, 4).tolist()).toEqual(r.replace_after);
    expect(raised(() => first_appearance(torch.zeros(1, 1, 1), 3))?.[1]).toBe(r.first_appearance_3d[1]);
  });
  it("the CharacterErrorRate test (0, 0.75, 0.5 per row)", () => {
    const Xc = torch.tensor([[0, 2, 2, 3, 3, 1], [0, 2, 1, 1, 1, 1], [0, 2, 2, 4, 4, 1]], long);
    const Yc = torch.tensor([[0, 2, 2, 3, 3, 1], [0, 2, 2, 3, 3, 1], [0, 2, 2, 3, 3, 1]], long);
    expect(character_error_rate(Xc, Yc, new Set([0, 1]))).toBe(r.cer);
  });
  it("generate_square_subsequent_mask, PositionalEncoding.make_pe, PositionalEncodingImage.make_pe", () => {
    expect((generate_square_subsequent_mask(5).tolist() as number[][]).map((row) => row.map(enc))).toEqual(r.mask5);
    expectT(PositionalEncoding.make_pe(6, 4), r.pe, 1e-6);
    expectT(PositionalEncodingImage.make_pe(4, 3, 2), r.pe_image, 1e-6);
  });
});

describe("MLP and CNN on single glyphs", () => {
  const r = ref.char;
  const chars_x = torch.stack(MAPPING.slice(4).map((c) => G[c])).float().div(255).unsqueeze(1);
  const chars_y = torch.arange(4, 10);
  const cfg_char: Config = { input_dims: [1, GLYPH, GLYPH], mapping: MAPPING };
  it("MLP: repr, eval outputs, 3 Adam steps with dropout on, the line image fed to it", () => {
    torch.manual_seed(0);
    const mlp = new MLP(cfg_char);
    expect(String(mlp)).toBe(r.mlp_repr);
    mlp.eval();
    expectT(mlp(chars_x), r.mlp_out, 1e-5);
    mlp.train();
    torch.manual_seed(1);
    expectNums(adam_steps(mlp, () => F.cross_entropy(mlp(chars_x), chars_y)), r.mlp_losses, 1e-5);
    expect(raised(() => mlp(X))).toEqual(r.mlp_line_image);
  });
  it("CNN: repr, 3 Adam steps, predictions", () => {
    torch.manual_seed(0);
    const cnn = new CNN(cfg_char);
    expect(String(cnn)).toBe(r.cnn_repr);
    torch.manual_seed(2);
    expectNums(adam_steps(cnn, () => F.cross_entropy(cnn(chars_x), chars_y)), r.cnn_losses, 1e-5);
    cnn.eval();
    expect(cnn(chars_x).argmax(1).tolist()).toEqual(r.cnn_pred);
  });
});

describe("LineCNNSimple: a CNN slid over the line, written into a zeros tensor", () => {
  const r = ref.line_cnn_simple;
  it("outputs, requires_grad through index_put_, 3 steps of cross_entropy over (B, C, S), limit_output_length", () => {
    torch.manual_seed(0);
    const lcs = new LineCNNSimple(cfg_line);
    lcs.eval();
    const out = lcs(X);
    expectT(out, r.out, 1e-5);
    expect(out.requires_grad).toBe(r.out_requires_grad);
    lcs.train();
    torch.manual_seed(3);
    expectNums(adam_steps(lcs, () => F.cross_entropy(lcs(X), Y_plain)), r.losses, 1e-5);
    lcs.eval();
    expect(lcs(X).argmax(1).tolist()).toEqual(r.pred);
    expect([...new LineCNNSimple(cfg_line, 8, 4, true)(X).shape]).toEqual(r.limit);
  });
});

describe("LineCNN + CTC (ctc.py)", () => {
  const r = ref.line_cnn_ctc;
  torch.manual_seed(0);
  const lc = new LineCNN(cfg_line);
  it("repr, the fan_out kaiming init (normal_(bias, -bound, bound)), eval logits", () => {
    expect(String(lc)).toBe(r.repr);
    expectT(lc.conv4.conv.weight.index(":2", ":2"), r.conv4_w, 1e-6);
    expectT(lc.conv4.conv.bias!, r.conv4_b, 1e-6);
    expectT(lc.fc2.bias!, r.fc2_b, 1e-6);
    lc.eval();
    expectT(lc(X), r.logits, 1e-5);
  });
  it("the CTC training_step: target lengths, loss, 3 Adam steps, greedy decode, CER", () => {
    expect(first_element(Y_plain, padding_index).tolist()).toEqual(r.target_lengths);
    lc.eval();
    expectNums([ctc_step(lc, X, Y_plain).item()], [r.ctc_eval], 1e-5);
    lc.train();
    torch.manual_seed(4);
    expectNums(adam_steps(lc, () => ctc_step(lc, X, Y_plain)), r.losses, 1e-5);
    lc.eval();
    const logprobs = torch.log_softmax(lc(X), { dim: 1 });
    const decoded = greedy_decode(logprobs, Y_plain.shape[1], blank_index, padding_index);
    expect(logprobs.argmax(1).tolist()).toEqual(r.argmax);
    expect(decoded.tolist()).toEqual(r.decoded);
    expect(String(decoded)).toBe(r.decoded_str);
    expect(character_error_rate(decoded, Y_plain, ignore)).toBeCloseTo(r.cer, 6);
  });
  it("mistakes: no permute, float lengths, lengths past T, infinite losses without zero_infinity, squeeze() of a batch of 1", () => {
    lc.eval();
    const logprobs = torch.log_softmax(lc(X), { dim: 1 });
    const tl = first_element(Y_plain, padding_index);
    expect(raised(() => loss_fn(logprobs, Y_plain, torch.full([N], 8, { dtype: torch.int }), tl))).toEqual(r.no_permute);
    expect(raised(() => F.ctc_loss(logprobs.permute(2, 0, 1), Y_plain, torch.ones(N).mul(8), tl.float()))).toEqual(r.float_lengths);
    expect(raised(() => F.ctc_loss(logprobs.permute(2, 0, 1), Y_plain, torch.full([N], 9, long), tl))).toEqual(r.too_long_inputs);
    const short = logprobs.permute(2, 0, 1).index(":2");
    const inf = F.ctc_loss(short, Y_plain, torch.full([N], 2, long), tl, { reduction: "none" }).tolist() as number[];
    expect(inf.map((v) => (Number.isFinite(v) ? "finite" : enc(v)))).toEqual(r.inf_no_zero.map((v: number | string) => (typeof v === "number" ? "finite" : v)));
    expect(inf[2]).toBeCloseTo(r.inf_no_zero[2], 4);
    expectNums(F.ctc_loss(short, Y_plain, torch.full([N], 2, long), tl, { reduction: "none", zero_infinity: true }).tolist() as number[], r.inf_zero, 1e-5);
    expect(raised(() => lc(X.index(":1")))).toEqual(r.squeeze_b1);
  });
});

describe("LineCNNLSTM", () => {
  const r = ref.line_cnn_lstm;
  it("eval output, 3 CTC steps with LSTM dropout on, decode, forgetting the permute to (S, B, C)", () => {
    torch.manual_seed(0);
    const m = new LineCNNLSTM(cfg_line);
    m.eval();
    expectT(m(X), r.out, 1e-5);
    m.train();
    torch.manual_seed(5);
    expectNums(adam_steps(m, () => ctc_step(m, X, Y_plain)), r.losses, 1e-5);
    m.eval();
    const lp = torch.log_softmax(m(X), { dim: 1 });
    expect(greedy_decode(lp, Y_plain.shape[1], blank_index, padding_index).tolist()).toEqual(r.decoded);
    expect(raised(() => m.lstm(m.line_cnn(X)))).toEqual(r.lstm_no_permute);
  });
});

describe("LineCNNTransformer (2021 lab4)", () => {
  const r = ref.line_cnn_transformer;
  const ce = new nn.CrossEntropyLoss({ ignore_index: padding_index });
  torch.manual_seed(0);
  const tf = new LineCNNTransformer(cfg_tf);
  it("the decoder's repr, encode, teacher-forced forward, predict's greedy loop", () => {
    expect(String(tf.transformer_decoder)).toBe(r.repr);
    tf.eval();
    expectT(tf.encode(X), r.encode, 1e-5);
    expectT(tf(X, Y_se.index(":", ":-1")), r.forward, 1e-5);
    expect(tf.predict(X).tolist()).toEqual(r.predict);
  });
  it("3 steps of CrossEntropyLoss(ignore_index=<P>) with dropout on, predictions and CER after", () => {
    tf.train();
    torch.manual_seed(6);
    expectNums(adam_steps(tf, () => ce(tf(X, Y_se.index(":", ":-1")), Y_se.index(":", "1:"))), r.losses, 1e-5);
    tf.eval();
    const preds = torch.no_grad(() => tf.predict(X));
    expect(preds.tolist()).toEqual(r.predict_after);
    expect(character_error_rate(preds, Y_se, ignore)).toBeCloseTo(r.cer_after, 6);
  });
  it("mistakes: float tokens, (B, S, C) logits, a mask of the wrong size, the padding mask transposed, assigning all of output", () => {
    tf.eval();
    expect(raised(() => tf(X, Y_se.index(":", ":-1").float()))).toEqual(r.float_tokens);
    expect(raised(() => ce(tf(X, Y_se.index(":", ":-1")).permute(0, 2, 1), Y_se.index(":", "1:")))).toEqual(r.logits_bsc);
    expect(raised(() => tf.transformer_decoder({ tgt: torch.zeros(4, N, 16), memory: tf.encode(X), tgt_mask: tf.y_mask }))).toEqual(r.mask_wrong_size);
    expect(raised(() => tf.transformer_decoder({ tgt: torch.zeros(3, N, 16), memory: tf.encode(X), tgt_key_padding_mask: Y_se.index(":", ":-2").eq(3).T }))).toEqual(r.pad_mask_transposed);
    expect(raised(() => {
      const ot = torch.full([N, 5], 3, long);
      ot.index_put_([":", 2], torch.zeros([2, N], long));
    })).toEqual(r.assign_whole_output);
  });
});

describe("ResnetTransformer (2022 lab05) + TransformerLitModel", () => {
  const r = ref.resnet_transformer;
  const ce = new nn.CrossEntropyLoss({ ignore_index: padding_index });
  const teacher_forward = (model: ResnetTransformer, x: Tensor, y: Tensor) => model.decode(model.encode(x), y).permute(1, 2, 0);
  it("encode (repeat to 3 channels, PositionalEncodingImage, flatten), greedy forward with the early stop", () => {
    torch.manual_seed(0);
    const rt = new ResnetTransformer(cfg_tf);
    rt.eval();
    expectT(rt.encode(X), r.encode, 1e-5);
    expect(rt(X).tolist()).toEqual(r.preds);
    rt.train();
    torch.manual_seed(7);
    expectNums(adam_steps(rt, () => ce(teacher_forward(rt, X, Y_se.index(":", ":-1")), Y_se.index(":", "1:"))), r.losses, 1e-5);
    expectT((rt.resnet.get(1) as nn.BatchNorm2d).running_mean!, r.bn_running_mean, 1e-5);
    rt.eval();
    const logits_t = teacher_forward(rt, X, Y_se.index(":", ":-1"));
    expect(replace_after(torch.argmax(logits_t, { dim: 1 }), INV["<E>"], padding_index).tolist()).toEqual(r.get_preds);
    expect((Y_se.tolist() as number[][]).map((ks) => ks.filter((k) => ![1, 2, 3].includes(k)).map((k) => MAPPING[k]).join(""))).toEqual(r.batchmap);
    expect(rt(X).tolist()).toEqual(r.preds_after);
  });
});

describe("base.py's optimizer by name + OneCycleLR, util.py's split_dataset, more mistakes", () => {
  const r = ref.more;
  it("getattr(torch.optim, 'Adam') with OneCycleLR(max_lr, total_steps): lrs, Adam's cycled beta1, losses, stepping past the end", () => {
    const chars_x = torch.stack(MAPPING.slice(4).map((c) => G[c])).float().div(255).unsqueeze(1);
    const chars_y = torch.arange(4, 10);
    torch.manual_seed(0);
    const mlp2 = new MLP({ input_dims: [1, GLYPH, GLYPH], mapping: MAPPING });
    const optimizer = new (optim as unknown as Record<string, typeof optim.Adam>)["Adam"](mlp2.parameters(), { lr: 1e-3 });
    const scheduler = new optim.lr_scheduler.OneCycleLR({ optimizer, max_lr: 1e-2, total_steps: 6 });
    const lrs: number[] = [], betas: number[] = [], losses: number[] = [];
    mlp2.eval();
    for (let i = 0; i < 5; i++) {
      const loss = (F as unknown as Record<string, typeof F.cross_entropy>)["cross_entropy"](mlp2(chars_x), chars_y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      scheduler.step();
      losses.push(loss.item());
      lrs.push(optimizer.param_groups[0].lr as number);
      betas.push((optimizer.param_groups[0].betas as number[])[0]);
    }
    expectNums(lrs, r.onecycle.lrs, 1e-9);
    expectNums(betas, r.onecycle.betas, 1e-9);
    expectNums(losses, r.onecycle.losses, 1e-5);
    expectNums(scheduler.get_last_lr(), r.onecycle.last_lr, 1e-12);
    expect(raised(() => (scheduler.step(), scheduler.step()))).toEqual(r.onecycle_past_end);
  });
  it("random_split with a seeded generator (split_dataset), lengths that do not add up", () => {
    const ds = new utils.data.TensorDataset(X, Y_plain);
    const [a, b] = utils.data.random_split(ds, [3, 1], { generator: new torch.Generator().manual_seed(42) });
    expect([a.indices, b.indices]).toEqual(r.split);
    expect(raised(() => utils.data.random_split(ds, [3, 2], { generator: new torch.Generator().manual_seed(42) }))).toEqual(r.split_bad);
  });
  it("mistakes: odd d_model, uint8 targets, 3-channel lines, a narrow line, token out of range, nhead, long mask, memory width, batch-first tgt", () => {
    torch.manual_seed(0);
    const lc = new LineCNN(cfg_line);
    torch.manual_seed(0);
    const tf = new LineCNNTransformer(cfg_tf);
    tf.eval();
    expect(raised(() => PositionalEncoding.make_pe(5, 4))).toEqual(r.pe_odd);
    expect(raised(() => F.cross_entropy(torch.zeros(4, 10, 4), Y_plain.to(torch.uint8)))).toEqual(r.ce_uint8_targets);
    expect(raised(() => lc(X.repeat(1, 3, 1, 1)))).toEqual(r.conv_3ch);
    expect(raised(() => lc(X.index("...", ":4")))).toEqual(r.window_too_wide);
    expect(raised(() => tf.embedding(torch.tensor([[1, 10]], long)))).toEqual(r.embedding_oob);
    expect(raised(() => new nn.TransformerDecoderLayer({ d_model: 10, nhead: 4 }))).toEqual(r.nhead_not_dividing);
    const memory = tf.encode(X);
    expect(raised(() => tf.transformer_decoder({ tgt: torch.zeros(4, N, 16), memory, tgt_mask: tf.y_mask.index(":4", ":4").long() }))).toEqual(r.long_mask);
    expect(raised(() => tf.transformer_decoder({ tgt: torch.zeros(4, N, 16), memory: torch.zeros(8, N, 8) }))).toEqual(r.memory_dim);
    expect(raised(() => tf.transformer_decoder({ tgt: torch.zeros(N, 3, 16), memory, tgt_key_padding_mask: Y_se.index(":", ":-2").eq(3) }))).toEqual(r.batch_first_tgt);
  });
  it("ctc_loss mistakes: float targets (torch takes them), blank out of range, 1-D log_probs; argmax over the wrong dim", () => {
    const lp = torch.zeros(8, N, 10).log_softmax(2);
    const full = (v: number) => torch.full([N], v, long);
    expect(raised(() => F.ctc_loss(lp, Y_plain.float(), full(8), full(3)))).toEqual(r.ctc_float_targets);
    expect(raised(() => F.ctc_loss(lp, Y_plain, full(8), full(3), { blank: 10 }))).toEqual(r.ctc_blank_oob);
    expect(raised(() => F.ctc_loss(torch.zeros(8).log_softmax(0), Y_plain, full(8), full(3)))).toEqual(r.ctc_1d_logprobs);
    expect(raised(() => F.cross_entropy(torch.zeros(N, 10, 8), torch.zeros(N, 10, 8).argmax(2)))).toEqual(r.argmax_wrong_dim);
  });
});

describe("the two losses' values and gradients, init and module mistakes", () => {
  const r = ref.grads;
  it("CTCLoss over reductions with an infinite sample, zero_infinity's gradient, a zero-length target", () => {
    torch.manual_seed(11);
    const logits = torch.randn([2, 10, 6], { requires_grad: true });
    const y2 = torch.tensor([[4, 5, 5, 3], [5, 5, 3, 3]], long);
    const lp2 = torch.log_softmax(logits, { dim: 1 }).permute(2, 0, 1);
    const il2 = torch.tensor([6, 2], long), tl2 = first_element(y2, padding_index);
    for (const red of ["mean", "sum", "none"] as const) {
      for (const zi of [true, false]) {
        const out = (F.ctc_loss(lp2, y2, il2, tl2, { reduction: red, zero_infinity: zi }).reshape(-1).tolist() as number[]).map(enc);
        const want = r[`ctc_${red}_${zi ? "True" : "False"}`] as (number | string)[];
        expect(out.map((v) => typeof v)).toEqual(want.map((v) => typeof v));
        out.forEach((v, i) => (typeof v === "number" ? expect(v).toBeCloseTo(want[i] as number, 4) : expect(v).toBe(want[i])));
      }
    }
    new nn.CTCLoss({ zero_infinity: true })(lp2, y2, il2, tl2).backward();
    expectT(logits.grad!, r.ctc_grad, 1e-5);
    expect(F.ctc_loss(lp2.detach(), torch.tensor([[1, 2], [1, 1]], long), [6, 6], [0, 2]).item()).toBeCloseTo(r.ctc_zero_target, 4);
  });
  it("CrossEntropyLoss(ignore_index=<P>): loss, gradient (zero on padded steps), nan when every step is padding", () => {
    torch.manual_seed(12);
    const lg = torch.randn([2, 10, 4], { requires_grad: true });
    const ce2 = new nn.CrossEntropyLoss({ ignore_index: padding_index });
    const l = ce2(lg, torch.tensor([[4, 5, 2, 3], [6, 2, 3, 3]], long));
    l.backward();
    expectNums([l.item()], [r.ce_loss], 1e-6);
    expectT(lg.grad!, r.ce_grad, 1e-6);
    expect(enc(ce2(lg.detach(), torch.full([2, 4], 3, long)).item())).toBe(r.ce_all_pad);
  });
  it("mistakes: kaiming mode / nonlinearity typos, fans of a bias, dropout p, LSTM dropout with one layer, d_model", () => {
    const w_ = torch.empty(3, 4);
    expect(raised(() => nn.init.kaiming_normal_(w_, { mode: "fanout" as "fan_out" }))).toEqual(r.kaiming_mode);
    expect(raised(() => nn.init.kaiming_normal_(w_, { nonlinearity: "Relu" as "relu" }))).toEqual(r.kaiming_nonlin);
    expect(raised(() => nn.init._calculate_fan_in_and_fan_out(torch.empty(3)))).toEqual(r.fan_1d);
    expect(raised(() => new nn.Dropout(1.5))).toEqual(r.dropout_p);
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(String(new nn.LSTM(4, 8, { num_layers: 1, dropout: 0.25 }))).toBe(r.lstm_repr);
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      "UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.25 and num_layers=1",
    ]);
    warn.mockRestore();
    expect(raised(() => new nn.TransformerDecoderLayer(16, 2)(torch.zeros(3, 2, 8), torch.zeros(4, 2, 16)))).toEqual(r.decoder_d_model);
  });
});

describe("printed models, state_dict keys, parameter counts", () => {
  const r = ref.printed;
  it("LineCNNTransformer, ResnetTransformer, LineCNNLSTM as print(model) shows them; the pe buffers", () => {
    torch.manual_seed(0);
    const tf_m = new LineCNNTransformer(cfg_tf);
    torch.manual_seed(0);
    const rt_m = new ResnetTransformer(cfg_tf);
    const lstm_m = new LineCNNLSTM(cfg_line);
    for (const [name, m] of [["tf", tf_m], ["rt", rt_m], ["lstm", lstm_m]] as const) {
      expect(String(m)).toBe(r[`${name}_repr`]);
      expect(Object.keys(m.state_dict())).toEqual(r[`${name}_keys`]);
      expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(r[`${name}_nparams`]);
      expect(m.parameters().filter((p) => p.requires_grad).reduce((n, p) => n + p.numel(), 0)).toBe(r[`${name}_ntrain`]);
    }
    expect([[...tf_m.pos_encoder.pe.shape], [...rt_m.enc_pos_encoder.pe.shape], tf_m.pos_encoder.pe.is_contiguous(), rt_m.enc_pos_encoder.pe.is_contiguous()]).toEqual(r.pe_buffer);
    expect([...rt_m.named_modules()].map(([n]) => n).slice(0, 12)).toEqual(r.named_modules);
  });
});

describe("LineReshapeCNN (2021 lab2): the windows by squeeze / permute / view", () => {
  const r = ref.line_reshape_cnn;
  class LineReshapeCNN extends nn.Module {
    num_classes: number; cnn: CNN;
    constructor(data_config: Config) {
      super();
      this.num_classes = data_config.mapping.length;
      this.cnn = new CNN({ ...data_config, input_dims: [1, IMAGE_SIZE, IMAGE_SIZE] });
    }
    forward(x: Tensor): Tensor {
      const B = x.shape[0];
      let H = x.shape[2];
      x = x.squeeze();
      x = x.permute(0, 2, 1);
      x = x.view(B, -1, IMAGE_SIZE, H);
      x = x.permute(0, 1, 3, 2);
      const S = x.shape[1];
      H = x.shape[2];
      const activations = torch.zeros([B, this.num_classes, S]).type_as(x);
      for (let s = 0; s < S; s++) activations.index_put_([":", ":", s], this.cnn(x.index(":", `${s}:${s + 1}`, ":", ":")));
      return activations;
    }
  }
  it("outputs equal LineCNNSimple's; views of the permuted line, and the ones that cannot be", () => {
    torch.manual_seed(0);
    const lrc = new LineReshapeCNN(cfg_line);
    lrc.eval();
    const out = lrc(X);
    expectT(out, r.out, 1e-5);
    torch.manual_seed(0);
    const lcs2 = new LineCNNSimple(cfg_line);
    lcs2.eval();
    expect(torch.equal(out, lcs2(X))).toBe(r.same_as_simple);
    const xs = X.squeeze().permute(0, 2, 1);
    expectT(xs.view(N, -1, IMAGE_SIZE, IMAGE_SIZE).permute(0, 1, 3, 2).index(":", 1), r.windows, 0);
    expect(raised(() => xs.view(N, -1))).toEqual(r.view_flat);
    expect(raised(() => xs.view(N, LINE_W, 2, -1))).toEqual(r.view_bad_split);
    expect(raised(() => lrc(X.index("...", ":30")))).toEqual(r.wrong_width);
  });
});
