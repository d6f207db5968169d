import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts', 'tools/**/*.test.ts'],
          exclude: ['**/*.svelte.test.ts'],
        },
      },
      // Rune classes (*.svelte.ts) need Svelte's compiler; only their tests pay for the plugin.
      {
        extends: true,
        plugins: [svelte()],
        test: { name: 'runes', include: ['src-renderer/**/*.svelte.test.ts'] },
      },
    ],
  },
});
