// Other tools' names for each registered scheduler lead back to its id; names with no counterpart stay as written.
import { describe, expect, test } from 'vitest';
import { schedulerIds, schedulerRegistry } from '../../shared/schedulers';
import { fromA1111, fromComfy, fromInvoke } from './sampler-names';

describe('sampler names from other tools', () => {
  test.each(schedulerIds)('%s', (id) => {
    const entry = schedulerRegistry.find((s) => s.id === id)!;
    expect(fromA1111(entry.a1111)).toBe(id);
    expect(fromA1111(entry.a1111.toUpperCase())).toBe(id);
    expect(fromInvoke(entry.invokeai)).toBe(id);
    if (entry.comfyui) expect(fromComfy(entry.comfyui.sampler, entry.comfyui.schedule)).toBe(id);
  });

  test('A1111 ≥ 1.9 writes the schedule separately', () => {
    expect(fromA1111('DPM++ 2M', 'Karras')).toBe('dpmpp-2m-karras');
  });

  test('names with no counterpart keep their own name', () => {
    expect(fromA1111('Heun')).toBe('Heun');
    expect(fromComfy('dpmpp_sde', 'karras')).toBe('dpmpp_sde karras');
    expect(fromComfy('dpmpp_sde')).toBe('dpmpp_sde');
    expect(fromComfy('ddim', 'ddim_uniform')).toBe('ddim');
    expect(fromInvoke('kdpm_2')).toBe('kdpm_2');
  });
});
