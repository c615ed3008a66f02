import { nn, torch, type Module, type Tensor } from "../../tensor";
import type { MimeBundle } from "../protocol";
import { figureBundle, histFigure } from "../display/plot";
import { tableBundle, tableData } from "../display/table";

type Show = (bundle: MimeBundle) => void;

/** Modules without children: the layers whose outputs are worth looking at. */
function leafModules(model: Module): [string, Module][] {
  return model.named_modules().filter(([name, m]) => name !== "" && m.children().length === 0);
}

function assertModule(model: unknown, fn: string): asserts model is Module {
  if (!(model instanceof nn.Module)) throw new TypeError(`inspect.${fn}(model, ...) needs an nn.Module as its first argument`);
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t.detach().contiguous().flatten().tolist() as number[]);
}

/** Runs `model(x)` once without gradients and records each layer's output with forward hooks. */
function captureOutputs(model: Module, x: Tensor, keep: (m: Module) => boolean): [string, Tensor][] {
  const captured: [string, Tensor][] = [];
  const handles = leafModules(model)
    .filter(([, m]) => keep(m))
    .map(([name, m]) => m.register_forward_hook((_m, _args, output) => void captured.push([`${name} (${m.constructor.name})`, output as Tensor])));
  try {
    torch.no_grad(() => (model as unknown as (input: Tensor) => Tensor)(x));
  } finally {
    for (const handle of handles) handle.remove();
  }
  return captured;
}

export interface ActivationStats {
  layer: string;
  mean: number;
  std: number;
  fraction_zero: number;
}

export interface GradientStats {
  layer: string;
  grad_norm: number;
}

export interface DeadReluStats {
  layer: string;
  dead_fraction: number;
  dead_units: number;
  units: number;
}

/** Course introspection, each one call away: activations, gradients and dead ReLUs per layer. */
export function createInspect(show: Show) {
  return {
    /** Per-layer histograms of outputs for a batch `x`; returns mean, std and fraction of exact zeros. */
    activations(model: Module, x: Tensor): ActivationStats[] {
      assertModule(model, "activations");
      const outputs = captureOutputs(model, x, () => true);
      const stats = outputs.map(([layer, out]) => {
        const v = flatValues(out);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
        return { layer, mean, std, fraction_zero: v.filter((value) => value === 0).length / v.length };
      });
      show(figureBundle(histFigure(Object.fromEntries(outputs.map(([layer, out]) => [layer, flatValues(out)])), { title: "Activations per layer", bins: 50 }), `activation histograms of ${outputs.length} layers`));
      show(tableBundle(tableData(stats, "Activation statistics")));
      return stats;
    },

    /** After backward(): per-layer histograms of weight gradients and their norms. */
    gradients(model: Module): GradientStats[] {
      assertModule(model, "gradients");
      const withGrad = model.named_parameters().filter(([name, p]) => name.endsWith("weight") && p.grad);
      if (withGrad.length === 0) throw new Error("inspect.gradients: no weight has a gradient yet; call loss.backward() first");
      const stats = withGrad.map(([layer, p]) => ({ layer, grad_norm: Math.sqrt(flatValues(p.grad as Tensor).reduce((a, b) => a + b * b, 0)) }));
      show(figureBundle(histFigure(Object.fromEntries(withGrad.map(([layer, p]) => [layer, flatValues(p.grad as Tensor)])), { title: "Weight gradients per layer", bins: 50 }), `gradient histograms of ${withGrad.length} layers`));
      show(tableBundle(tableData(stats, "Gradient norms")));
      return stats;
    },

    /** A ReLU unit is dead on `x` when it outputs 0 for every example of the batch. */
    dead_relus(model: Module, x: Tensor): DeadReluStats[] {
      assertModule(model, "dead_relus");
      const outputs = captureOutputs(model, x, (m) => m instanceof nn.ReLU);
      if (outputs.length === 0) throw new Error("inspect.dead_relus: the model has no nn.ReLU layers");
      const stats = outputs.map(([layer, out]) => {
        const units = out.numel() / out.shape[0];
        const alive = out.gt(0).float().sum(0).flatten().tolist() as number[];
        const dead = alive.filter((count) => count === 0).length;
        return { layer, dead_fraction: dead / units, dead_units: dead, units };
      });
      show(tableBundle(tableData(stats, "Dead ReLUs (units that output 0 for the whole batch)")));
      return stats;
    },
  };
}
