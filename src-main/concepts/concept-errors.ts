// Typed failures of reading a concept file: each says what is wrong in words a user can act on.
import { StudioError } from '../shared/errors';

export type ConceptFileProblem =
  'too_large' | 'truncated' | 'malformed' | 'unsafe' | 'unsupported' | 'sdxl' | 'bad_values' | 'incompatible';

export class ConceptFileError extends StudioError {
  constructor(
    readonly problem: ConceptFileProblem,
    message: string,
  ) {
    super('invalid_input', message, { problem });
    this.name = 'ConceptFileError';
  }
}

export const fail = (problem: ConceptFileProblem, message: string): never => {
  throw new ConceptFileError(problem, message);
};
