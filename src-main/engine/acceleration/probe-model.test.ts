// The hand-built Identity models: valid ONNX for each element type (run on the CPU provider), and the WebGPU probe's
// answer on this machine, which has no GPU adapter. The device-resident upload path itself needs a GPU: not run here.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { probeProvider } from '../onnx-session';
import { identityModel, onnxElementTypes, probeModel } from './probe-model';

describe('identity models', () => {
  it.each([
    ['float32', new Float32Array([1.5, -2, 3, 4, 5, 6])],
    ['float16', new Uint16Array([0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600])],
    ['int32', new Int32Array([1, 2, 3, 4, 5, 6])],
    ['int64', new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n])],
  ] as const)('pass a %s tensor of any shape through on the CPU', async (type, data) => {
    const session = await InferenceSession.create(identityModel(onnxElementTypes[type]), {
      executionProviders: ['cpu'],
    });
    const out = (await session.run({ x: new Tensor(type, data, [1, 2, 3]) })).y as Tensor;
    expect(out.dims).toEqual([1, 2, 3]);
    expect(Array.from(out.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
    await session.release();
  });

  it('starts the CPU provider, and reports why WebGPU cannot start here', async () => {
    expect(await probeProvider('cpu', probeModel())).toBeNull();
    expect(await probeProvider('webgpu', probeModel())).toMatch(/Failed to get a WebGPU adapter/);
  });
});
