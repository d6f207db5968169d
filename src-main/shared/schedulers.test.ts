// The scheduler registry is the one list the others derive from: its ids and names must be unambiguous.
import { describe, expect, test } from 'vitest';
import { generateRequestSchema } from './generation';
import {
  isSchedulerId,
  schedulerDefaults,
  schedulerIdFromDiffusers,
  schedulerIds,
  schedulerRegistry,
} from './schedulers';

describe('one list of schedulers', () => {
  test('ids, labels and every tool name are unique', () => {
    for (const key of ['id', 'label', 'a1111', 'invokeai'] as const) {
      const values = schedulerRegistry.map((s) => s[key]);
      expect(new Set(values).size, key).toBe(values.length);
    }
  });

  test.each(schedulerIds)('%s: the contract accepts it, and its diffusers class leads back to it', (id) => {
    expect(isSchedulerId(id)).toBe(true);
    expect(generateRequestSchema.parse({ prompt: '', scheduler: id }).scheduler).toBe(id);
    const { className, karras } = schedulerRegistry.find((s) => s.id === id)!.diffusers as {
      className: string;
      karras?: boolean;
    };
    expect(schedulerIdFromDiffusers(className, karras === true)).toBe(id);
  });

  test('an id outside the list is refused', () => {
    expect(isSchedulerId('heun')).toBe(false);
    expect(generateRequestSchema.safeParse({ prompt: '', scheduler: 'heun' }).success).toBe(false);
    expect(schedulerIdFromDiffusers('HeunDiscreteScheduler', false)).toBeUndefined();
  });

  test('defaults: lcm runs 4 steps at guidance 1, the others 20 at 7.5 (cli.md)', () => {
    expect(schedulerDefaults('lcm')).toEqual({ steps: 4, guidance: 1 });
    expect(schedulerDefaults('euler-a')).toEqual({ steps: 20, guidance: 7.5 });
  });
});
