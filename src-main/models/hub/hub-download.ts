// A diffusers ONNX repository from the Hub into the model library: (1) read the repository at a revision and choose
// the pipeline's files, (2) fetch each into downloads/<repo>@<commit>/ in the data directory (resumable across
// runs), (3) check the folder as `models add` does, (4) rename it into models/<name> — one atomic step, so the
// library never shows half a model.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkModelFolder, requiredModelFiles } from '../../engine';
import { StudioError } from '../../shared/errors';
import { downloadFile, type RetryPolicy } from './file-download';
import type { HubClient, HubFile } from './hub-client';
import { gatedError } from './hub-errors';
import { isPipelineFile, repoLayout } from './pipeline-files';

/**
 * Turns a downloaded single-file checkpoint into a model named `name` in the library. The checkpoint importer
 * provides it; without one, checkpoint repositories are refused with a message that says so.
 */
export type CheckpointImporter = (file: string, name: string, signal?: AbortSignal) => Promise<void>;

export interface DownloadPlan {
  repo: string;
  revision: string;
  commit: string;
  name: string;
  kind: 'pipeline' | 'checkpoint';
  files: HubFile[];
  totalBytes: number;
}

export interface DownloadProgress {
  file: string;
  bytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
}

export interface DownloadPlaces {
  /** The data directory's downloads/: partial files live here between runs. */
  downloadsDir: string;
  /** The data directory's models/. */
  modelsDir: string;
}

export async function planDownload(
  client: HubClient,
  request: { repo: string; revision: string; name?: string },
  options: { importCheckpoint?: CheckpointImporter; nameTaken: (name: string) => boolean; signal?: AbortSignal },
): Promise<DownloadPlan> {
  const info = await client.repoInfo(request.repo, request.revision, options.signal);
  // Said now rather than at the first file: without a token no file of a gated repository will come.
  if (info.gated && !client.authenticated) throw gatedError(client.endpoint, request.repo);
  const name = request.name ?? request.repo.split('/').pop()!;
  if (options.nameTaken(name)) {
    throw new StudioError('conflict', `a model named ${name} is already installed (choose another name)`, {
      field: 'name',
    });
  }
  const layout = repoLayout(
    info.files.map((f) => f.path),
    requiredModelFiles,
  );
  const plan = (kind: DownloadPlan['kind'], files: HubFile[]): DownloadPlan => ({
    repo: info.repo,
    revision: info.revision,
    commit: info.commit,
    name,
    kind,
    files,
    totalBytes: files.reduce((sum, f) => sum + Math.max(f.size, 0), 0),
  });
  if (layout.kind === 'pipeline') return plan('pipeline', info.files.filter((f) => isPipelineFile(f.path)));
  if (layout.kind === 'checkpoint') {
    const listing = layout.files.join(', ');
    if (!options.importCheckpoint) {
      throw new StudioError(
        'unsupported',
        `${request.repo} holds a single-file checkpoint (${listing}), not a diffusers ONNX pipeline: checkpoints are ` +
          'converted by the checkpoint importer (studio models import FILE)',
        { reason: 'checkpoint', files: layout.files },
      );
    }
    if (layout.files.length > 1) {
      throw new StudioError('unsupported', `${request.repo} holds several checkpoints (${listing}): import one by hand`);
    }
    return plan(
      'checkpoint',
      info.files.filter((f) => f.path === layout.files[0]),
    );
  }
  throw new StudioError(
    'unsupported',
    `${request.repo}@${request.revision} is not a diffusers ONNX pipeline (no ${layout.missing.join(', ')}); ` +
      'a PyTorch diffusers repository often keeps its ONNX export on a branch (try --revision onnx)',
    { reason: 'not_onnx', missing: layout.missing },
  );
}

export async function runDownload(
  plan: DownloadPlan,
  deps: DownloadPlaces & {
    client: HubClient;
    importCheckpoint?: CheckpointImporter;
    retry?: RetryPolicy;
    signal?: AbortSignal;
    onProgress?: (progress: DownloadProgress) => void;
  },
): Promise<string> {
  const staging = path.join(deps.downloadsDir, `${plan.repo.replace('/', '--')}--${plan.commit}`);
  const target = path.join(deps.modelsDir, plan.name);
  let done = 0;
  for (const [index, file] of plan.files.entries()) {
    await downloadFile({
      client: deps.client,
      repo: plan.repo,
      commit: plan.commit,
      file,
      dest: path.join(staging, ...file.path.split('/')),
      retry: deps.retry,
      signal: deps.signal,
      onBytes: (bytes) =>
        deps.onProgress?.({
          file: file.path,
          bytes: done + bytes,
          totalBytes: plan.totalBytes,
          filesDone: index,
          filesTotal: plan.files.length,
        }),
    });
    done += file.size;
  }
  deps.onProgress?.({
    file: '',
    bytes: done,
    totalBytes: plan.totalBytes,
    filesDone: plan.files.length,
    filesTotal: plan.files.length,
  });

  if (plan.kind === 'checkpoint') {
    await deps.importCheckpoint!(path.join(staging, plan.files[0].path), plan.name, deps.signal);
    await rm(staging, { recursive: true, force: true });
    return target;
  }
  const report = await checkModelFolder(staging);
  if (report.problems.length > 0) {
    await rm(staging, { recursive: true, force: true });
    const list = report.problems.map((p) => `${p.file}: ${p.problem}`).join('; ');
    throw new StudioError('model_invalid', `${plan.repo} is not a usable model folder: ${list}`, {
      problems: report.problems,
    });
  }
  if (existsSync(target)) throw new StudioError('conflict', `${target} appeared during the download; nothing installed`);
  await mkdir(deps.modelsDir, { recursive: true });
  await rename(staging, target);
  return target;
}
