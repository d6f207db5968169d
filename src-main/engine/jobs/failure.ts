import { ConceptInjectionError } from '../concepts/embedding-table';
import { ExecutionUnavailableError } from '../acceleration/execution-path';
import { InvalidParamsError, ModelFolderError } from '../engine-errors';
import type { JobFailure } from './worker-protocol';

/** Turns whatever a job threw into a failure value; no stack crosses the thread boundary. */
export function describeFailure(error: unknown): JobFailure {
  if (error instanceof InvalidParamsError) {
    return { code: 'invalid_input', message: error.message, details: { field: error.field } };
  }
  if (error instanceof ConceptInjectionError) {
    return { code: 'invalid_input', message: error.message, details: { field: 'concepts' } };
  }
  if (error instanceof ExecutionUnavailableError) {
    return { code: 'unsupported', message: error.message, details: { execution: error.path } };
  }
  if (error instanceof ModelFolderError) {
    return { code: 'model_invalid', message: error.message, details: { file: error.file } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'generation_failed', message: message.split('\n')[0].slice(0, 500) };
}
