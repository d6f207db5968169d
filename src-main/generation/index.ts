// The generation service's public entry: jobs from request to saved gallery rows, with their progress events.
export { createGenerationService, type GenerationService } from './generation-service';
