/**
 * Saving and loading in safetensors' layout, so a learner's download also opens in Python
 * (`safetensors.torch.load_file`):
 *
 *   8 bytes   little-endian uint64 N, the header length
 *   N bytes   UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
 *             "__metadata__": { "<key>": "<string>" } }, space-padded so the data starts 8-aligned
 *   rest      the tensors' raw little-endian bytes, back to back in header order
 *
 * `save(state_dict)` / `load(bytes)` round-trip a state dict exactly (float32 bits, int64 and
 * bool values, key order). `save(model)` also records the architecture (module class names,
 * their settings and children) in the metadata, and `load(bytes)` then rebuilds the model.
 * Like unpickling a PyTorch model, that needs every class: built-in layers are known, a
 * learner's own classes must be registered first with nn.register_module("Swish", Swish).
 */
import { decodeCheckpoint, encodeCheckpoint, isStateDict, OBJECT_KEY, type Checkpoint } from "./checkpoint";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "./dtype";
import { isOptions, parseArgs, type PyArgs } from "./args";
import { checkDevice, Device } from "./device";
import { RuntimeError, TorchError, TypeError_ } from "./errors";
import { Module, moduleTypeName, type StateDict } from "./nn/module";
import { BatchNorm1d } from "./nn/modules/batchnorm";
import { Parameter } from "./nn/parameter";
import { lookup_module, type ModuleClass } from "./nn/registry";
import { contiguousData, empty } from "./ops/util";
import { Tensor } from "./tensor";
import { relink, tiedPaths } from "./saved_ties";
import { utf8Decode, utf8Encode } from "./utf8";

/** Python's FileNotFoundError, which torch.load of a missing file raises (open() in torch.serialization). */
class FileNotFoundError extends TorchError {
  constructor(message: string) {
    super(message, "FileNotFoundError");
  }
}

/** Metadata key holding the JSON architecture of a saved model. */
export const ARCHITECTURE_KEY = "gradbook.architecture";
/** Metadata key of a saved model's tied paths (saved_ties.ts), when it has any. */
const TIED_KEY = "gradbook.tied";

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const CODES: [DType, string, number][] = [
  [float32, "F32", 4],
  [float64, "F64", 8],
  [int64, "I64", 8],
  [int32, "I32", 4],
  [int16, "I16", 2],
  [int8, "I8", 1],
  [uint8, "U8", 1],
  [bool, "BOOL", 1],
];

// ---- tensors <-> bytes ------------------------------------------------------------------------
function encodeTensor(t: Tensor, out: DataView, at: number): void {
  const src = contiguousData(t);
  const n = src.length;
  if (t.dtype === float32) for (let i = 0; i < n; i++) out.setFloat32(at + 4 * i, src[i], true);
  else if (t.dtype === float64) for (let i = 0; i < n; i++) out.setFloat64(at + 8 * i, src[i], true);
  else if (t.dtype === int64) {
    for (let i = 0; i < n; i++) out.setBigInt64(at + 8 * i, BigInt(Math.trunc(src[i])), true);
  } else if (t.dtype === int32) for (let i = 0; i < n; i++) out.setInt32(at + 4 * i, src[i], true);
  else if (t.dtype === int16) for (let i = 0; i < n; i++) out.setInt16(at + 2 * i, src[i], true);
  else if (t.dtype === int8) for (let i = 0; i < n; i++) out.setInt8(at + i, src[i]);
  else if (t.dtype === uint8) for (let i = 0; i < n; i++) out.setUint8(at + i, src[i]);
  else for (let i = 0; i < n; i++) out.setUint8(at + i, src[i] !== 0 ? 1 : 0);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Reads one tensor; also accepts dtypes other tools write (F16, BF16, I32, I16, I8, U8). */
function decodeTensor(name: string, e: HeaderEntry, view: DataView, base: number): Tensor {
  const [begin, end] = e.data_offsets;
  const n = e.shape.reduce((p, s) => p * s, 1);
  const at = base + begin;
  const readers: Record<string, [DType, number, (i: number) => number]> = {
    F32: [float32, 4, (i) => view.getFloat32(at + 4 * i, true)],
    F64: [float64, 8, (i) => view.getFloat64(at + 8 * i, true)],
    I64: [int64, 8, (i) => Number(view.getBigInt64(at + 8 * i, true))],
    I32: [int32, 4, (i) => view.getInt32(at + 4 * i, true)],
    I16: [int16, 2, (i) => view.getInt16(at + 2 * i, true)],
    I8: [int8, 1, (i) => view.getInt8(at + i)],
    U8: [uint8, 1, (i) => view.getUint8(at + i)],
    BOOL: [bool, 1, (i) => (view.getUint8(at + i) ? 1 : 0)],
    F16: [float32, 2, (i) => halfToFloat(view.getUint16(at + 2 * i, true))],
    BF16: [float32, 2, (i) => new Float32Array(new Uint32Array([view.getUint16(at + 2 * i, true) << 16]).buffer)[0]],
  };
  const r = readers[e.dtype];
  if (!r) throw new RuntimeError(`load: tensor '${name}' has unsupported dtype ${e.dtype}`);
  const [dtype, size, read] = r;
  if (end - begin !== n * size || base + end > view.byteLength) {
    throw new RuntimeError(`load: tensor '${name}' has data_offsets [${begin}, ${end}] that do not fit its shape [${e.shape.join(", ")}] and dtype ${e.dtype}`);
  }
  const t = empty(e.shape, dtype);
  for (let i = 0; i < n; i++) t._data[i] = read(i);
  return t;
}

/** Serialises named tensors (and string metadata) to safetensors bytes. */
export function save_tensors(tensors: StateDict | Map<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new TypeError_(`save: '${name}' is not a Tensor`);
    const code = CODES.find(([d]) => d === t.dtype);
    if (!code) throw new RuntimeError(`save: unsupported dtype ${t.dtype} for '${name}'`);
    const bytes = t.numel() * code[2];
    header[name] = { dtype: code[1], shape: t.shape.slice(), data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = utf8Encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const base = 8 + json.length;
  for (const [name, t] of entries) encodeTensor(t, view, base + (header[name] as HeaderEntry).data_offsets[0]);
  return out;
}

/** Parses safetensors bytes into tensors (in file order) and metadata. */
export function load_tensors(data: Uint8Array | ArrayBuffer): { tensors: StateDict; metadata: Record<string, string> } {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 8) throw new RuntimeError("load: the data is too short to be a safetensors file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) throw new RuntimeError("load: invalid header length (not a safetensors file?)");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch {
    throw new RuntimeError("load: the header is not valid JSON (not a safetensors file?)");
  }
  const metadata = (header.__metadata__ as Record<string, string> | undefined) ?? {};
  const tensors: StateDict = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    tensors[name] = decodeTensor(name, e as HeaderEntry, view, 8 + n);
  }
  return { tensors, metadata };
}

// ---- models -------------------------------------------------------------------------------------
interface ArchNode {
  type: string;
  /** The class's registry name where it differs from `type`: its own static __module__ + "." + type (torchvision's three InvertedResidual classes). */
  qualname?: string;
  training: boolean;
  /** Own settings with JSON values (numbers, strings, booleans, null, arrays and plain objects of those). */
  settings: Record<string, unknown>;
  /** Own attributes holding a registered module class (ResNet's _norm_layer), by registry name. */
  classes?: Record<string, string>;
  /**
   * Own attributes neither settings, classes, parameters, buffers nor children (a function, a tensor
   * not registered as a buffer): not saved, so a model with any can only be rebuilt by its
   * constructor. Absent in files written before it was recorded.
   */
  opaque?: string[];
  parameters: string[];
  buffers: [string, boolean][];
  children: [string, ArchNode][];
}

function isPlainValue(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  // JSON has no NaN or infinities: such a number is not plain, so it is not silently saved as null.
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainValue);
  return typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(isPlainValue);
}

/** The name a class is registered (and saved) under: its own static __module__ qualifies it. */
function registryName(cls: unknown): string {
  const name = moduleTypeName(cls);
  const own = Object.prototype.hasOwnProperty.call(cls, "__module__") ? (cls as { __module__?: unknown }).__module__ : undefined;
  return typeof own === "string" && own ? `${own}.${name}` : name;
}

/** The registry name of `v` when it is a registered module class, else null. */
function registeredClassName(v: unknown): string | null {
  if (typeof v !== "function") return null;
  const name = registryName(v);
  return lookup_module(name) === v ? name : null;
}

function classOf(node: ArchNode): ModuleClass | undefined {
  return lookup_module(node.qualname ?? node.type);
}

function describe(m: Module): ArchNode {
  // A class may refuse pickling by a throwing __getstate__, as parametrized modules do in PyTorch.
  const getstate = (m as unknown as { __getstate__?: () => unknown }).__getstate__;
  if (typeof getstate === "function") getstate.call(m);
  const params = new Set(m._own_parameters().map(([n]) => n));
  const bufferNames = new Set(m._buffer_names.keys());
  // All names, so a module shared under two names is saved (and rebuilt) under both.
  const children = m._own_children();
  const childNames = new Set(children.map(([n]) => n));
  const settings: Record<string, unknown> = {};
  const classes: Record<string, string> = {};
  const opaque: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (params.has(k) || bufferNames.has(k) || childNames.has(k) || v === undefined) continue;
    const cls = registeredClassName(v);
    if (isPlainValue(v)) settings[k] = v;
    else if (cls !== null) classes[k] = cls;
    else opaque.push(k);
  }
  const type = m._get_name();
  const qualname = registryName(m.constructor);
  return {
    type,
    ...(qualname !== type ? { qualname } : {}),
    training: m.training,
    settings,
    classes,
    opaque,
    parameters: [...params],
    buffers: [...m._buffer_names.entries()],
    children: children.map(([n, c]) => [n, describe(c)]),
  };
}

/** Modules whose constructor needs sizes; every other class is built with `new Class()`. */
const FACTORIES: Record<string, (s: Record<string, unknown>) => Module> = {
  BatchNorm1d: (s) => new BatchNorm1d(s.num_features as number),
};

function unknownTypes(node: ArchNode, out: string[]): string[] {
  const name = node.qualname ?? node.type;
  if (!classOf(node) && !out.includes(name)) out.push(name);
  for (const [, c] of node.children) unknownTypes(c, out);
  return out;
}

function build(node: ArchNode, tensors: StateDict, prefix: string): Module {
  const Ctor = classOf(node)!;
  let m: Module;
  try {
    // A class may rebuild itself from its saved settings (static _from_settings), e.g. Conv2d from its sizes.
    const own = (Ctor as unknown as { _from_settings?: (s: Record<string, unknown>) => Module })._from_settings;
    m = FACTORIES[node.type]?.(node.settings) ?? own?.call(Ctor, node.settings) ?? new (Ctor as unknown as new () => Module)();
  } catch (err) {
    // As unpickling does, rebuild without the constructor when the file holds every attribute:
    // a bare instance of the class, then its settings, classes, parameters, buffers and children.
    if (node.opaque?.length === 0) m = Reflect.construct(Module, [], Ctor) as Module;
    else {
      const names = (node.opaque ?? []).map((n) => `'${n}'`).join(", ");
      const lost = !node.opaque?.length ? "" : node.opaque.length === 1 ? ` (and its attribute ${names} is not data a file can hold)` : ` (and its attributes ${names} are not data a file can hold)`;
      throw new RuntimeError(
        `Cannot rebuild module '${node.type}': its constructor failed when called without arguments ` +
          `(${(err as Error).message})${lost}. Give its constructor default arguments, or construct the model ` +
          "yourself and load the weights with model.load_state_dict(torch.load(bytes)).",
      );
    }
  }
  const rec = m as unknown as Record<string, unknown>;
  Object.assign(rec, node.settings);
  for (const [name, cls] of Object.entries(node.classes ?? {})) rec[name] = lookup_module(cls);
  for (const [name, child] of node.children) m.add_module(name, build(child, tensors, `${prefix}${name}.`));
  for (const name of node.parameters) {
    const t = tensors[prefix + name];
    if (!t) throw new RuntimeError(`load: the file has no tensor '${prefix}${name}' for a parameter of ${node.type}`);
    const prev = rec[name];
    rec[name] = new Parameter(t, prev instanceof Tensor ? prev.requires_grad : true);
  }
  for (const [name, persistent] of node.buffers) {
    // Persistent buffers come from the file (absent means None, e.g. no running stats);
    // non-persistent ones are not saved, so the constructor's value stays.
    if (persistent) m.register_buffer(name, tensors[prefix + name] ?? null, true);
    else if (!(rec[name] instanceof Tensor)) m.register_buffer(name, null, false);
  }
  m.training = node.training;
  return m;
}

/**
 * Where `torch.save(obj, "model.pt")` writes and `torch.load("model.pt")` reads. The default
 * keeps files in memory for the session (no host APIs); a host may install its own store,
 * e.g. one that persists files or offers them as downloads.
 */
export interface FileStore {
  write(name: string, bytes: Uint8Array): void;
  read(name: string): Uint8Array | undefined;
}

const memoryFiles = new Map<string, Uint8Array>();
let fileStore: FileStore = {
  write: (name, bytes) => void memoryFiles.set(name, bytes),
  read: (name) => memoryFiles.get(name),
};

export function set_file_store(store: FileStore): void {
  fileStore = store;
}

/** Writes bytes under `name` in the current file store (the profiler's export_chrome_trace). */
export function write_file(name: string, bytes: Uint8Array): void {
  fileStore.write(name, bytes);
}

/** torch.save's parameters in torch 1.13 (the pickle ones are accepted and have no effect here). */
const SAVE_KEYWORDS = ["obj", "f", "pickle_module", "pickle_protocol", "_use_new_zipfile_serialization"];

/**
 * torch.save(obj, f?): a module (weights plus architecture) or a state dict (weights only) to
 * safetensors bytes, which are returned. With a file name, the bytes are also written to the
 * file store, so `torch.load("model.pt")` reads them back as in PyTorch. An options object
 * instead of a name adds metadata strings.
 */
// `object` admits checkpoints holding typed records such as optimizer.state_dict() (an interface,
// which TypeScript will not match to Checkpoint's index signature); encodeCheckpoint checks the values.
export function save(obj: Module | StateDict | Map<string, Tensor> | Checkpoint | object, f?: string | Record<string, string>): Uint8Array;
/** torch.save(obj=model.state_dict(), f=MODEL_SAVE_PATH): both by keyword. */
export function save(options: { obj: Module | StateDict | Map<string, Tensor> | Checkpoint | object; f: string }): Uint8Array;
export function save(obj: Module | StateDict | Map<string, Tensor> | Checkpoint | object, f?: string | Record<string, string>): Uint8Array {
  // Python's keywords (obj=, f=) rather than a checkpoint dict or metadata: an object holding obj and f (and
  // nothing but save's parameter names) is the call by keyword; f alone after obj is the file by keyword.
  if (f === undefined && isOptions(obj) && "obj" in obj && "f" in obj && Object.keys(obj).every((k) => SAVE_KEYWORDS.includes(k))) {
    return save(obj.obj as object, obj.f as string);
  }
  if (isOptions(f) && typeof f.f === "string" && Object.keys(f).every((k) => SAVE_KEYWORDS.includes(k) && k !== "obj")) return save(obj, f.f);
  const metadata = typeof f === "object" && f !== null ? f : {};
  let bytes: Uint8Array;
  if (obj instanceof Module) {
    const tied = tiedPaths(obj);
    const ties: Record<string, string> = Object.keys(tied).length > 0 ? { [TIED_KEY]: JSON.stringify(tied) } : {};
    bytes = save_tensors(obj.state_dict(), { format: "pt", ...metadata, [ARCHITECTURE_KEY]: JSON.stringify(describe(obj)), ...ties });
  } else if (obj instanceof Map || isStateDict(obj)) {
    bytes = save_tensors(obj as StateDict | Map<string, Tensor>, { format: "pt", ...metadata });
  } else {
    // A general checkpoint ({ epoch, model_state_dict, optimizer_state_dict, ... }), see checkpoint.ts.
    const { tensors, structure } = encodeCheckpoint(obj);
    bytes = save_tensors(tensors, { format: "pt", ...metadata, [OBJECT_KEY]: structure });
  }
  if (typeof f === "string") fileStore.write(f, bytes);
  return bytes;
}

/**
 * torch.load(bytes | file name): bytes from save() (or any safetensors file). A saved model
 * comes back as a Module (its classes must be built in or registered); a state dict as
 * { name: Tensor }.
 */
/** Where torch.load puts the tensors: a device, a {saved: target} dict, or a function of (tensor, location). */
export type MapLocation = string | Device | Record<string, string | Device> | ((t: Tensor, location: string) => Tensor) | null;

const CUDA_LOAD_ERROR =
  "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.";

/** Checks one map_location target: the CPU passes, CUDA raises torch 1.13's CPU-only load error, others the engine's. */
function checkLoadTarget(target: unknown): void {
  const name = typeof target === "string" ? target : target instanceof Device ? target.toString() : null;
  if (name === null) throw new TypeError_(`load(): map_location must be a string, torch.device, dict or function, not ${typeof target}`);
  if (name.split(":")[0] === "cuda") throw new RuntimeError(CUDA_LOAD_ERROR);
  checkDevice(name, "load");
}

/** Applies map_location to the stored tensors (all on the CPU here, as PyTorch's storages are before mapping). */
function mapLocation(tensors: StateDict, map_location: MapLocation | undefined): StateDict {
  if (map_location === null || map_location === undefined) return tensors;
  if (typeof map_location === "function") {
    const out: StateDict = {};
    for (const [k, t] of Object.entries(tensors)) {
      const r = map_location(t, "cpu");
      if (!(r instanceof Tensor)) throw new TypeError_("load(): a map_location function must return the tensor (storage) it is given, or a copy of it");
      out[k] = r;
    }
    return out;
  }
  if (typeof map_location === "object" && !(map_location instanceof Device)) {
    Object.values(map_location).forEach(checkLoadTarget);
    return tensors;
  }
  checkLoadTarget(map_location);
  return tensors;
}

/**
 * torch.load(f, map_location=None, *, weights_only=False): the object torch.save wrote. The tensors
 * live on the CPU; map_location may name the CPU (a string, torch.device or {saved: target} dict), or
 * be a function called with each tensor and 'cpu' (its result is used); a CUDA target raises
 * PyTorch's CPU-only error. weights_only is accepted (this format stores no code either way).
 */
export function load(f: Uint8Array | ArrayBuffer | string, ...args: PyArgs<[map_location?: MapLocation], { map_location?: MapLocation; weights_only?: boolean }>): Module | StateDict | Checkpoint;
/** torch.load(f=MODEL_SAVE_PATH, map_location=...): the file by keyword too. */
export function load(options: { f: Uint8Array | ArrayBuffer | string; map_location?: MapLocation; weights_only?: boolean }): Module | StateDict | Checkpoint;
export function load(f: Uint8Array | ArrayBuffer | string | { f: Uint8Array | ArrayBuffer | string }, ...args: PyArgs<[map_location?: MapLocation], { map_location?: MapLocation; weights_only?: boolean }>): Module | StateDict | Checkpoint {
  if (isOptions(f)) {
    if (!("f" in f)) throw new TypeError_("load() missing 1 required positional argument: 'f'");
    if (args.length > 0) throw new TypeError_("load() got multiple values for argument 'f'");
    const { f: file, ...rest } = f as { f: Uint8Array | ArrayBuffer | string };
    return Object.keys(rest).length > 0 ? load(file, rest as { map_location?: MapLocation }) : load(file);
  }
  const o = parseArgs<{ map_location?: MapLocation; weights_only?: boolean }>("load", ["map_location", "weights_only"], args);
  if (o.weights_only !== undefined && typeof o.weights_only !== "boolean") throw new TypeError_(`load(): argument 'weights_only' must be bool, not ${typeof o.weights_only}`);
  if (o.map_location !== undefined && o.map_location !== null && typeof o.map_location !== "function") mapLocation({}, o.map_location); // check before reading
  let bytes: Uint8Array | ArrayBuffer;
  if (typeof f === "string") {
    const stored = fileStore.read(f);
    if (!stored) throw new FileNotFoundError(`[Errno 2] No such file or directory: '${f}' (save it first with torch.save(obj, '${f}'))`);
    bytes = stored;
  } else bytes = f;
  const loaded = load_tensors(bytes);
  const metadata = loaded.metadata;
  const tensors = mapLocation(loaded.tensors, o.map_location);
  if (metadata[OBJECT_KEY] !== undefined) return decodeCheckpoint(metadata[OBJECT_KEY], tensors);
  const archJson = metadata[ARCHITECTURE_KEY];
  if (!archJson) return tensors;
  const arch = JSON.parse(archJson) as ArchNode;
  const unknown = unknownTypes(arch, []);
  if (unknown.length > 0) {
    const [first, ...rest] = unknown;
    const more = rest.length > 0 ? ` (also unknown: ${rest.map((n) => `'${n}'`).join(", ")})` : "";
    throw new RuntimeError(`Unknown module '${first}': register it with nn.register_module('${first}', ${first}) before loading${more}`);
  }
  const model = build(arch, tensors, "");
  if (metadata[TIED_KEY] !== undefined) relink(model, JSON.parse(metadata[TIED_KEY]) as Record<string, string>);
  return model;
}
