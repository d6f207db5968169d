// studio://app/… serves the built UI, and studio://app/media/… files of the data directory: one origin, so the CSP's
// img-src 'self' covers gallery images and a canvas may read them back. Both are confined to their folder.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentSecurityPolicy, contentTypeFor } from '../server/content-types';
import { resolveMediaPath } from '../server/media-path';
import { appScheme } from './network-guard';

export const appOrigin = `${appScheme}://app`;

/** Must run before the app is ready. */
export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleAppProtocol(options: { rendererDir: string; dataDir: string }): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const relative = url.pathname.replace(/^\/+/, '');
    let file: string | undefined;
    if (url.host === 'app' && relative.startsWith('media/')) {
      file = resolveMediaPath(options.dataDir, relative.slice('media/'.length));
    } else if (url.host === 'app') {
      file = resolveMediaPath(options.rendererDir, relative || 'index.html');
    }
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentTypeFor(file),
          'Content-Security-Policy': contentSecurityPolicy,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
