import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  // Relative asset URLs work both under studio://app/ (Electron) and the headless server's root.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or modulepreload polyfill: the CSP allows script from the app's own origin only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { port: 5199, strictPort: true },
});
