// The contract's generate methods, and models.describe (reading a model folder is the generation service's job).
import type { Handlers, MethodName } from '../shared/contract';
import type { GenerationService } from './generation-service';

type GenerationMethod = Extract<MethodName, `generate.${string}` | 'models.describe'>;

export function generationHandlers(generation: GenerationService): Pick<Handlers, GenerationMethod> {
  return {
    'models.describe': ({ model }) => generation.describe(model),
    'generate.submit': (request) => generation.submit(request),
    'generate.cancel': ({ jobId }) => generation.cancel(jobId),
  };
}
