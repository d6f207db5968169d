// The generate form checks its fields with the contract's limits and comes back as it was left.
import { expect, test } from 'vitest';
import { checkValues, defaults, GenerateForm } from './generate-form.svelte';

/** Web Storage as a browser keeps it for one origin (Node has none). */
class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

test('the defaults are valid; each out-of-range field is named with its limits', () => {
  expect(checkValues(defaults)).toEqual({});
  const problems = checkValues({
    ...defaults,
    randomSeed: false,
    seed: '18446744073709551616',
    steps: 0,
    guidance: 51,
    batch: 17,
    width: 100,
    height: 4096,
    mode: 'img2img',
    strength: 0,
  });
  expect(problems).toEqual({
    seed: 'must be a whole number from 0 to 2^64 − 1',
    steps: 'must be a whole number from 1 to 150',
    guidance: 'must be from 0 to 50',
    batch: 'must be a whole number from 1 to 16',
    width: 'must be a multiple of 8',
    height: 'must be a whole number from 64 to 2048',
    strength: 'must be more than 0, at most 1',
  });
});

test('a form comes back as it was left, img2img included (its sketch is kept too)', () => {
  const storage = new MemoryStorage();
  expect(new GenerateForm(storage).restored).toBe(false);
  // As the form's own persistence writes it at the end of an earlier launch.
  const left = { ...defaults, prompt: 'a kept prompt', steps: 33, width: 640, mode: 'img2img', scheduler: 'euler-a' };
  storage.setItem('studio.generate-form.v1', JSON.stringify(left));

  const form = new GenerateForm(storage);
  expect(form.restored).toBe(true);
  expect(form.values()).toMatchObject({ prompt: 'a kept prompt', steps: 33, width: 640, scheduler: 'euler-a' });
  expect(form.mode).toBe('img2img');
  expect(form.valid).toBe(true);
});

test('stored fields of the wrong type or an unknown scheduler fall back to the defaults', () => {
  const storage = new MemoryStorage();
  storage.setItem(
    'studio.generate-form.v1',
    JSON.stringify({ prompt: 42, steps: 12, scheduler: 'warp-drive', mode: 'paint-by-numbers' }),
  );
  const form = new GenerateForm(storage);
  expect(form.values()).toMatchObject({ prompt: defaults.prompt, steps: 12, scheduler: defaults.scheduler });
  expect(form.mode).toBe('txt2img');
  storage.setItem('studio.generate-form.v1', '{not json');
  expect(new GenerateForm(storage).restored).toBe(false);
});
