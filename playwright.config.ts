import { defineConfig } from '@playwright/test';
import { browserLaunchOptions } from './e2e/support/browser';
import type { Target } from './e2e/support/fixtures';

export default defineConfig<{ target: Target }>({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: 'list',
  // A click on a control that never becomes usable fails naming it, not as the whole test's timeout.
  use: { screenshot: 'off', trace: 'off', actionTimeout: 20_000, navigationTimeout: 30_000 },
  projects: [
    {
      name: 'browser',
      use: { target: 'browser', launchOptions: await browserLaunchOptions() },
    },
    {
      name: 'electron',
      use: { target: 'electron' },
    },
  ],
});
