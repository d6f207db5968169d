import type { ExecutionProviderInfo } from '../shared/system-types';
export function listAvailableProviders(): ExecutionProviderInfo[] {
  return [{ id: 'cpu', available: true }];
}
