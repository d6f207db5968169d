import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AttributeType,
  DataType,
  decodeModel,
  encodeModel,
  externalData,
  float32Tensor,
  float32Values,
  inlineBytes,
  int64Tensor,
  integerValues,
  loadTensorBytes,
  readModelFile,
  writeModelFile,
  type OnnxModel,
} from '.';

const fixtures = join(import.meta.dirname, '../../engine/test-fixtures/models');
const components = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];
const work = mkdtempSync(join(tmpdir(), 'onnx-codec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the fixture models', () => {
  for (const folder of readdirSync(fixtures))
    for (const component of components)
      it(`${folder}/${component} re-encodes to the same bytes`, () => {
        const bytes = new Uint8Array(readFileSync(join(fixtures, folder, component, 'model.onnx')));
        expect(Buffer.from(encodeModel(decodeModel(bytes))).equals(bytes)).toBe(true);
      });

  it('decodes graph, opsets, symbolic dims and raw weights as views of the model bytes', () => {
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'tiny-sd/unet/model.onnx')));
    const model = decodeModel(bytes);
    expect(model.producerName).toBe('pytorch');
    expect(model.opsetImports).toEqual([{ version: 14 }]); // torch writes no domain for the default one
    expect(model.graph.inputs.map((i) => i.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(model.graph.inputs[0].type?.tensor).toEqual({
      elemType: DataType.FLOAT,
      shape: [{ param: 'batch' }, { param: 'channels' }, { param: 'height' }, { param: 'width' }],
    });
    expect(model.graph.inputs[1].type?.tensor?.shape).toEqual([{ value: 1 }]);
    const weights = model.graph.initializers.filter((t) => t.rawData && t.rawData.length > 64);
    expect(weights.length).toBeGreaterThan(10);
    for (const t of weights) expect(t.rawData?.buffer).toBe(bytes.buffer);
    const softmax = model.graph.nodes.find((n) => n.opType === 'Softmax');
    expect(softmax?.attributes).toEqual([expect.objectContaining({ name: 'axis', type: 'int', value: -1 })]);
  });

  it('reads external weights from the file beside the model', async () => {
    const external = await readModelFile(join(fixtures, 'tiny-sd-external/unet/model.onnx'));
    const inline = await readModelFile(join(fixtures, 'tiny-sd/unet/model.onnx'));
    const byName = new Map(inline.graph.initializers.map((t) => [t.name, t]));
    const moved = external.graph.initializers.filter((t) => externalData(t));
    expect(moved.length).toBeGreaterThan(10);
    for (const t of moved) {
      const bytes = await loadTensorBytes(t, join(fixtures, 'tiny-sd-external/unet'));
      expect(Buffer.from(bytes).equals(Buffer.from(inlineBytes(byName.get(t.name)!)))).toBe(true);
    }
  });
});

/** A model using every kind of field the codec models, plus one it does not. */
function handBuilt(): OnnxModel {
  const scalar = (name: string, type: number, shape?: Array<number | string>) => ({
    name,
    type: {
      tensor: {
        elemType: type,
        shape: shape?.map((d) => (typeof d === 'number' ? { value: d } : { param: d })),
      },
      unknownFields: [],
    },
    unknownFields: [],
  });
  const common = { typed: true, unknownFields: [] };
  return {
    irVersion: 8,
    producerName: 'test',
    graph: {
      name: 'g',
      nodes: [
        {
          opType: 'Add',
          inputs: ['x', 'w'],
          outputs: ['y'],
          name: 'add',
          domain: '',
          attributes: [
            { ...common, name: 'neg', type: 'int', value: -1 },
            { ...common, name: 'max', type: 'int', value: 2 ** 63 },
            { ...common, name: 'f', type: 'float', value: 0.5 },
            { ...common, name: 'fs', type: 'floats', value: [1.5, -2] },
            { ...common, name: 'is', type: 'ints', value: [0, -3, 7] },
            { ...common, name: 's', type: 'string', value: new TextEncoder().encode('hi') },
            { ...common, name: 't', type: 'tensor', value: int64Tensor('c', [2], [-1, 5]) },
          ],
          unknownFields: [Uint8Array.of(0x4a, 0x01, 0x41)], // field 9 (metadata_props), kept verbatim
        },
      ],
      initializers: [
        float32Tensor('w', [2], [1, 2]),
        { name: 'typed', dataType: DataType.FLOAT, dims: [3], floatData: Float32Array.of(1, 2, 3), unknownFields: [] },
        { name: 'i64', dataType: DataType.INT64, dims: [2], int64Data: BigInt64Array.of(-2n, 9n), unknownFields: [] },
      ],
      inputs: [scalar('x', DataType.FLOAT, ['batch', 2])],
      outputs: [scalar('y', DataType.FLOAT)],
      valueInfo: [],
      unknownFields: [],
    },
    opsetImports: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    metadata: [{ key: 'k', value: 'v' }],
    unknownFields: [],
  };
}

describe('a hand-built model', () => {
  it('survives encode → decode with every value intact', () => {
    const model = handBuilt();
    const decoded = decodeModel(encodeModel(model));
    const attrs = Object.fromEntries(
      decoded.graph.nodes[0].attributes.map((a) => [a.name, a.type === 'other' ? null : a.value]),
    );
    expect(attrs.neg).toBe(-1);
    expect(attrs.max).toBe(2 ** 63); // INT64_MAX, as close as a number gets
    expect(attrs.f).toBe(0.5);
    expect(attrs.fs).toEqual([1.5, -2]);
    expect(attrs.is).toEqual([0, -3, 7]);
    expect(new TextDecoder().decode(attrs.s as Uint8Array)).toBe('hi');
    expect(decoded.graph.nodes[0].unknownFields.map((u) => [...u])).toEqual([[0x4a, 0x01, 0x41]]);
    const [w, typed, i64] = decoded.graph.initializers;
    expect([...float32Values(w)]).toEqual([1, 2]);
    expect([...float32Values(typed)]).toEqual([1, 2, 3]);
    expect(integerValues(i64)).toEqual([-2, 9]);
    expect(decoded.graph.inputs[0].type?.tensor?.shape).toEqual([{ param: 'batch' }, { value: 2 }]);
    expect(decoded.graph.outputs[0].type?.tensor?.shape).toBeUndefined();
    expect(decoded.opsetImports).toEqual(model.opsetImports);
    expect(decoded.metadata).toEqual([{ key: 'k', value: 'v' }]);
    // And once decoded, it is a fixed point.
    const again = encodeModel(decoded);
    expect(Buffer.from(encodeModel(decodeModel(again))).equals(Buffer.from(again))).toBe(true);
  });

  it('writes INT64_MAX, the sentinel of Slice ends, exactly', () => {
    const bytes = encodeModel(handBuilt());
    const max = decodeModel(bytes).graph.nodes[0].attributes.find((a) => a.name === 'max');
    expect(max?.type === 'int' && BigInt(max.value)).toBe(2n ** 63n); // read back as the nearest number
    // The varint on the wire is 0x7fff_ffff_ffff_ffff: nine bytes, the last 0x7f.
    const hex = Buffer.from(bytes).toString('hex');
    expect(hex).toContain('18ffffffffffffffff7f');
  });

  it('names attribute types as onnx.proto numbers them', () => {
    expect(AttributeType.INTS).toBe(7);
    expect(AttributeType.TENSOR).toBe(4);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => decodeModel(new TextEncoder().encode('hello world'))).toThrow(/not a readable ONNX model/);
    expect(() => decodeModel(new Uint8Array(0))).toThrow(/no graph/);
  });
});

describe('writing model files', () => {
  it('moves large weights to one external file and reads them back', async () => {
    const source = join(fixtures, 'tiny-sd/unet/model.onnx');
    const model = await readModelFile(source);
    const out = join(work, 'unet.onnx');
    await writeModelFile(out, model, { externalData: { location: 'unet.weights', threshold: 1024 } });
    const written = await readModelFile(out);
    const external = written.graph.initializers.filter((t) => externalData(t));
    expect(external.length).toBeGreaterThan(10);
    expect(statSync(out).size).toBeLessThan(statSync(source).size / 2);
    for (const [i, t] of written.graph.initializers.entries()) {
      const bytes = await loadTensorBytes(t, work);
      expect(Buffer.from(bytes).equals(Buffer.from(inlineBytes(model.graph.initializers[i])))).toBe(true);
    }
  });

  it('brings external weights back inline when asked for none', async () => {
    const dir = join(fixtures, 'tiny-sd-external/unet');
    const model = await readModelFile(join(dir, 'model.onnx'));
    const out = join(work, 'inline.onnx');
    await writeModelFile(out, model, { sourceDir: dir });
    const inline = readFileSync(join(fixtures, 'tiny-sd/unet/model.onnx'));
    const written = await readModelFile(out);
    expect(written.graph.initializers.every((t) => !externalData(t))).toBe(true);
    expect(written.graph.initializers.map((t) => t.rawData?.length)).toEqual(
      decodeModel(new Uint8Array(inline)).graph.initializers.map((t) => t.rawData?.length),
    );
  });

  it('refuses external locations outside the model folder', async () => {
    const model = handBuilt();
    model.graph.initializers[0] = {
      ...model.graph.initializers[0],
      rawData: undefined,
      dataLocation: 1,
      externalData: [{ key: 'location', value: '../../etc/passwd' }],
    };
    await expect(loadTensorBytes(model.graph.initializers[0], work)).rejects.toThrow(/outside the model's folder/);
  });
});
