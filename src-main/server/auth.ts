// Who may talk to the headless server: holders of the per-launch token, from no page but the studio's own.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenFrom(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token') ?? undefined;
}

export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A browser always sends Origin on cross-origin requests and on WebSocket upgrades; scripts and curl send none.
 * Any Origin other than the server's own is another site's page trying to use the user's studio.
 */
export function originAllowed(req: IncomingMessage, ownOrigins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  return origin === undefined || ownOrigins.has(origin);
}

/** Refuses DNS-rebinding: the Host header must name this server, not a domain that resolves to it. */
export function hostAllowed(req: IncomingMessage, ownHosts: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return host !== undefined && ownHosts.has(host.toLowerCase());
}

export function ownNames(host: string, port: number): { origins: Set<string>; hosts: Set<string> } {
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  if (host.includes(':') && !host.startsWith('[')) names.add(`[${host}]`);
  const hosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return { origins, hosts };
}
