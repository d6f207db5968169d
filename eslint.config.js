// One lint config: TypeScript and Svelte rules, plus the import boundaries of the architecture
// (renderer → shared; shared → nothing environment-specific; services never import electron or each other).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-main/',
      'dist-renderer/',
      'release/',
      'test-results/',
      'test-summary/',
      'e2e/artifacts/',
      'models/**/train/',
      'tools/',
      '.studio-data/',
      '.build-lock/',
      '.dist-*-staging-*/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['node:*', 'electron', 'onnxruntime-node', 'better-sqlite3', '**/src-main/!(shared)/**', '**/src-main/*.ts'],
      'The renderer talks to the main process only through src-main/shared (the contract) and lib/api.ts.',
    ),
  },
  {
    files: ['src-main/shared/**'],
    rules: restrict(['node:*', 'electron', '*/**/src-main/*', '../*'], 'The contract is environment-free.'),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/shell/**'],
    rules: restrict(
      ['electron', 'electron/*'],
      'Only the Electron shell imports electron; services run under plain Node.',
    ),
  },
  {
    files: ['src-main/engine/**'],
    rules: restrict(
      ['electron', 'better-sqlite3', '**/gallery/**', '**/studio'],
      'The engine knows nothing of its callers.',
    ),
  },
);
