/**
 * torchvision.utils.make_grid (0.14): a batch of images tiled into one [3, H, W] image, for showing
 * samples (plot.images takes the result). save_image and the drawing helpers need files or PIL: not here.
 */
import { torchCore as torch } from "../torch";
import { isTensor, type Tensor } from "../tensor";
import { parseArgs, type PyArgs } from "../args";
import { NotImplementedError, TypeError_ } from "../errors";

interface GridOptions { nrow: number; padding: number; normalize: boolean; value_range: [number, number] | null; scale_each: boolean; pad_value: number }

function typeName(x: unknown): string {
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (Array.isArray(x)) return "<class 'list'>";
  return `<class '${typeof x === "object" ? ((x as object).constructor?.name ?? "object") : typeof x}'>`;
}

/** make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0). */
export function make_grid(input: Tensor | Tensor[], ...args: PyArgs<[nrow?: number, padding?: number, normalize?: boolean, value_range?: [number, number] | null, scale_each?: boolean, pad_value?: number], Partial<GridOptions>>): Tensor {
  if (!isTensor(input)) {
    if (!Array.isArray(input)) throw new TypeError_(`tensor or list of tensors expected, got ${typeName(input)}`);
    for (const t of input) if (!isTensor(t)) throw new TypeError_(`tensor or list of tensors expected, got a list containing ${typeName(t)}`);
  }
  const a = parseArgs<GridOptions>("make_grid", ["nrow", "padding", "normalize", "value_range", "scale_each", "pad_value"], args);
  const nrow = a.nrow ?? 8;
  const padding = a.padding ?? 2;
  let tensor = Array.isArray(input) ? torch.stack(input, 0) : input;
  if (tensor.dim() === 2) tensor = tensor.unsqueeze(0);
  if (tensor.dim() === 3) {
    if (tensor.shape[0] === 1) tensor = torch.cat([tensor, tensor, tensor], 0);
    tensor = tensor.unsqueeze(0);
  }
  if (tensor.dim() === 4 && tensor.shape[1] === 1) tensor = torch.cat([tensor, tensor, tensor], 1);
  if (a.normalize === true) {
    tensor = tensor.clone();
    const range = a.value_range ?? null;
    if (range !== null && !(Array.isArray(range) && range.length === 2)) throw new TypeError_("value_range has to be a tuple (min, max) if specified. min and max are numbers");
    const normIp = (img: Tensor, low: number, high: number) => {
      img.clamp_(low, high);
      img.sub_(low).div_(Math.max(high - low, 1e-5));
    };
    const normRange = (t: Tensor) => (range !== null ? normIp(t, range[0], range[1]) : normIp(t, t.min().item() as number, t.max().item() as number));
    if (a.scale_each === true) for (let i = 0; i < tensor.shape[0]; i++) normRange(tensor.select(0, i));
    else normRange(tensor);
  }
  if (tensor.shape[0] === 1) return tensor.squeeze(0);
  const nmaps = tensor.shape[0];
  const xmaps = Math.min(nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = tensor.shape[2] + padding;
  const width = tensor.shape[3] + padding;
  const channels = tensor.shape[1];
  const grid = torch.full([channels, height * ymaps + padding, width * xmaps + padding], a.pad_value ?? 0.0, { dtype: tensor.dtype });
  let k = 0;
  for (let y = 0; y < ymaps; y++) {
    for (let x = 0; x < xmaps && k < nmaps; x++, k++) {
      grid.narrow(1, y * height + padding, height - padding).narrow(2, x * width + padding, width - padding).copy_(tensor.select(0, k));
    }
  }
  return grid;
}

/** save_image writes a PNG through PIL: the engine has neither files nor PIL. */
export function save_image(): never {
  throw new NotImplementedError("torchvision.utils.save_image is not available here (no files or PIL in the engine): show the images with plot.images(make_grid(batch)) instead");
}
