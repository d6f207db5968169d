// An installed model written out as a folder that diffusers loads with OnnxStableDiffusionPipeline.from_pretrained
// and the Hub takes as it is: the pipeline's files copied, model_index.json in diffusers' form, and a model card
// (README.md) plus studio.json listing what the studio uses with the model (its concepts and LoRAs). Written
// beside the target and renamed into place, so the target is either untouched or complete.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkModelFolder } from '../engine';
import type { ConceptInfo } from '../shared/concepts';
import type { LoraInfo } from '../shared/loras';
import { StudioError } from '../shared/errors';
import type { ModelExportResult } from '../shared/models';
import { isPipelineFile, pipelineFolders } from './hub/pipeline-files';
import type { ModelLocation } from './model-library';

/** One list in the export's card and metadata: the concepts, the LoRAs. */
export interface ExportSection {
  /** The key in studio.json and the heading in README.md. */
  key: string;
  title: string;
  entries: Record<string, string | number | boolean>[];
}

/** Gives the sections that apply to a model of this text-encoder width (a concept must match it). */
export type ExportSections = (model: { name: string; textWidth: number }) => ExportSection[];

export function conceptSection(concepts: ConceptInfo[], textWidth: number): ExportSection {
  return {
    key: 'concepts',
    title: 'Concepts (textual inversion)',
    entries: concepts
      .filter((c) => c.width === textWidth)
      .map((c) => ({ trigger: c.trigger, sha256: c.id, vectors: c.vectors, file: c.sourceName, enabled: c.enabled })),
  };
}

/** The text-encoder width of each family a LoRA names as its base (CLIP ViT-L for SD 1.x, OpenCLIP ViT-H for 2.x). */
const familyWidth: Partial<Record<LoraInfo['baseModel'], number>> = { sd1: 768, sd2: 1024 };

/** LoRAs made for this model's family, and those whose family is unknown (they may fit; the studio reports unmatched
 * keys when one is used). */
export function loraSection(loras: LoraInfo[], textWidth: number): ExportSection {
  return {
    key: 'loras',
    title: 'LoRAs',
    entries: loras
      .filter((l) => l.baseModel === 'unknown' || familyWidth[l.baseModel] === textWidth)
      .map((l) => ({ name: l.name, sha256: l.id, rank: l.rank, base: l.baseModel, file: l.sourceName })),
  };
}

export async function exportModel(
  model: ModelLocation,
  targetDir: string,
  options: { sections?: ExportSections; appVersion?: string } = {},
): Promise<ModelExportResult> {
  const target = path.resolve(targetDir);
  await requireEmptyOrAbsent(target, targetDir);
  const report = await checkModelFolder(model.dir);
  if (!report.description) {
    const list = report.problems.map((p) => `${p.file}: ${p.problem}`).join('; ');
    throw new StudioError('model_invalid', `${model.name} is not a usable model folder: ${list}`, {
      problems: report.problems,
    });
  }
  const sections = options.sections?.({ name: model.name, textWidth: report.description.textWidth }) ?? [];

  const staging = path.join(path.dirname(target), `.${path.basename(target)}.export-${randomBytes(4).toString('hex')}`);
  await mkdir(path.dirname(target), { recursive: true });
  try {
    let files = 0;
    let bytes = 0;
    for (const rel of await pipelineFiles(model.dir)) {
      if (rel === 'model_index.json' || rel === 'README.md') continue;
      const from = path.join(model.dir, ...rel.split('/'));
      const to = path.join(staging, ...rel.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      // A copy-on-write clone where the file system offers one (large graphs cost no space), else a plain copy.
      await copyFile(from, to, constants.COPYFILE_FICLONE);
      files += 1;
      bytes += (await stat(to)).size;
    }
    const written: [string, string][] = [
      ['model_index.json', await modelIndex(model.dir)],
      ['README.md', modelCard(model, report.description.hash, sections, await readFile(path.join(model.dir, 'README.md'), 'utf8').catch(() => null))],
      ['studio.json', JSON.stringify(metadata(model, report.description.hash, sections, options.appVersion), null, 2) + '\n'],
    ];
    for (const [name, text] of written) {
      await writeFile(path.join(staging, name), text);
      files += 1;
      bytes += Buffer.byteLength(text);
    }
    await rmdir(target).catch(() => {}); // The empty target, if any: rename replaces no folder on Windows.
    await rename(staging, target);
    return { dir: target, files, bytes };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function requireEmptyOrAbsent(target: string, shown: string): Promise<void> {
  const info = await stat(target).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new StudioError('invalid_input', `${shown} is a file, not a folder`, { field: 'dir' });
  if ((await readdir(target)).length > 0) {
    throw new StudioError('conflict', `${shown} is not empty: export into a new or empty folder`, { field: 'dir' });
  }
}

/** The pipeline's files in the model folder, as repository paths. */
async function pipelineFiles(dir: string): Promise<string[]> {
  const found = ['model_index.json', 'README.md'];
  for (const folder of pipelineFolders) {
    const entries = await readdir(path.join(dir, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isFile()) found.push(`${folder}/${entry.name}`);
  }
  return found.filter(isPipelineFile).sort();
}

/**
 * diffusers' OnnxStableDiffusionPipeline's model_index.json: kept as it is when it already names that pipeline,
 * written in its form otherwise (optimum's exports name their own classes).
 */
async function modelIndex(dir: string): Promise<string> {
  const text = await readFile(path.join(dir, 'model_index.json'), 'utf8');
  const index = JSON.parse(text) as Record<string, unknown>;
  if (index._class_name === 'OnnxStableDiffusionPipeline') return text;
  const scheduler = JSON.parse(await readFile(path.join(dir, 'scheduler', 'scheduler_config.json'), 'utf8')) as {
    _class_name?: string;
  };
  const hasEncoder = await stat(path.join(dir, 'vae_encoder', 'model.onnx')).then(
    () => true,
    () => false,
  );
  const onnx = ['diffusers', 'OnnxRuntimeModel'];
  const normal = {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.40.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', scheduler._class_name ?? 'PNDMScheduler'],
    text_encoder: onnx,
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: onnx,
    vae_decoder: onnx,
    vae_encoder: hasEncoder ? onnx : [null, null],
  };
  return JSON.stringify(normal, null, 2) + '\n';
}

function metadata(model: ModelLocation, hash: string, sections: ExportSection[], appVersion?: string) {
  return {
    exportedBy: `Diffusion Studio${appVersion ? ` ${appVersion}` : ''}`,
    model: { name: model.name, hash },
    ...Object.fromEntries(sections.map((s) => [s.key, s.entries])),
  };
}

function modelCard(model: ModelLocation, hash: string, sections: ExportSection[], original: string | null): string {
  const lines = [
    '---',
    'library_name: diffusers',
    'tags:',
    '- onnx',
    '- stable-diffusion',
    '- text-to-image',
    '---',
    '',
    `# ${model.name}`,
    '',
    `A diffusers ONNX pipeline exported by Diffusion Studio (model hash ${hash}). Load it with`,
    '`OnnxStableDiffusionPipeline.from_pretrained(folder)`.',
  ];
  for (const section of sections) {
    lines.push('', `## ${section.title}`, '');
    if (section.entries.length === 0) lines.push('None.');
    for (const entry of section.entries) {
      lines.push(`- ${Object.entries(entry).map(([k, v]) => `${k}: ${String(v)}`).join(', ')}`);
    }
  }
  if (original) lines.push('', '## Original model card', '', original.replace(/^---\n[\s\S]*?\n---\n/, '').trim());
  return lines.join('\n') + '\n';
}
