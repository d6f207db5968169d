// system.info on the studio's description of itself.
import type { Handlers } from '../shared/contract';
import type { SystemInfo } from '../shared/system-types';

export function systemHandlers(systemInfo: () => SystemInfo): Pick<Handlers, 'system.info'> {
  return { 'system.info': () => systemInfo() };
}
