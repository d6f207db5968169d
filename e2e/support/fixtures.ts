// One set of specs, two targets: the headless server in Chromium, and the real Electron app where its binary exists.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, test as base, type ElectronApplication, type Page } from '@playwright/test';

export type Target = 'browser' | 'electron';

interface StudioOptions {
  target: Target;
  /** Start the studio with no bundled models, to show what a user without one sees. */
  noModels: boolean;
  /** Generations seeded into the data directory (through the gallery's bulk path) before the studio starts. */
  galleryRecords: number;
}

interface StudioFixtures {
  studio: { page: Page; target: Target; electronApp?: ElectronApplication; baseUrl?: string; token?: string };
}

const root = path.resolve(import.meta.dirname, '..', '..');
export const artifactsDir = path.join(root, 'e2e', 'artifacts');

/** The Electron binary, if `npm start` (or an install with network) has fetched it. */
export function electronBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const binary = require('electron') as unknown as string;
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

export const test = base.extend<StudioFixtures & StudioOptions>({
  target: ['browser', { option: true }],
  noModels: [false, { option: true }],
  galleryRecords: [0, { option: true }],
  studio: async ({ target, noModels, galleryRecords, playwright, launchOptions }, use, testInfo) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
    const env: Record<string, string> = noModels ? { STUDIO_BUNDLED_MODELS: path.join(dataDir, 'no-models') } : {};
    try {
      if (target === 'electron') {
        const binary = electronBinary();
        test.skip(!binary, 'Electron binary not installed here (it is fetched by `npm start` where a network exists)');
        if (galleryRecords > 0) seedGallery(dataDir, galleryRecords);
        const electronApp = await _electron.launch({
          executablePath: binary,
          args: [path.join(root, 'dist-main', 'shell', 'main.js'), '--data', dataDir],
          cwd: root,
          env: { ...(process.env as Record<string, string>), ...env },
        });
        const page = await electronApp.firstWindow();
        await use({ page, target, electronApp });
        await saveScreenshot(page, testInfo.project.name, testInfo.title);
        await electronApp.close();
      } else {
        if (galleryRecords > 0) seedGallery(dataDir, galleryRecords);
        const server = await startServer(dataDir, env);
        const browser = await playwright.chromium.launch(launchOptions);
        const page = await browser.newPage();
        await page.goto(server.url);
        await use({ page, target, baseUrl: server.baseUrl, token: server.token });
        await saveScreenshot(page, testInfo.project.name, testInfo.title);
        await browser.close();
        server.process.kill();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

function seedGallery(dataDir: string, count: number): void {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-tools.mjs')], { cwd: root, stdio: 'inherit' });
  const script = path.join(root, 'dist-tools', 'seed-gallery.js');
  execFileSync(process.execPath, [script, dataDir, String(count)], { cwd: root, stdio: 'inherit' });
}

/**
 * A screenshot for the README (assets/screenshots/NAME.png). Written there only when STUDIO_UPDATE_SCREENSHOTS=1, so
 * that a plain test run leaves the checkout as it was; otherwise it goes to e2e/artifacts/ beside the others.
 */
export async function documentScreenshot(page: Page, name: string): Promise<void> {
  const update = process.env.STUDIO_UPDATE_SCREENSHOTS === '1';
  const dir = update ? path.join(root, 'assets', 'screenshots') : artifactsDir;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, update ? `${name}.png` : `readme-${name}.png`) });
}

async function saveScreenshot(page: Page, project: string, title: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  const name = `${project}-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
  await page.screenshot({ path: path.join(artifactsDir, name) });
}

async function startServer(
  dataDir: string,
  env: Record<string, string>,
): Promise<{ url: string; baseUrl: string; token: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'dist-main', 'cli.js'), 'serve', '--data', dataDir], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`studio serve exited with ${code}`)));
    setTimeout(() => reject(new Error('studio serve printed no URL within 20 s')), 20_000);
  });
  const parsed = new URL(url);
  return { url, baseUrl: parsed.origin, token: parsed.searchParams.get('token') ?? '', process: child };
}

export { expect } from '@playwright/test';
