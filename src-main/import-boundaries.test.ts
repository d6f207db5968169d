// The house rules hold because lint enforces them: planted imports that break them must fail, allowed ones pass.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.js') });
});

/** The boundary problems lint finds in `code` as if it were the file at `file` (relative to the repo root). */
async function boundaryProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages
    .filter((m) => m.ruleId === 'house/boundaries' || m.ruleId === 'no-restricted-imports' || m.fatal)
    .map((m) => m.message);
}

const importing = (source: string, kind: 'value' | 'type' = 'value') =>
  `import ${kind === 'type' ? 'type ' : ''}{ planted } from '${source}';\nexport type Planted = typeof planted;\n`;

describe('forbidden imports fail lint', () => {
  test.each([
    ['src-main/engine/planted.ts', "'../gallery/store'", /engine may not import .*never imports the gallery/],
    ['src-main/engine/adapters/planted.ts', "'../../gallery'", /engine may not import/],
    ['src-main/gallery/planted.ts', "'../engine/engine'", /gallery may not import .*never imports the engine/],
    ['src-main/gallery/planted.ts', "'../engine'", /gallery may not import .*never imports the engine/],
    [
      'src-main/generation/planted.ts',
      "'../concepts/concept-library'",
      /through its public entry \('concepts\/index.ts'\)/,
    ],
    ['src-main/concepts/planted.ts', "'../studio'", /know nothing of their callers/],
    ['src-main/shared/planted.ts', "'../gallery'", /imports nothing of the app/],
    ['src-main/formats/png/planted.ts', "'../../gallery/store'", /Neutral modules know no service/],
    ['src-main/system/planted.ts', "'../../tools/model-eval/shape-analysis'", /outside src-main/],
    ['src-main/cli/commands/planted.ts', "'../../gallery'", /Transports reach services only through studio.ts/],
    ['src-main/server/planted.ts', "'../engine/engine'", /Transports reach services only through studio.ts/],
    ['src-main/shell/planted.ts', "'../concepts'", /Transports reach services only through studio.ts/],
    ['src-main/api/planted.ts', "'../studio'", /Transports reach services only through studio.ts/],
  ])('%s importing %s', async (file, source, message) => {
    const problems = await boundaryProblems(file, importing(source.slice(1, -1)));
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('type-only imports of a service go through its public entry too', async () => {
    expect(await boundaryProblems('src-main/gallery/planted.ts', importing('../engine/engine-types', 'type'))).toEqual([
      expect.stringMatching(/through its public entry \('engine\/index.ts'\)/),
    ]);
  });

  test.each([
    ['src-main/shared/planted.ts', 'node:fs', /environment-free/],
    ['src-main/shared/planted.ts', 'path', /environment-free/],
    ['src-main/gallery/planted.ts', 'electron', /Only the Electron shell/],
    ['src-main/studio.ts', 'electron', /Only the Electron shell/],
    ['src-main/cli/planted.ts', 'onnxruntime-node', /Only the engine/],
    ['src-main/engine/planted.ts', 'better-sqlite3', /knows nothing of storage/],
  ])('%s importing the package %s', async (file, source, message) => {
    expect(await boundaryProblems(file, importing(source))).toEqual([expect.stringMatching(message)]);
  });

  test('restrictions compose: shared is refused node:* and electron both', async () => {
    const code = `${importing('node:fs')}import { app } from 'electron';\nexport { app };\n`;
    const problems = await boundaryProblems('src-main/shared/planted.ts', code);
    expect(problems).toEqual([expect.stringMatching(/environment-free/), expect.stringMatching(/Electron shell/)]);
  });
});

describe('allowed imports pass', () => {
  test.each([
    ['src-main/generation/planted.ts', '../concepts'],
    ['src-main/generation/planted.ts', '../engine/index'],
    ['src-main/generation/planted.ts', '../formats/png/png-metadata'],
    ['src-main/concepts/planted.ts', '../fs/write-file-atomic'],
    ['src-main/shared/planted.ts', './errors'],
    ['src-main/shared/planted.ts', 'zod'],
    // engine/concepts/ is the engine's own folder, not the concepts service.
    ['src-main/engine/adapters/planted.ts', '../concepts/embedding-table'],
    ['src-main/shell/planted.ts', 'electron'],
    ['src-main/cli/commands/planted.ts', '../../studio'],
    ['src-main/server/planted.ts', '../shared/contract'],
    ['src-main/engine/planted.ts', 'onnxruntime-node'],
  ])('%s importing %s', async (file, source) => {
    expect(await boundaryProblems(file, importing(source))).toEqual([]);
  });

  test.each([
    ['src-main/gallery/planted.ts', '../engine'],
    ['src-main/formats/png/planted.ts', '../../engine'],
  ])('%s naming the types of %s', async (file, source) => {
    expect(await boundaryProblems(file, importing(source, 'type'))).toEqual([]);
  });
});
