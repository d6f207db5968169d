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
  use: { screenshot: 'off', trace: 'off' },
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
