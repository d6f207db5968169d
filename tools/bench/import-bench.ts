// `npm run bench -- import`: peak memory of importing a full-size SD 1.5 checkpoint. The checkpoint is made here
// (random float16 values in SD 1.5's LDM names and shapes, ~2.1 GB, written tensor by tensor into a temp folder);
// the import runs in a child process (this bench entry again, `--import-child`) so its peak RSS (getrusage maxrss) is the import's alone. Target: < 500 MB.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importCheckpoint } from '../../src-main/models/checkpoint/import-checkpoint';
import {
  textEncoderParameters,
  unetParameters,
  vaeParameters,
} from '../../src-main/models/checkpoint/parameter-schema';
import { SD15_TEXT, SD15_UNET, SD15_VAE } from '../../src-main/models/checkpoint/test-support/sd15-configs';
import { ldmName } from './ldm-names-reverse';

/** Writes an SD 1.5-shaped LDM safetensors file of random float16 values; returns its size in bytes. */
export async function writeSd15Checkpoint(file: string): Promise<number> {
  const tensors: { name: string; dims: number[] }[] = [];
  for (const [name, dims] of unetParameters(SD15_UNET)) tensors.push({ name: ldmName('unet', name, SD15_UNET), dims });
  for (const [name, dims] of vaeParameters(SD15_VAE)) {
    const squeezed = /mid_block\.attentions\.0\.(to_q|to_k|to_v|to_out\.0)\.weight$/.test(name);
    tensors.push({ name: ldmName('vae', name, SD15_UNET, SD15_VAE), dims: squeezed ? [...dims, 1, 1] : dims });
  }
  for (const [name, dims] of textEncoderParameters(SD15_TEXT))
    tensors.push({ name: `cond_stage_model.transformer.${name}`, dims });
  tensors.sort((a, b) => (a.name < b.name ? -1 : 1));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.dims.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: 'F16', shape: t.dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = createWriteStream(file);
  const write = (chunk: Uint8Array) =>
    new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  await write(length);
  await write(new TextEncoder().encode(json));
  // Random halves in ±0.0625 (exponent bits fixed, mantissa and sign random): finite, weight-like.
  let state = 0x9e3779b9;
  const chunk = new Uint16Array(1 << 20);
  for (const t of tensors) {
    let left = t.dims.reduce((a, b) => a * b, 1);
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      for (let i = 0; i < n; i++) {
        state = (state * 1664525 + 1013904223) >>> 0;
        chunk[i] = ((state >>> 16) & 0x83ff) | 0x2800;
      }
      await write(new Uint8Array(chunk.buffer, 0, n * 2).slice());
      left -= n;
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return 8 + json.length + offset;
}

/** A CLIP-sized stand-in tokenizer (the real one is never shipped): only its vocabulary size matters here. */
async function writeStandInTokenizer(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const vocab: Record<string, number> = {};
  for (let i = 0; i < SD15_TEXT.vocab_size; i++) vocab[`t${i}`] = i;
  await writeFile(path.join(folder, 'vocab.json'), JSON.stringify(vocab));
  await writeFile(path.join(folder, 'merges.txt'), '#version: 0.2\n');
}

export interface ImportBenchRow {
  precision: 'fp32' | 'fp16';
  checkpointBytes: number;
  seconds: number;
  peakRssMb: number;
}

export async function runImportBench(): Promise<ImportBenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'import-bench-'));
  try {
    const file = path.join(dir, 'sd15-random.safetensors');
    const checkpointBytes = await writeSd15Checkpoint(file);
    await writeStandInTokenizer(path.join(dir, 'tokenizer'));
    const rows: ImportBenchRow[] = [];
    for (const precision of ['fp16', 'fp32'] as const) {
      const out = path.join(dir, `imported-${precision}`);
      const child = spawnSync(
        process.execPath,
        [process.argv[1], '--import-child', file, out, precision, path.join(dir, 'tokenizer')],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`import failed: ${child.stderr}`);
      const measured = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { seconds: number; peakRssMb: number };
      rows.push({ precision, checkpointBytes, ...measured });
      await rm(out, { recursive: true, force: true });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** In the child: import, then report wall time and peak RSS. */
export async function importChild([file, out, precision, tokenizer]: string[]): Promise<void> {
  const start = performance.now();
  await importCheckpoint({
    file,
    outDir: out,
    precision: precision as 'fp32' | 'fp16',
    tokenizerCandidates: [tokenizer],
  });
  const seconds = (performance.now() - start) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMb })}\n`);
}
