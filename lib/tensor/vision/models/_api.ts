/**
 * What torchvision.models' families share (torchvision 0.14's models/_api.py and _utils.py): the weight enums,
 * which exist so that tutorial code reads as in Python but refuse to load (nothing can be downloaded here), the
 * builders' argument handling (weights / progress / the legacy pretrained, the model's own keywords), the model
 * registry behind list_models / get_model, and the helpers the families use to build layers.
 */
import { isOptions, parseArgs } from "../../args";
import { RuntimeError, TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { ImageClassification, type ImageClassificationOptions } from "./_presets";

const OFFLINE_HELP =
  "Pretrained weights cannot be downloaded here: the engine has no network access, so torchvision's weight files " +
  "(download.pytorch.org) are out of reach. Build the model without weights (weights: null, the default) and train it, " +
  "or load a state dict you already have: model.load_state_dict(torch.load(bytes)), where bytes come from torch.save(model.state_dict()) " +
  "in the engine or from a safetensors file written in Python (safetensors.torch.save_file(model.state_dict(), 'model.safetensors')); " +
  "the state dict keys and shapes are torchvision's.";

/** The error a builder given weights (or pretrained: true) raises, and Weights.get_state_dict(). */
export function offlineError(what: string): RuntimeError {
  return new RuntimeError(`${what}: ${OFFLINE_HELP}`);
}

/** One entry of a weight enum (torchvision's Weights dataclass, with its enum name): describes, never loads. */
export class Weights {
  constructor(
    readonly enumName: string,
    readonly name: string,
    readonly url: string,
    readonly meta: Readonly<Record<string, unknown>>,
    private readonly preset: ImageClassificationOptions = { crop_size: 224 },
  ) {}

  /** The enum member's value, as weights.value in Python. */
  get value(): this {
    return this;
  }

  /** Always raises: there is no network here (torchvision downloads the file). */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  get_state_dict(..._args: unknown[]): never {
    throw offlineError(`${this.toString()}.get_state_dict()`);
  }

  /** The evaluation preprocessing that goes with these weights (ImageClassification; it needs no download). */
  transforms(): ImageClassification {
    return new ImageClassification(this.preset);
  }

  toString(): string {
    return `${this.enumName}.${this.name}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export interface WeightsEnum {
  readonly __name__: string;
  /** The recommended member (ResNet50_Weights.DEFAULT is IMAGENET1K_V2). */
  readonly DEFAULT: Weights;
  /** WeightsEnum.verify(obj): null, a member, or a member's name ("IMAGENET1K_V1" / "ResNet18_Weights.IMAGENET1K_V1"). */
  verify(obj: unknown): Weights | null;
  /** The members, as list(ResNet18_Weights). */
  members(): Weights[];
  [Symbol.iterator](): Iterator<Weights>;
}

/** A weights enum: ResNet18_Weights.IMAGENET1K_V1, ResNet18_Weights.DEFAULT (the same member), verify, iteration. */
export function weightsEnum<K extends string>(
  enumName: string,
  entries: Record<K, { url: string; meta: Record<string, unknown>; transforms?: ImageClassificationOptions }>,
  defaultName: NoInfer<K>,
): WeightsEnum & Readonly<Record<K | "DEFAULT", Weights>> {
  const members = (Object.keys(entries) as K[]).map((k) => new Weights(enumName, k, entries[k].url, entries[k].meta, entries[k].transforms));
  const e: Record<string, unknown> = {};
  for (const m of members) e[m.name] = m;
  e.DEFAULT = e[defaultName];
  const fromStr = (name: string): Weights => {
    const m = members.find((w) => w.name === name) ?? (name === "DEFAULT" ? (e.DEFAULT as Weights) : undefined);
    if (!m) throw new ValueError(`Unknown value '${name}' for ${enumName}.`);
    return m;
  };
  Object.defineProperties(e, {
    __name__: { value: enumName },
    verify: {
      value: (obj: unknown): Weights | null => {
        if (obj === null || obj === undefined) return null;
        if (typeof obj === "string") return fromStr(obj.replace(`${enumName}.`, ""));
        if (obj instanceof Weights && obj.enumName === enumName) return obj;
        const got = obj instanceof Weights ? obj.enumName : typeName(obj);
        throw new TypeError_(`Invalid Weight class provided; expected ${enumName} but received ${got}.`);
      },
    },
    members: { value: () => [...members] },
    [Symbol.iterator]: { value: () => members[Symbol.iterator]() },
    toString: { value: () => `<enum '${enumName}'>` },
  });
  return Object.freeze(e) as unknown as WeightsEnum & Readonly<Record<K | "DEFAULT", Weights>>;
}

function typeName(v: unknown): string {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "object" && v !== null) return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** The weights argument as torchvision's builders accept it: a member, its name, null; true / false are the legacy pretrained. */
export type WeightsArg = Weights | string | boolean | null;

/** weights / progress / pretrained, which every builder takes besides its model's own keywords. */
export interface BuilderOptions {
  /** Pretrained weights: only null (the default) works here; anything else raises (nothing can be downloaded). */
  weights?: WeightsArg;
  progress?: boolean;
  /** The pre-0.13 keyword: pretrained: true asks for the default weights and raises as they do. */
  pretrained?: boolean;
}

/**
 * The builders' shared front: builder(weights?, progress?, { weights, progress, pretrained, ...model keywords }).
 * Raises for weights (the model cannot be downloaded) and returns the model's keywords, checked against `accepted`.
 */
export function builderArgs<O extends object>(fn: string, enumObj: WeightsEnum | null, accepted: readonly string[], args: readonly unknown[]): Partial<O> {
  const names = ["weights", "progress", "pretrained", ...accepted];
  const all = parseArgs<Record<string, unknown>>(fn, names as never, args) as Record<string, unknown>;
  if (all.progress !== undefined && typeof all.progress !== "boolean") throw new TypeError_(`${fn}(): 'progress' must be bool, not ${typeName(all.progress)}`);
  let weights = all.weights;
  if (typeof weights === "boolean") weights = weights ? "DEFAULT" : null; // resnet18(true): the legacy positional pretrained
  if (all.pretrained !== undefined && all.pretrained !== null) {
    if (weights !== undefined && weights !== null) throw new ValueError(`${fn}(): give either 'weights' or the deprecated 'pretrained', not both`);
    weights = all.pretrained ? "DEFAULT" : null;
  }
  if (weights !== undefined && weights !== null) {
    if (!enumObj) throw new ValueError(`No weights available for model ${fn}`);
    const w = enumObj.verify(weights)!;
    throw offlineError(`${fn}(weights=${w.toString()})`);
  }
  const out: Record<string, unknown> = {};
  for (const k of accepted) if (all[k] !== undefined) out[k] = all[k];
  return out as Partial<O>;
}

// ---- layers ----------------------------------------------------------------------------------------------

/**
 * A layer factory as torchvision takes one (norm_layer=nn.BatchNorm2d, a partial, a lambda): a class or a function.
 * (never[] admits the classes without a constructor of their own, nn.Sigmoid, which inherit Module's.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LayerFactory = (new (...args: any[]) => Module) | (new (...args: never[]) => Module) | ((...args: any[]) => Module);

function isClass(f: unknown): boolean {
  return typeof f === "function" && Function.prototype.toString.call(f).startsWith("class");
}

/** Calls a layer factory: `new` for a class (nn.BatchNorm2d), a plain call for a function ((c) => new nn.GroupNorm(32, c)). */
export function makeLayer(factory: LayerFactory, ...args: unknown[]): Module {
  const f = factory as unknown as (...a: unknown[]) => Module;
  const m = isClass(factory) ? new (f as unknown as new (...a: unknown[]) => Module)(...args) : f(...args);
  if (!(m instanceof Module)) throw new TypeError_(`a layer factory must return an nn.Module, got ${typeName(m)}`);
  return m;
}

/** torchvision.models._utils._make_divisible */
export function _make_divisible(v: number, divisor: number, min_value: number | null = null): number {
  const minV = min_value ?? divisor;
  let newV = Math.max(minV, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

// ---- registry ----------------------------------------------------------------------------------------------

/** A model builder: every family's builders take (weights?, progress?, options?). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Builder = (...args: any[]) => Module;

const BUILTIN_MODELS = new Map<string, { fn: Builder; weights: WeightsEnum | null }>();

export function register_model(name: string, fn: Builder, weights: WeightsEnum | null): void {
  if (BUILTIN_MODELS.has(name)) throw new ValueError(`An entry is already registered under the name '${name}'.`);
  BUILTIN_MODELS.set(name, { fn, weights });
}

/** list_models(module?): the names of the models built here, sorted (classification models only). */
export function list_models(module?: unknown): string[] {
  if (module !== undefined && module !== null && !isModelsNamespace(module)) return [];
  return [...BUILTIN_MODELS.keys()].sort();
}

let modelsNamespace: unknown = null;
export function setModelsNamespace(ns: unknown): void {
  modelsNamespace = ns;
}
function isModelsNamespace(m: unknown): boolean {
  return m === modelsNamespace;
}

export function get_model_builder(name: string): Builder {
  const entry = BUILTIN_MODELS.get(typeof name === "string" ? name.toLowerCase() : "");
  if (!entry) throw new ValueError(`Unknown model ${name}`);
  return entry.fn;
}

/** get_model(name, { weights, num_classes, ... }): the builder called with the keywords. */
export function get_model(name: string, config?: Record<string, unknown>): Module {
  if (config !== undefined && !isOptions(config)) throw new TypeError_("get_model() takes 1 positional argument (the model's name) and keyword arguments as an options object");
  return get_model_builder(name)(config ?? {});
}

/** get_model_weights(name | builder): the model's weights enum. */
export function get_model_weights(name: string | Builder): WeightsEnum {
  const entry = typeof name === "string" ? BUILTIN_MODELS.get(name.toLowerCase()) : [...BUILTIN_MODELS.values()].find((e) => e.fn === name);
  if (!entry) throw new ValueError(`Unknown model ${typeof name === "string" ? name : name.name}`);
  if (!entry.weights) throw new ValueError("The WeightsEnum class for the specific method couldn't be retrieved.");
  return entry.weights;
}

const ENUMS = new Map<string, WeightsEnum>();
export function registerEnum(e: WeightsEnum): void {
  ENUMS.set(e.__name__, e);
}

/** get_weight("ResNet50_Weights.IMAGENET1K_V2"): the member (which describes the weights but cannot load them here). */
export function get_weight(name: string): Weights {
  const parts = String(name).split(".");
  if (parts.length !== 2) throw new ValueError(`Invalid weight name provided: '${name}'.`);
  const e = ENUMS.get(parts[0]);
  if (!e) throw new ValueError(`The weight enum '${parts[0]}' for the specific method couldn't be retrieved.`);
  return e.verify(parts[1])!;
}
