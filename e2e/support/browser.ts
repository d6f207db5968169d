// The e2e browser comes from npm (a headless Chromium inside @sparticuz/chromium) or Debian's chromium: never a
// download. STUDIO_CHROMIUM=/path/to/chrome overrides both.
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

// Flags that would weaken the very protections the tests check (same-origin policy, CSP-relevant isolation).
const unwanted = [
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
];

// No GPU on the test machines: Chromium's own CPU raster for canvases and pages, not GPU raster emulated in software
// (SwiftShader), whose flushes stall frames for 60–660 ms and would make frame timings measure the emulator.
const cpuRaster = ['--disable-accelerated-2d-canvas', '--disable-gpu-rasterization'];

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
    return { executablePath, args: [...chromium.args.filter((a) => !unwanted.includes(a)), ...cpuRaster, ...quiet] };
  } catch (error) {
    if (existsSync('/usr/bin/chromium'))
      return { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', ...cpuRaster, ...quiet] };
    throw new Error(`No Chromium for the e2e tests: ${String(error)}`, { cause: error });
  }
}
