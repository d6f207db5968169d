// The e2e browser comes from npm (a headless Chromium inside @sparticuz/chromium) or Debian's chromium: never a
// download. STUDIO_CHROMIUM=/path/to/chrome overrides both.
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

// Flags that would weaken the very protections the tests check (same-origin policy, CSP-relevant isolation), or run
// the browser as no desktop does (all of it in one process).
const unwanted = [
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
  '--single-process',
  '--no-zygote',
];

// No GPU on the test machines: Chromium draws as it does on a desktop without one (software compositing, CPU raster),
// not through a GPU emulated in software (SwiftShader), whose threads take a core for 20–50 ms a frame and would make
// frame timings measure the emulator.
const emulatedGpu = [
  '--in-process-gpu',
  '--ignore-gpu-blocklist',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];
const noGpu = ['--disable-gpu'];

// The machine is offline: keep Chromium from reaching out on its own.
const quiet = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function browserLaunchOptions(): Promise<LaunchOptions> {
  const override = process.env.STUDIO_CHROMIUM;
  if (override) return { executablePath: override, args: ['--no-sandbox', ...quiet] };
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    const executablePath = await chromium.executablePath();
    const kept = chromium.args.filter((a) => !unwanted.includes(a) && !emulatedGpu.includes(a));
    return { executablePath, args: [...kept, ...noGpu, ...quiet] };
  } catch (error) {
    if (existsSync('/usr/bin/chromium'))
      return { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', ...noGpu, ...quiet] };
    throw new Error(`No Chromium for the e2e tests: ${String(error)}`, { cause: error });
  }
}
