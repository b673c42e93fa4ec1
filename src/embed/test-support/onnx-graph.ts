/**
 * Writes ONNX models for tests without Python: a minimal protobuf encoder for the handful of ONNX
 * messages a small inference graph needs. (No `onnx.proto` ships in an importable npm package, and
 * the wire format for these messages is a few lines.) Field numbers follow onnx/onnx.proto3.
 */

/** An ONNX tensor element type (TensorProto.DataType). */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** A graph input or output: name, element type and shape (numbers are fixed, strings symbolic). */
export interface OnnxValue {
  name: string;
  elemType: number;
  shape: readonly (number | string)[];
}

/** A constant float tensor baked into the model. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  values: Float32Array;
}

/** One operator; `attributes` holds integer attributes only (enough for Gather/Cast/Unsqueeze…). */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, number>;
}

export interface OnnxGraph {
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
  initializers: readonly OnnxInitializer[];
  nodes: readonly OnnxNode[];
  opset?: number;
}

/**
 * Serialises a ModelProto (IR version 8, default opset 13).
 *
 * @example
 * await writeFile('model.onnx', encodeOnnxModel({ inputs, outputs, initializers, nodes }));
 */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const graphProto = [
    ...graph.nodes.map((node, index) => message(1, encodeNode(node, index))),
    bytesField(2, 'patmatch-test-graph'),
    ...graph.initializers.map((init) => message(5, encodeInitializer(init))),
    ...graph.inputs.map((value) => message(11, encodeValueInfo(value))),
    ...graph.outputs.map((value) => message(12, encodeValueInfo(value))),
  ];
  return concat([
    varintField(1, 8),
    bytesField(2, 'patmatch-test-support'),
    message(7, concat(graphProto)),
    message(8, concat([varintField(2, graph.opset ?? 13)])),
  ]);
}

function encodeNode(node: OnnxNode, index: number): Uint8Array {
  return concat([
    ...node.inputs.map((input) => bytesField(1, input)),
    ...node.outputs.map((output) => bytesField(2, output)),
    bytesField(3, `${node.opType}_${index}`),
    bytesField(4, node.opType),
    ...Object.entries(node.attributes ?? {}).map(([name, value]) =>
      message(5, concat([bytesField(1, name), varintField(3, value), varintField(20, 2)])),
    ),
  ]);
}

function encodeInitializer(init: OnnxInitializer): Uint8Array {
  return concat([
    ...init.dims.map((dim) => varintField(1, dim)),
    varintField(2, ONNX_FLOAT),
    bytesField(8, init.name),
    message(9, new Uint8Array(init.values.buffer, init.values.byteOffset, init.values.byteLength)),
  ]);
}

function encodeValueInfo(value: OnnxValue): Uint8Array {
  const dims = value.shape.map((dim) => message(1, typeof dim === 'number' ? varintField(1, dim) : bytesField(2, dim)));
  const tensorType = concat([varintField(1, value.elemType), message(2, concat(dims))]);
  return concat([bytesField(1, value.name), message(2, message(1, tensorType))]);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
}

function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field << 3), ...varint(value)]);
}

function message(field: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(body.byteLength)]), body]);
}

function bytesField(field: number, text: string): Uint8Array {
  return message(field, new TextEncoder().encode(text));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
