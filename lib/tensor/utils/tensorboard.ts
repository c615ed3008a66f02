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
import { parseArgs, type PyArgs } from "../args";
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

  /** add_scalar(tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False) */
  add_scalar(tag: string, scalar_value: number | Tensor, global_step: number | null = null, walltime: number | null = null): void {
    this.checkOpen("add_scalar");
    this.scalars.push({ tag, run: null, value: scalarOf("add_scalar", scalar_value), global_step, walltime: walltime ?? now() });
  }

  /** add_scalars(main_tag, tag_scalar_dict, global_step=None, walltime=None): several series in one chart. */
  add_scalars(main_tag: string, tag_scalar_dict: Record<string, number | Tensor>, global_step: number | null = null, walltime: number | null = null): void {
    this.checkOpen("add_scalars");
    const time = walltime ?? now();
    const entries = Object.entries(tag_scalar_dict).map(([key, v]) => ({
      tag: main_tag, run: `${main_tag.replace(/\//g, "_")}_${key}`, value: scalarOf("add_scalars", v), global_step, walltime: time,
    }));
    this.scalars.push(...entries); // all converted before any is kept: a bad value keeps none
  }

  /** add_text(tag, text_string, global_step=None, walltime=None) */
  add_text(tag: string, text_string: string, global_step: number | null = null, walltime: number | null = null): void {
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

function refuse(name: string): never {
  throw new NotImplementedError(
    `SummaryWriter.${name}: there is no TensorBoard in Gradbook, and this writer keeps only scalars (add_scalar, add_scalars) and text (add_text) in memory`,
  );
}

export const tensorboard = { SummaryWriter };
