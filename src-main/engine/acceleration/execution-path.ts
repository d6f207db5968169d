// How a job's pixels were computed: provider, precision of the graphs and the optimiser that rewrote them. The CPU on
// the model's own graphs is the exact path (diffusers' semantics, the golden images); anything else is named with
// the image so that reproducing it takes the same path, or says plainly that this machine cannot.
import { StudioError } from '../../shared/errors';

export interface ExecutionPath {
  provider: string;
  /** 'model': the model's own graphs as exported; fp16/fp32: an optimised copy at that precision. */
  precision: 'model' | 'fp16' | 'fp32';
  /** The optimiser version of the copy; null for the model's own graphs. */
  optimizerVersion: number | null;
}

export const exactPath: ExecutionPath = { provider: 'cpu', precision: 'model', optimizerVersion: null };

export function isExactPath(path: ExecutionPath): boolean {
  return path.provider === 'cpu' && path.precision === 'model' && path.optimizerVersion === null;
}

export function describePath(path: ExecutionPath): string {
  if (path.precision === 'model') return `${path.provider} on the model's own graphs`;
  return `${path.provider}, ${path.precision}, graph optimiser v${path.optimizerVersion}`;
}

/** A job that must run on one path (reproducing an image) and this machine cannot take it. */
export class ExecutionUnavailableError extends StudioError {
  constructor(
    readonly path: ExecutionPath,
    readonly reason: string,
  ) {
    super(
      'unsupported',
      `this image was made with ${describePath(path)}, which this machine cannot run (${reason}); ` +
        'making it another way would give a different image',
      { execution: path, reason },
    );
    this.name = 'ExecutionUnavailableError';
  }
}
