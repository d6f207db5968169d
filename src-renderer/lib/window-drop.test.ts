import { describe, expect, test } from 'vitest';
import { FileRouter, hasExtension, type DroppedFile } from './window-drop';

const dropped = (...names: string[]): DroppedFile[] =>
  names.map((name) => ({ file: new File([new Uint8Array(1)], name), folderPath: '' }));

describe('the window file router', () => {
  test('the first handler that accepts the files takes them', async () => {
    const router = new FileRouter();
    const taken: string[] = [];
    router.register({
      label: 'Show PNG info',
      accepts: (files) => files.every((f) => hasExtension(f, '.png')),
      handle: (files) => void taken.push(`png:${files.length}`),
    });
    router.register({
      label: 'Import concepts',
      accepts: (files) => files.every((f) => hasExtension(f, '.safetensors', '.pt', '.bin')),
      handle: (files) => void taken.push(`concepts:${files.length}`),
    });
    expect(await router.route(dropped('a.PNG'))).toBe(true);
    expect(await router.route(dropped('heart.safetensors', 'neg.pt'))).toBe(true);
    expect(await router.route(dropped('notes.txt'))).toBe(false);
    expect(await router.route([])).toBe(false);
    expect(taken).toEqual(['png:1', 'concepts:2']);
    expect(router.handlerFor(dropped('x.bin'))?.label).toBe('Import concepts');
  });

  test('a removed handler no longer takes files', async () => {
    const router = new FileRouter();
    const remove = router.register({ label: 'Any', accepts: () => true, handle: () => {} });
    remove();
    expect(await router.route(dropped('a.png'))).toBe(false);
  });
});
