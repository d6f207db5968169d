// A studio behind a real server on a temporary data directory, with a built-UI stand-in (a page and an assets
// folder) and a symlink out of the data directory, for the transport's probes and fuzz suites.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createStudio, type Studio } from '../../studio';
import { startServer, type RunningServer, type ServerOptions } from '../http-server';

export interface ProbeTarget {
  dir: string;
  studio: Studio;
  server: RunningServer;
  base: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startProbeTarget(options: Pick<ServerOptions, 'timeouts' | 'limits'> = {}): Promise<ProbeTarget> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-probe-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the data dir');
  const dataDir = path.join(dir, 'data');
  mkdirSync(path.join(dataDir, 'gallery', '2025-01'), { recursive: true });
  writeFileSync(path.join(dataDir, 'gallery', '2025-01', 'image.png'), 'png bytes');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(dataDir, 'gallery', 'link.txt'));
  symlinkSync(dir, path.join(dataDir, 'gallery', 'outside'));
  const logs: string[] = [];
  const studio = createStudio({ dataDir, appVersion: '0.0.0', bundledModelsDir: path.join(dir, 'none') });
  const server = await startServer({ studio, rendererDir, log: (m) => logs.push(m), ...options });
  return {
    dir,
    studio,
    server,
    base: `http://127.0.0.1:${server.port}`,
    logs,
    async close() {
      await server.close();
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends raw bytes and resolves with everything the server wrote back before it closed the connection. */
export function rawExchange(port: number, bytes: string | Buffer, options: { endAfterWrite?: boolean } = {}) {
  return new Promise<string>((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.endAfterWrite ?? true) socket.end();
    });
  });
}

/** The server still answers the API and the page. */
export async function stillServing(target: ProbeTarget): Promise<boolean> {
  const info = await fetch(`${target.base}/api/system.info`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${target.server.token}` },
  });
  const page = await fetch(`${target.base}/`);
  return info.status === 200 && page.status === 200 && (await page.text()).includes('<title>studio</title>');
}

/** Deterministic choices, so a failing fuzz call can be replayed from its seed. */
export function seededRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
