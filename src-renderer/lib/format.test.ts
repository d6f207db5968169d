// The UI's scheduler list and labels come from the shared registry.
import { expect, test } from 'vitest';
import { schedulerIds, schedulerRegistry } from '../../src-main/shared/schedulers';
import { isScheduler, schedulerLabel, schedulers } from './format';

test('every registered scheduler is offered with its label, in the registry order', () => {
  expect(schedulers).toEqual(schedulerIds);
  for (const entry of schedulerRegistry) expect(schedulerLabel(entry.id)).toBe(entry.label);
  expect(schedulerLabel('dpmpp-2m-karras')).toBe('DPM++ 2M Karras');
  expect(isScheduler('euler-a')).toBe(true);
  expect(isScheduler('heun')).toBe(false);
});
