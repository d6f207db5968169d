// Writes a graph whose weights sit in an external-data file as one self-contained model.onnx, one tensor in memory
// at a time. Protobuf merges repeated occurrences of a message field (ModelProto.graph), concatenating their
// repeated fields: the first occurrence holds the nodes, inputs, outputs and the tensors named in `first`; each
// weight follows in a graph occurrence of its own. The text encoder is written this way because concept
// injection edits the token-embedding table in the model's bytes, which it cannot do in an external file.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { encodeModelParts, externalData, type OnnxModel, type OnnxTensor } from '../../formats/onnx';

export async function writeInlineModel(file: string, model: OnnxModel, first: ReadonlySet<string>): Promise<void> {
  const folder = path.dirname(file);
  const external = model.graph.initializers.filter((t) => externalData(t) !== null);
  const inline = async (t: OnnxTensor): Promise<OnnxTensor> => {
    const where = externalData(t)!;
    const handle = await open(path.join(folder, where.location), 'r');
    try {
      const bytes = new Uint8Array(where.length ?? 0);
      await handle.read(bytes, 0, bytes.length, where.offset);
      return { name: t.name, dataType: t.dataType, dims: t.dims, rawData: bytes, unknownFields: [] };
    } finally {
      await handle.close();
    }
  };
  const locations = new Set(external.map((t) => externalData(t)!.location));
  const out = await open(file, 'w');
  try {
    const write = async (parts: Uint8Array[]) => {
      for (const part of parts) await out.write(part);
    };
    const head = model.graph.initializers.filter((t) => externalData(t) === null);
    for (const t of external) if (first.has(t.name ?? '')) head.push(await inline(t));
    await write(encodeModelParts({ ...model, graph: { ...model.graph, initializers: head } }));
    for (const t of external) {
      if (first.has(t.name ?? '')) continue;
      const graph = { nodes: [], initializers: [await inline(t)], inputs: [], outputs: [], valueInfo: [], unknownFields: [] };
      await write(encodeModelParts({ graph, opsetImports: [], metadata: [], unknownFields: [] }));
    }
  } finally {
    await out.close();
  }
  for (const location of locations) await rm(path.join(folder, location), { force: true });
}
