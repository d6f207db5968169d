import { describe, expect, test } from 'vitest';
import type { ClientApi } from './api';
import { PngInfoState, toBase64 } from './png-info.svelte';
import { FileRouter, type DroppedFile } from './window-drop';

const file = (name: string, folderPath = '', type = name.endsWith('.png') ? 'image/png' : ''): DroppedFile => ({
  file: new File([new Uint8Array([1, 2, 3])], name, { type }),
  folderPath,
});

describe('PNG info on the window', () => {
  const router = new FileRouter();
  // No call reaches the api here: only which handler takes which drop.
  new PngInfoState({} as ClientApi).register(router);
  const label = (files: DroppedFile[]) => router.handlerFor(files)?.label ?? null;

  test('one PNG shows its info; several, or a folder of them, are imported', () => {
    expect(label([file('a.png')])).toBe('Show PNG info');
    expect(label([file('clipboard', '', 'image/png')])).toBe('Show PNG info');
    expect(label([file('a.png'), file('b.PNG')])).toBe('Import PNGs into the gallery');
    expect(label([file('a.png', 'shots/a.png'), file('notes.txt', 'shots/notes.txt')])).toBe(
      'Import PNGs into the gallery',
    );
  });

  test('leaves other files to other features', () => {
    expect(label([file('cat-toy.safetensors')])).toBeNull();
    expect(label([file('a.jpg')])).toBeNull();
    expect(label([file('a.png'), file('cat-toy.pt')])).toBeNull();
    expect(label([file('a.png', 'mixed/a.png'), file('e.safetensors', 'mixed/e.safetensors')])).toBeNull();
  });

  test('base64 of large files, in slices', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const decoded = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
  });
});
