import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint, type CheckpointReader } from './checkpoint-reader';

const fixtures = path.join(import.meta.dirname, 'fixtures');
let safetensors: CheckpointReader;
let ckpt: CheckpointReader;
let temp: string;

beforeAll(async () => {
  safetensors = await openCheckpoint(path.join(fixtures, 'tiny-ldm.safetensors'));
  ckpt = await openCheckpoint(path.join(fixtures, 'tiny-ldm.ckpt'));
  temp = await mkdtemp(path.join(os.tmpdir(), 'checkpoint-reader-'));
});
afterAll(async () => {
  await safetensors.close();
  await ckpt.close();
  await rm(temp, { recursive: true, force: true });
});

describe('openCheckpoint', () => {
  it('lists every tensor of the LDM safetensors file with its shape, non-float ones without a dtype', () => {
    expect(safetensors.format).toBe('safetensors');
    expect(safetensors.tensors.get('model.diffusion_model.input_blocks.0.0.weight')).toEqual({
      name: 'model.diffusion_model.input_blocks.0.0.weight',
      dims: [8, 4, 3, 3],
      dtype: 'f32',
    });
    expect(safetensors.tensors.get('cond_stage_model.transformer.text_model.embeddings.position_ids')?.dtype).toBe(
      null,
    );
    expect(safetensors.metadata).toEqual({ format: 'pt' });
  });

  it('reads the torch.save archive (Lightning state_dict) to the same tensors and values, strided views included', async () => {
    expect(ckpt.format).toBe('ckpt');
    expect([...ckpt.tensors.keys()].sort()).toEqual([...safetensors.tensors.keys()].sort());
    for (const tensor of safetensors.tensors.values()) {
      expect(ckpt.tensors.get(tensor.name)).toEqual(tensor);
      if (!tensor.dtype) continue;
      expect(await ckpt.read(tensor.name)).toEqual(await safetensors.read(tensor.name));
    }
  });

  it('refuses NaN/Inf weights naming the tensor', async () => {
    const bytes = new Uint8Array(await readFile(path.join(fixtures, 'tiny-ldm.safetensors')));
    const header = safetensorsOffset(bytes, 'model.diffusion_model.out.2.bias');
    new DataView(bytes.buffer).setFloat32(header, Number.NaN, true);
    const file = path.join(temp, 'nan.safetensors');
    await writeFile(file, bytes);
    const reader = await openCheckpoint(file);
    await expect(reader.read('model.diffusion_model.out.2.bias')).rejects.toThrow(
      /nan\.safetensors: tensor "model\.diffusion_model\.out\.2\.bias": value 0 is NaN/,
    );
    await reader.close();
  });

  it('names the file and the problem for what it cannot read', async () => {
    const cut = path.join(temp, 'cut.safetensors');
    const bytes = await readFile(path.join(fixtures, 'tiny-ldm.safetensors'));
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    await expect(openCheckpoint(cut)).rejects.toThrow(/cut\.safetensors: .*runs past the file's end/);
    const legacy = path.join(temp, 'old.ckpt');
    await writeFile(legacy, new Uint8Array([0x80, 0x02, 0x8a]));
    await expect(openCheckpoint(legacy)).rejects.toThrow(/legacy \(pre-1\.6\) format/);
    await expect(openCheckpoint(path.join(temp, 'absent.safetensors'))).rejects.toThrow(/cannot be opened \(ENOENT\)/);
  });

  it('runs nothing from a pickle: a planted global is refused by name', async () => {
    // A zip whose data.pkl names posix.system: the unpickler refuses it when the GLOBAL is read.
    const bytes = new Uint8Array(await readFile(path.join(fixtures, 'tiny-ldm.ckpt')));
    const text = Buffer.from(bytes);
    const at = text.indexOf('collections\nOrderedDict');
    expect(at).toBeGreaterThan(0);
    text.write('posix\x0asystem\x0aOrdered', at, 'latin1');
    const file = path.join(temp, 'planted.ckpt');
    await writeFile(file, text);
    await expect(openCheckpoint(file)).rejects.toThrow(/refuses posix\.system/);
  });
});

/** Where tensor `name`'s data starts in a safetensors file. */
function safetensorsOffset(bytes: Uint8Array, name: string): number {
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<
    string,
    { data_offsets: number[] }
  >;
  return 8 + length + header[name].data_offsets[0];
}
