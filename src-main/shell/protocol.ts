// studio://app/… serves the built UI and studio://media/… serves files of the data directory, both confined to
// their folder, both with the studio's Content-Security-Policy.
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
    if (url.host === 'app') {
      file = resolveMediaPath(options.rendererDir, relative || 'index.html');
    } else if (url.host === 'media') {
      file = resolveMediaPath(options.dataDir, relative);
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
