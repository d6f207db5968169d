// Keeps one LoRA-merged UNet and text encoder per engine, rebuilt only when the model or the set of LoRAs and
// strengths changes (merging and creating sessions is the slow part). A graph the LoRAs leave alone keeps the
// model's own session.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTextEncoder, type TextEncoder } from '../adapters/text-encoder';
import { openUNet, type UNet } from '../adapters/unet';
import type { LoraWeights } from '../engine-types';
import type { GraphSession, SessionSettings } from '../onnx-session';
import type { PipelineModel } from '../pipeline';
import type { LoraComponent } from './lora-keys';
import { hasExternalData, mergeLorasToFolder } from './merge-external';
import { mergeLoras } from './merge-lora';
import { loraWarning } from './lora-notice';

type Model = PipelineModel & { sessions: () => GraphSession[] };

export interface LoraModelExtras {
  /** The merged text encoder's bytes, for edits that build on them (concept rows); absent when unchanged. */
  textEncoderBytes?: Uint8Array;
  /** Identifies the merged weights, for caches of further edits. */
  loraKey?: string;
  /** Keys that changed nothing, named (reported with the job's warnings). */
  loraWarnings?: string[];
}

export interface LoraCache {
  apply<M extends Model>(model: M, loras: readonly LoraWeights[] | undefined): Promise<M & LoraModelExtras>;
  release(): Promise<void>;
}

interface Merged {
  unet: UNet | null;
  textEncoder: TextEncoder | null;
  textEncoderBytes?: Uint8Array;
  warnings: string[];
}

/** The same files at the same strengths, in order, share one merge. */
export const loraSetKey = (loras: readonly LoraWeights[]): string =>
  loras.map((l) => `${l.hash}:${l.strength}`).join('|');

/** `workRoot`: where merged graphs with external weights are written (a folder per merge, removed on release). */
export function createLoraCache(settings: SessionSettings, workRoot = tmpdir()): LoraCache {
  let current: { dir: string; key: string; merged: Promise<Merged>; workDir: string } | null = null;

  async function release(): Promise<void> {
    const previous = current;
    current = null;
    const merged = await previous?.merged.catch(() => null);
    await merged?.unet?.session.release();
    await merged?.textEncoder?.session.release();
    if (previous) rmSync(previous.workDir, { recursive: true, force: true });
  }

  return {
    async apply(model, loras) {
      if (!loras || loras.length === 0) return model;
      const key = loraSetKey(loras);
      const { dir, files } = model.description;
      if (current?.dir !== dir || current.key !== key) {
        await release();
        mkdirSync(workRoot, { recursive: true });
        const workDir = mkdtempSync(join(workRoot, 'lora-merge-'));
        const merged = mergeModel(files, loras, settings, workDir);
        current = { dir, key, merged, workDir };
        merged.catch(() => {
          if (current?.merged === merged) current = null;
        });
      }
      const merged = await current.merged;
      const unet = merged.unet ?? model.unet;
      const textEncoder = merged.textEncoder ?? model.textEncoder;
      const extra = [merged.unet, merged.textEncoder].flatMap((a) => (a ? [a.session] : []));
      return {
        ...model,
        unet,
        textEncoder,
        sessions: () => [...model.sessions(), ...extra],
        textEncoderBytes: merged.textEncoderBytes,
        loraKey: key,
        loraWarnings: merged.warnings,
      };
    },
    release,
  };
}

interface GraphMerge {
  /** The merged model in memory (inline weights) or on disk (external weights); neither when unchanged. */
  bytes?: Uint8Array;
  path?: string;
  merged: Map<string, number>;
  warnings: string[];
}

async function mergeGraph(
  file: string,
  component: LoraComponent,
  loras: readonly LoraWeights[],
  outDir: string,
): Promise<GraphMerge> {
  const bytes = new Uint8Array(await readFile(file));
  if (hasExternalData(bytes)) {
    const { path, merged, warnings } = await mergeLorasToFolder(file, component, loras, outDir);
    return { path: path ?? undefined, merged, warnings };
  }
  const { model, merged, warnings } = mergeLoras(bytes, component, loras);
  return { bytes: model === bytes ? undefined : model, merged, warnings };
}

async function mergeModel(
  files: { unet: string; textEncoder: string },
  loras: readonly LoraWeights[],
  settings: SessionSettings,
  workDir: string,
): Promise<Merged> {
  const unetMerge = await mergeGraph(files.unet, 'unet', loras, join(workDir, 'unet'));
  const teMerge = await mergeGraph(files.textEncoder, 'text_encoder', loras, join(workDir, 'text_encoder'));
  const warnings: string[] = [];
  for (const lora of loras) {
    const prefix = `${lora.name}: `;
    const ignored = [...unetMerge.warnings, ...teMerge.warnings]
      .filter((w) => w.startsWith(prefix))
      .map((w) => w.slice(prefix.length));
    const count = (unetMerge.merged.get(lora.name) ?? 0) + (teMerge.merged.get(lora.name) ?? 0);
    const warning = loraWarning(lora.name, count, ignored);
    if (warning) warnings.push(warning);
  }
  const changed = (m: GraphMerge) => m.bytes !== undefined || m.path !== undefined;
  const unet = changed(unetMerge) ? await openUNet(unetMerge.path ?? files.unet, settings, unetMerge.bytes) : null;
  try {
    const textEncoder = changed(teMerge)
      ? await openTextEncoder(teMerge.path ?? files.textEncoder, settings, teMerge.bytes)
      : null;
    return { unet, textEncoder, textEncoderBytes: teMerge.bytes, warnings };
  } catch (error) {
    await unet?.session.release();
    throw error;
  }
}
