import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudioDb, type StudioDb } from '../gallery/database';
import { ConceptFileError } from './concept-errors';
import { createConceptLibrary, type ConceptLibrary } from './concept-library';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name)));

describe('concept library', () => {
  let dir: string;
  let db: StudioDb;
  let library: ConceptLibrary;
  const previews: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'concepts-'));
    db = openStudioDb(dir);
    library = createConceptLibrary({
      db,
      dataDir: dir,
      isVocabularyWord: async (word) => ['cat', 'red'].includes(word.toLowerCase()),
      makePreview: async (concept) => {
        previews.push(concept.trigger);
        return concept.width === 32 ? `concepts/previews/${concept.id}.png` : null;
      },
    });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the three formats, content-addressed, with a preview when compatible', async () => {
    const pt = await library.import('tri-style.pt', fixture('tri-style.pt'));
    const bin = await library.import('learned_embeds.bin', fixture('learned_embeds.bin'), { role: 'negative' });
    const st = await library.import('bf-style.safetensors', fixture('bf-style.safetensors'));
    expect(pt).toMatchObject({ trigger: 'tri-style', format: 'pytorch', layout: 'a1111', vectors: 3, width: 32 });
    expect(bin).toMatchObject({ trigger: '<cat-toy>', layout: 'diffusers', role: 'negative', enabled: true });
    expect(st).toMatchObject({ trigger: 'bf-style', format: 'safetensors', sourceName: 'bf-style.safetensors' });
    expect(pt.preview).toBe(`concepts/previews/${pt.id}.png`);
    expect(existsSync(join(dir, 'concepts', `${pt.id}.pt`))).toBe(true);
    expect(library.list().map((c) => c.trigger)).toEqual(['<cat-toy>', 'bf-style', 'tri-style']);
    expect(library.enabledVectors().map((v) => [v.trigger, v.count])).toEqual([
      ['<cat-toy>', 1],
      ['bf-style', 2],
      ['tri-style', 3],
    ]);
  });

  it('refuses duplicates, taken triggers, vocabulary words and bad files with typed errors', async () => {
    const pt = await library.import('tri-style.pt', fixture('tri-style.pt'));
    await expect(library.import('copy.pt', fixture('tri-style.pt'))).rejects.toMatchObject({ code: 'conflict' });
    await expect(library.import('tri-style.safetensors', fixture('bf-style.safetensors'))).rejects.toMatchObject({
      code: 'conflict',
    });
    const other = await library.import('bf-style.safetensors', fixture('bf-style.safetensors'));
    await expect(library.rename(other.id, 'TRI-STYLE')).rejects.toThrow(/taken by another concept/);
    await expect(library.rename(other.id, 'cat')).rejects.toThrow(/already knows/);
    await expect(library.import('x.pt', fixture('planted-system.pt'))).rejects.toBeInstanceOf(ConceptFileError);
    await expect(library.import('x.pt', fixture('planted-system.pt'))).rejects.toMatchObject({ code: 'invalid_input' });
    expect(library.list()).toHaveLength(2);
    expect(() => library.setEnabled('0'.repeat(64), true)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect((await library.rename(pt.id, 'tri2')).trigger).toBe('tri2');
  });

  it('renames, enables, disables, sets the role and deletes', async () => {
    const pt = await library.import('tri-style.pt', fixture('tri-style.pt'));
    await library.import('learned_embeds.bin', fixture('learned_embeds.bin'));
    expect((await library.rename(pt.id, 'my-style')).trigger).toBe('my-style');
    expect(library.setEnabled(pt.id, false).enabled).toBe(false);
    expect(library.enabledVectors().map((v) => v.trigger)).toEqual(['<cat-toy>']);
    expect(library.setEnabled(pt.id, true).enabled).toBe(true);
    expect(library.enabledVectors().map((v) => v.trigger)).toContain('my-style');
    expect(library.setRole(pt.id, 'negative').role).toBe('negative');
    expect(library.remove(pt.id)).toEqual({ deleted: true });
    expect(library.remove(pt.id)).toEqual({ deleted: false });
    expect(existsSync(join(dir, 'concepts', `${pt.id}.pt`))).toBe(false);
    expect(library.list().map((c) => c.trigger)).toEqual(['<cat-toy>']);
  });

  it('keeps deleted concepts in a trash that a reopened library can restore from', async () => {
    const pt = await library.import('tri-style.pt', fixture('tri-style.pt'), { role: 'negative' });
    library.setEnabled(pt.id, false);
    library.remove(pt.id);
    expect(existsSync(join(dir, 'concepts', 'trash', `${pt.id}.pt`))).toBe(true);
    const reopened = createConceptLibrary({ db, dataDir: dir });
    expect(reopened.list()).toEqual([]);
    expect(reopened.restore(pt.id)).toEqual({ ...pt, enabled: false });
    expect(reopened.enabledVectors()).toEqual([]);
    expect(existsSync(join(dir, 'concepts', 'trash', `${pt.id}.pt`))).toBe(false);
    reopened.remove(pt.id);
    // Importing the same bytes again takes the place of the trashed copy.
    await reopened.import('tri-style.pt', fixture('tri-style.pt'));
    expect(() => reopened.restore(pt.id)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
