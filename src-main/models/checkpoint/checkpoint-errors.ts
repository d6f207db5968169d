// Failures of a checkpoint import, each naming the file and what the user can do about it.
import { StudioError } from '../../shared/errors';

export type CheckpointProblem =
  | 'unreadable'
  | 'unsupported_architecture'
  | 'incomplete'
  | 'bad_values'
  | 'bad_config'
  | 'no_tokenizer';

export class CheckpointError extends StudioError {
  constructor(
    readonly problem: CheckpointProblem,
    message: string,
  ) {
    super('invalid_input', message, { problem });
    this.name = 'CheckpointError';
  }
}

export const refuse = (problem: CheckpointProblem, message: string): never => {
  throw new CheckpointError(problem, message);
};
