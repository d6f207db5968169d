import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStudio, type Studio } from '../studio';
import { startServer, type RunningServer } from './http-server';

let dir: string;
let studio: Studio;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-server-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the data dir');
  const dataDir = path.join(dir, 'data');
  mkdirSync(path.join(dataDir, 'gallery'), { recursive: true });
  writeFileSync(path.join(dataDir, 'gallery', 'image.png'), 'png bytes');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(dataDir, 'gallery', 'link.txt'));
  studio = createStudio({ dataDir, appVersion: '9.9.9', bundledModelsDir: path.join(dir, 'models') });
  server = await startServer({ studio, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(method: string, body: string | undefined, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers },
    body,
  });
}

describe('studio serve', () => {
  it('prints a loopback URL with a fresh token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('answers system.info for the token holder', async () => {
    const response = await call('system.info', '{}');
    expect(response.status).toBe(200);
    const info = (await response.json()) as { appVersion: string; executionProviders: { id: string }[] };
    expect(info.appVersion).toBe('9.9.9');
    expect(info.executionProviders.map((p) => p.id)).toContain('cpu');
  });

  it('accepts the token as a query parameter and an empty body', async () => {
    const response = await fetch(`${base}/api/system.info?token=${server.token}`, { method: 'POST' });
    expect(response.status).toBe(200);
  });

  it.each([
    ['no token', {}, 401, 'unauthorized'],
    ['wrong token', { Authorization: 'Bearer nope' }, 401, 'unauthorized'],
    ['foreign Origin', { Origin: 'http://evil.example' }, 403, 'forbidden_origin'],
  ])('refuses %s', async (_name, headers, status, code) => {
    const init: RequestInit = { method: 'POST', body: '{}', headers: headers as Record<string, string> };
    const response = await fetch(`${base}/api/system.info`, init);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/system.info',
          method: 'POST',
          headers: { Host: 'evil.example', Authorization: `Bearer ${server.token}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'forbidden_origin' });
  });

  it('accepts its own Origin', async () => {
    const response = await call('system.info', '{}', { Origin: base });
    expect(response.status).toBe(200);
  });

  it('answers an oversize body with 413 and keeps serving', async () => {
    const response = await call('system.info', JSON.stringify({ pad: 'x'.repeat(33 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
    expect((await call('system.info', '{}')).status).toBe(200);
  });

  it('serves media inside the data directory only', async () => {
    const ok = await fetch(`${base}/media/gallery/image.png?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    for (const probe of [
      '../secret.txt',
      '..%2fsecret.txt',
      'gallery/..%2f..%2fsecret.txt',
      'gallery/link.txt',
      '%00',
    ]) {
      const response = await fetch(`${base}/media/${probe}?token=${server.token}`);
      // A URL that normalises out of /media/ lands on the UI, never on the file.
      expect(await response.text(), probe).not.toContain('outside the data dir');
      if (!probe.startsWith('../')) expect(response.status, probe).toBe(404);
    }
    expect((await fetch(`${base}/media/gallery/image.png`)).status).toBe(401);
  });

  it('serves the UI with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('pushes events to sockets that hold the token, and refuses the others', async () => {
    const url = `ws://127.0.0.1:${server.port}/api/events`;
    await expect(openSocket(url)).rejects.toThrow(/401/);
    await expect(openSocket(`${url}?token=${server.token}`, 'http://evil.example')).rejects.toThrow(/403/);
    const ws = await openSocket(`${url}?token=${server.token}`);
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    studio.events.emit('system.notice', { level: 'info', message: 'hello' });
    expect(await received).toEqual({ event: 'system.notice', payload: { level: 'info', message: 'hello' } });
    ws.close();
  });
});

function openSocket(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
