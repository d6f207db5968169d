// A model folder's identity for "Model hash" (10 hex digits, like A1111's): cheap enough to compute on every load.
//
// Choice: SHA-256 over, for each file that defines the model (configs, tokenizer files, every file in the four graph
// folders, external-data files included), its relative path, its size and the bytes of sixteen windows: the first
// and last MiB and fourteen 64 KiB windows spread evenly between. Files up to 4 MiB are hashed whole. That reads at
// most ~3 MiB per file (milliseconds, no cache to keep valid), and any fine-tune or precision change shows, because
// weights change everywhere and sizes change with dtype. A hash of every byte would take seconds per GiB on each
// load, or a cache keyed on mtimes; it is not worth that for an identity label. The hash is not A1111's file hash:
// no A1111 checkpoint has an ONNX folder to compare with.
import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ModelFiles } from './model-folder';

const MIB = 1024 * 1024;
const WHOLE_FILE_LIMIT = 4 * MIB;
const WINDOW = 64 * 1024;
const MIDDLE_WINDOWS = 14;

const graphFolders = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];

export async function contentHash(dir: string, files: ModelFiles): Promise<string> {
  const paths = new Set<string>([
    files.modelIndex,
    files.schedulerConfig,
    files.tokenizer.vocab,
    files.tokenizer.merges,
  ]);
  for (const extra of [files.tokenizer.tokenizerConfig, files.tokenizer.specialTokensMap]) if (extra) paths.add(extra);
  for (const folder of graphFolders) {
    const entries = await readdir(join(dir, folder), { withFileTypes: true }).catch(() => []);
    // Hidden files (.DS_Store, editor swap files) are not part of the model.
    for (const entry of entries)
      if (entry.isFile() && !entry.name.startsWith('.')) paths.add(join(dir, folder, entry.name));
  }
  const hash = createHash('sha256');
  // Relative paths with '/' so the same folder hashes the same on every OS and at every location.
  const sorted = [...paths]
    .map((p) => ({ p, rel: relative(dir, p).split(sep).join('/') }))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (const { p, rel } of sorted) {
    const { size, digest } = await sampledDigest(p);
    hash.update(`${rel}\0${size}\0${digest}\n`);
  }
  return hash.digest('hex').slice(0, 10);
}

async function sampledDigest(path: string): Promise<{ size: number; digest: string }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256');
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      hash.update(buffer.subarray(0, bytesRead));
    };
    if (size <= WHOLE_FILE_LIMIT) {
      await read(0, size);
    } else {
      await read(0, MIB);
      const span = size - 2 * MIB - WINDOW;
      for (let i = 1; i <= MIDDLE_WINDOWS; i++) await read(MIB + Math.floor((span * i) / (MIDDLE_WINDOWS + 1)), WINDOW);
      await read(size - MIB, MIB);
    }
    return { size, digest: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
