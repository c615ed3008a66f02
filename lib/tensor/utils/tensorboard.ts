/**
 * torch.utils.tensorboard.SummaryWriter, as far as logging numbers and text goes ("Training with
 * PyTorch" logs its losses with add_scalar / add_scalars; the TensorBoard tutorial adds images,
 * graphs and embeddings).
 *
 * There is no TensorBoard (nor an event-file directory) in Gradbook, so the writer keeps what it is
 * given in memory, in order, on writer.scalars and writer.texts (each entry with its tag, value,
 * global_step and walltime in seconds, as TensorBoard would show them), and says so once per
 * writer with a UserWarning. Logging never changes the numbers, so a training loop that logs runs
 * exactly as without the writer. What cannot be kept meaningfully as numbers (images, graphs,
 * embeddings, histograms, figures, PR curves, hparams) raises NotImplementedError naming the method.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { Tensor } from "../tensor";

export interface ScalarEntry {
  /** The tag TensorBoard would file the value under (add_scalars: its main_tag). */
  tag: string;
  /** add_scalars only: the run it would write to (main_tag with '/' as '_', then '_' and the key), as torch's sub-writers. */
  run: string | null;
  value: number;
  global_step: number | null;
  walltime: number;
}
export interface TextEntry {
  tag: string;
  text: string;
  global_step: number | null;
  walltime: number;
}

interface SummaryWriterOptions {
  log_dir?: string | null;
  comment?: string;
  purge_step?: number | null;
  max_queue?: number;
  flush_secs?: number;
  filename_suffix?: string;
}

function scalarOf(method: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new RuntimeError(`${method}: scalar_value must be a number or a one-element tensor, got a tensor of shape [${v.shape.join(", ")}]`);
    return Number(v.item()); // a bool tensor gives 0 / 1
  }
  throw new TypeError_(`${method}: scalar_value must be a number or a one-element tensor, got ${v === null ? "None" : typeof v}`);
}

const now = (): number => Date.now() / 1000;

export class SummaryWriter {
  readonly log_dir: string;
  /** Every add_scalar / add_scalars value, in the order logged. */
  readonly scalars: ScalarEntry[] = [];
  /** Every add_text entry, in the order logged. */
  readonly texts: TextEntry[] = [];
  private closed = false;

  /** new SummaryWriter(log_dir=None, comment='', purge_step=None, max_queue=10, flush_secs=120, filename_suffix='') */
  constructor(...args: PyArgs<[log_dir?: string | null, comment?: string, purge_step?: number | null, max_queue?: number, flush_secs?: number, filename_suffix?: string], SummaryWriterOptions>) {
    const a = parseArgs<SummaryWriterOptions>("SummaryWriter", ["log_dir", "comment", "purge_step", "max_queue", "flush_secs", "filename_suffix"], args);
    this.log_dir = a.log_dir ?? `runs/${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}${a.comment ?? ""}`;
    console.warn(
      `UserWarning: torch.utils.tensorboard: there is no TensorBoard in Gradbook, so SummaryWriter('${this.log_dir}') keeps what you log in memory ` +
        "(writer.scalars, writer.texts) instead of writing event files; print or plot those values to see them.",
    );
  }

  private checkOpen(method: string): void {
    if (this.closed) throw new RuntimeError(`SummaryWriter.${method}: the writer was closed`);
  }

  /** add_scalar(tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False); any of them by keyword. */
  add_scalar(tag: string, scalar_value: number | Tensor, options?: AddScalarOptions): void;
  add_scalar(tag: string, scalar_value: number | Tensor, global_step?: number | null, walltime?: number | null, options?: AddScalarOptions): void;
  add_scalar(tag: string, options: AddScalarOptions & { scalar_value: number | Tensor }): void;
  add_scalar(options: AddScalarOptions & { tag: string; scalar_value: number | Tensor }): void;
  add_scalar(...all: unknown[]): void {
    const [tag, scalar_value, global_step, walltime] = writerArgs("add_scalar", ["tag", "scalar_value", "global_step", "walltime", "new_style", "double_precision"], 2, -1, all) as
      [string, number | Tensor, number | null, number | null];
    this.checkOpen("add_scalar");
    this.scalars.push({ tag, run: null, value: scalarOf("add_scalar", scalar_value), global_step, walltime: walltime ?? now() });
  }

  /** add_scalars(main_tag, tag_scalar_dict, global_step=None, walltime=None): several series in one chart. */
  add_scalars(main_tag: string, tag_scalar_dict: Record<string, number | Tensor>, options?: AddScalarsOptions): void;
  add_scalars(main_tag: string, tag_scalar_dict: Record<string, number | Tensor>, global_step?: number | null, walltime?: number | null, options?: AddScalarsOptions): void;
  add_scalars(main_tag: string, options: AddScalarsOptions & { tag_scalar_dict: Record<string, number | Tensor> }): void;
  /** add_scalars(main_tag='loss', tag_scalar_dict={...}, global_step=epoch), as Deep Learning with PyTorch Step-by-Step's StepByStep.train logs. */
  add_scalars(options: AddScalarsOptions & { main_tag: string; tag_scalar_dict: Record<string, number | Tensor> }): void;
  add_scalars(...all: unknown[]): void {
    const [main_tag, tag_scalar_dict, global_step, walltime] = writerArgs("add_scalars", ["main_tag", "tag_scalar_dict", "global_step", "walltime"], 2, 1, all) as
      [string, Record<string, number | Tensor>, number | null, number | null];
    this.checkOpen("add_scalars");
    const time = walltime ?? now();
    const entries = Object.entries(tag_scalar_dict).map(([key, v]) => ({
      tag: main_tag, run: `${main_tag.replace(/\//g, "_")}_${key}`, value: scalarOf("add_scalars", v), global_step, walltime: time,
    }));
    this.scalars.push(...entries); // all converted before any is kept: a bad value keeps none
  }

  /** add_text(tag, text_string, global_step=None, walltime=None); any of them by keyword. */
  add_text(tag: string, text_string: string, options?: AddTextOptions): void;
  add_text(tag: string, text_string: string, global_step?: number | null, walltime?: number | null, options?: AddTextOptions): void;
  add_text(tag: string, options: AddTextOptions & { text_string: string }): void;
  add_text(options: AddTextOptions & { tag: string; text_string: string }): void;
  add_text(...all: unknown[]): void {
    const [tag, text_string, global_step, walltime] = writerArgs("add_text", ["tag", "text_string", "global_step", "walltime"], 2, -1, all) as
      [string, string, number | null, number | null];
    this.checkOpen("add_text");
    this.texts.push({ tag, text: String(text_string), global_step, walltime: walltime ?? now() });
  }

  /** Nothing is buffered: a no-op, as the values are already on writer.scalars. */
  flush(): void {}

  close(): void {
    this.closed = true;
  }

  __enter__(): this {
    return this;
  }

  __exit__(): void {
    this.close();
  }

  // What is not numbers or text is refused by name.
  readonly add_image: (...args: unknown[]) => never = () => refuse("add_image");
  readonly add_images: (...args: unknown[]) => never = () => refuse("add_images");
  readonly add_figure: (...args: unknown[]) => never = () => refuse("add_figure");
  readonly add_graph: (...args: unknown[]) => never = () => refuse("add_graph");
  readonly add_embedding: (...args: unknown[]) => never = () => refuse("add_embedding");
  readonly add_histogram: (...args: unknown[]) => never = () => refuse("add_histogram");
  readonly add_pr_curve: (...args: unknown[]) => never = () => refuse("add_pr_curve");
  readonly add_hparams: (...args: unknown[]) => never = () => refuse("add_hparams");
}

export interface AddScalarOptions {
  tag?: string;
  scalar_value?: number | Tensor;
  global_step?: number | null;
  walltime?: number | null;
  new_style?: boolean;
  double_precision?: boolean;
}
export interface AddScalarsOptions {
  main_tag?: string;
  tag_scalar_dict?: Record<string, number | Tensor>;
  global_step?: number | null;
  walltime?: number | null;
}
export interface AddTextOptions {
  tag?: string;
  text_string?: string;
  global_step?: number | null;
  walltime?: number | null;
}

/**
 * A writer method's arguments, positional or by keyword (Python's rules): `names` in order, the first
 * `required` of them needed; a trailing plain object holds keywords, except at `dictAt`, where a plain
 * object is the value itself (add_scalars' tag_scalar_dict) unless it names that parameter with a dict. Returns the values in `names` order
 * (null for an optional one not given). Unknown or doubled keywords and missing arguments raise
 * Python 3.11's TypeErrors, named SummaryWriter.<method>.
 */
function writerArgs(method: string, names: readonly string[], required: number, dictAt: number, all: readonly unknown[]): unknown[] {
  const fn = `SummaryWriter.${method}`;
  const args = [...all];
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  let kw: Record<string, unknown> = {};
  const last = args[args.length - 1];
  // At dictAt a plain object is the dict itself, unless it names that parameter: add_scalars("loss", { tag_scalar_dict, global_step })
  const keywordsAtDict = (o: Record<string, unknown>) => dictAt >= 0 && isOptions(o[names[dictAt]]);
  if (args.length > 0 && isOptions(last) && (args.length - 1 !== dictAt || keywordsAtDict(last))) kw = args.pop() as Record<string, unknown>;
  if (args.length > names.length) {
    throw new TypeError_(`${fn}() takes from ${required + 1} to ${names.length + 1} positional arguments but ${args.length + 1} were given`);
  }
  const out: unknown[] = names.map((_, i) => (i < args.length ? args[i] : undefined));
  for (const [k, v] of Object.entries(kw)) {
    const i = names.indexOf(k);
    if (i < 0) throw new TypeError_(`${fn}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) throw new TypeError_(`${fn}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  const missing = names.slice(0, required).filter((_, i) => out[i] === undefined);
  if (missing.length > 0) {
    const q = missing.map((m) => `'${m}'`);
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${q.join(" and ")}`);
  }
  return out.map((v) => (v === undefined ? null : v));
}

function refuse(name: string): never {
  throw new NotImplementedError(
    `SummaryWriter.${name}: there is no TensorBoard in Gradbook, and this writer keeps only scalars (add_scalar, add_scalars) and text (add_text) in memory`,
  );
}

export const tensorboard = { SummaryWriter };
