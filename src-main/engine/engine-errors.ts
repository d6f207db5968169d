// The engine's typed failures: callers branch on the class (or `name`), people read the message.
import { StudioError } from '../shared/errors';

/** A model folder that cannot be used: names the offending file and what is wrong with it. */
export class ModelFolderError extends StudioError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super('model_invalid', `${file}: ${problem}`, { file, problem });
    this.name = 'ModelFolderError';
  }
}

/** A generation parameter out of range; `field` is the parameter's name as the caller spelled it. */
export class InvalidParamsError extends StudioError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super('invalid_input', `${field}: ${problem}`, { field });
    this.name = 'InvalidParamsError';
  }
}

/** Thrown when a job's AbortSignal fires; named like the DOM's AbortError so generic handlers recognise it. */
export class GenerationAbortedError extends Error {
  /** `step`: how many denoising steps had completed (the cancel lands before the next UNet call or the decode). */
  constructor(readonly step: number) {
    super(`generation cancelled after ${step} steps`);
    this.name = 'AbortError';
  }
}

export function isAbortError(error: unknown): error is GenerationAbortedError {
  return error instanceof Error && error.name === 'AbortError';
}
