// One lint config: TypeScript and Svelte rules, plus the import boundaries of the architecture: renderer → shared,
// and src-main's house rules (eslint-boundaries.js), where every file gets one block with all its restrictions.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundariesRule, restrictedPackages, units } from './eslint-boundaries.js';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-main/',
      'dist-tools/',
      'dist-renderer/',
      'release/',
      'test-results/',
      'test-summary/',
      'e2e/artifacts/',
      'models/**/train/',
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
  // A folder the house does not name yet gets the restrictions every unit has; the units' own blocks replace it.
  { files: ['src-main/**'], rules: restrictedPackages(null) },
  // Files directly under src-main/ are units named after themselves (studio.ts → 'studio').
  ...units.map((unit) => ({
    files: [`src-main/${unit}/**`, `src-main/${unit}.ts`],
    rules: restrictedPackages(unit),
  })),
  {
    files: ['src-main/**/*.ts'],
    plugins: { house: { rules: { boundaries: boundariesRule } } },
    rules: { 'house/boundaries': 'error' },
  },
);
