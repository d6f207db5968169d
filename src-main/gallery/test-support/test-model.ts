// Test support: reproduce tests run on the bundled model, which ships with the studio (a missing one fails them).
import path from 'node:path';

export const testModelDir = path.resolve(import.meta.dirname, '../../..', 'models', 'tiny-shapes');
