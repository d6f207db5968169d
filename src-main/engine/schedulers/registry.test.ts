// Every id of the shared registry has its algorithm here, and the PNG writer names it as the registry says.
import { expect, test } from 'vitest';
import { schedulerIds, schedulerRegistry } from '../../shared/schedulers';
import { a1111SamplerNames } from '../../formats/png/png-metadata';
import { createScheduler, schedulerIdFromClassName } from './index';

const sd15Config = {
  _class_name: 'PNDMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  steps_offset: 1,
  set_alpha_to_one: false,
  skip_prk_steps: true,
};

test.each(schedulerIds)('%s: built by the engine, named in PNGs, found from its config', (id) => {
  const entry = schedulerRegistry.find((s) => s.id === id)!;
  expect(createScheduler(id, sd15Config).id).toBe(id);
  expect(a1111SamplerNames[id]).toBe(entry.a1111);
  const { className, karras } = entry.diffusers as { className: string; karras?: boolean };
  expect(schedulerIdFromClassName(className, { use_karras_sigmas: karras === true })).toBe(id);
});
