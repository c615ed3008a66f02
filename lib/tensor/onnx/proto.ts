/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) the
 * exporter writes, as plain objects, with their encoders and a reader (`describe`) that parses
 * a model's bytes back into its graph: inputs, outputs, initializers and nodes.
 * Field numbers are onnx.proto's; they never change between ONNX releases.
 */
import { ProtoWriter, readFields, readPackedInts, type WireField } from "./protobuf";
import { utf8Decode } from "../utf8";

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

export type AttributeValue = number | number[] | { float: number };

/** A NodeProto: one operator. Integer attributes are plain numbers, float ones `{ float }`. */
export interface NodeSpec {
  op_type: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

/** A TensorProto initializer: float32 or int64 values in row-major order. */
export interface InitializerSpec {
  name: string;
  dims: number[];
  data_type: typeof FLOAT | typeof INT64;
  values: ArrayLike<number>;
}

/** A ValueInfoProto for a float tensor: each dim a size or a symbolic name such as "batch". */
export interface ValueSpec {
  name: string;
  shape: (number | string)[];
}

export interface ModelSpec {
  ir_version: number;
  opset_version: number;
  producer_name: string;
  producer_version: string;
  graph_name: string;
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function encodeAttribute(name: string, v: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof v === "number") return w.int(3, v).int(20, ATTR_INT);
  if (Array.isArray(v)) return w.packedInts(8, v).int(20, ATTR_INTS);
  return w.float(2, v.float).int(20, ATTR_FLOAT);
}

function encodeNode(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op_type);
  for (const [k, v] of Object.entries(n.attributes)) w.message(5, encodeAttribute(k, v));
  return w;
}

function encodeInitializer(t: InitializerSpec): ProtoWriter {
  const size = t.data_type === FLOAT ? 4 : 8;
  const raw = new Uint8Array(t.values.length * size);
  const view = new DataView(raw.buffer);
  // raw_data is little-endian by the ONNX spec, whatever the host's byte order.
  for (let i = 0; i < t.values.length; i++) {
    if (t.data_type === FLOAT) view.setFloat32(i * 4, t.values[i], true);
    else view.setBigInt64(i * 8, BigInt(t.values[i]), true);
  }
  return new ProtoWriter().packedInts(1, t.dims).int(2, t.data_type).string(8, t.name).bytesField(9, raw);
}

function encodeValueInfo(v: ValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === "number" ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

export function encodeModel(m: ModelSpec): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, encodeNode(n));
  graph.string(2, m.graph_name);
  for (const t of m.initializers) graph.message(5, encodeInitializer(t));
  for (const v of m.inputs) graph.message(11, encodeValueInfo(v));
  for (const v of m.outputs) graph.message(12, encodeValueInfo(v));
  return new ProtoWriter()
    .int(1, m.ir_version)
    .string(2, m.producer_name)
    .string(3, m.producer_version)
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, "").int(2, m.opset_version))
    .finish();
}

// ---- reading back -------------------------------------------------------------------------------

/** What `torch.onnx.describe(bytes)` returns: the graph as stored in the file. */
export interface ModelInfo {
  ir_version: number;
  opset_version: number;
  producer_name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers: { name: string; dims: number[]; data_type: number }[];
  nodes: Omit<NodeSpec, "attributes">[];
}

const str = (f: WireField): string => utf8Decode(f.value as Uint8Array);
const num = (f: WireField): number => Number(f.value as bigint);
const sub = (f: WireField): WireField[] => readFields(f.value as Uint8Array);

function decodeValueInfo(fields: WireField[]): ValueSpec {
  const v: ValueSpec = { name: "", shape: [] };
  for (const f of fields) {
    if (f.field === 1) v.name = str(f);
    if (f.field !== 2) continue;
    for (const t of sub(f)) {
      if (t.field !== 1) continue;
      for (const s of sub(t)) {
        if (s.field !== 2) continue;
        for (const dim of sub(s)) {
          if (dim.field !== 1) continue;
          const d = sub(dim)[0];
          v.shape.push(d === undefined ? "?" : d.field === 1 ? num(d) : str(d));
        }
      }
    }
  }
  return v;
}

function intsOf(f: WireField): number[] {
  return f.wire === 2 ? readPackedInts(f.value as Uint8Array) : [num(f)];
}

/** Parses ONNX model bytes (from `torch.onnx.export` or any exporter) into its graph. */
export function decodeModel(bytes: Uint8Array): ModelInfo {
  const info: ModelInfo = { ir_version: 0, opset_version: 0, producer_name: "", inputs: [], outputs: [], initializers: [], nodes: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1) info.ir_version = num(f);
    else if (f.field === 2) info.producer_name = str(f);
    else if (f.field === 8) {
      const fs = sub(f);
      const domain = fs.find((x) => x.field === 1);
      const version = fs.find((x) => x.field === 2);
      if ((!domain || str(domain) === "") && version) info.opset_version = num(version);
    } else if (f.field === 7) {
      for (const g of sub(f)) {
        if (g.field === 1) {
          const node: Omit<NodeSpec, "attributes"> = { op_type: "", name: "", inputs: [], outputs: [] };
          for (const n of sub(g)) {
            if (n.field === 1) node.inputs.push(str(n));
            else if (n.field === 2) node.outputs.push(str(n));
            else if (n.field === 3) node.name = str(n);
            else if (n.field === 4) node.op_type = str(n);
          }
          info.nodes.push(node);
        } else if (g.field === 5) {
          const t = { name: "", dims: [] as number[], data_type: 0 };
          for (const x of sub(g)) {
            if (x.field === 1) t.dims.push(...intsOf(x));
            else if (x.field === 2) t.data_type = num(x);
            else if (x.field === 8) t.name = str(x);
          }
          info.initializers.push(t);
        } else if (g.field === 11) info.inputs.push(decodeValueInfo(sub(g)));
        else if (g.field === 12) info.outputs.push(decodeValueInfo(sub(g)));
      }
    }
  }
  return info;
}
