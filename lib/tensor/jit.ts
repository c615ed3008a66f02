/**
 * torch.jit as names that refuse: TorchScript compiles a model's Python source (script) or records
 * its ops on an example (trace) into a graph that runs without Python. The engine runs the
 * learner's TypeScript directly and has no graph format of its own, so each entry point raises one
 * NotImplementedError that names itself, says the model was not changed and what to use instead:
 * torch.save(model.state_dict(), path) or torch.save(model, path) to keep a model, and
 * torch.onnx.export to hand it to another runtime. A stand-in that returned the model unchanged
 * would make model_scripted.save(...), .graph and .code fail later with a less clear error.
 */
import { NotImplementedError } from "./errors";

const WHY =
  "TorchScript (compiling a model's Python source or tracing it into a graph) is not supported by Gradbook's tensor engine, which runs your TypeScript directly";
const INSTEAD: Record<string, string> = {
  save: "To keep a model use torch.save(model.state_dict(), path) or torch.save(model, path).",
  load: "To load what torch.save wrote use torch.load(path) (then model.load_state_dict for a state_dict).",
};
const DEFAULT_INSTEAD =
  "The model was not changed: call it as it is, keep it with torch.save(model.state_dict(), path), or hand it to another runtime with torch.onnx.export(model, example_input, path).";

function refusing(name: string): (...args: unknown[]) => never {
  const fn: (...args: unknown[]) => never = () => {
    throw new NotImplementedError(`torch.jit.${name}: ${WHY}. ${INSTEAD[name] ?? DEFAULT_INSTEAD}`);
  };
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

const NAMES = ["script", "trace", "trace_module", "save", "load", "freeze", "optimize_for_inference", "script_if_tracing", "fork", "wait"] as const;

/** torch.jit */
export const jit = Object.fromEntries(NAMES.map((n) => [n, refusing(n)])) as Record<(typeof NAMES)[number], (...args: unknown[]) => never>;
