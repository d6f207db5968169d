// The renderer's only contact with the main process: Electron's preload bridge when present, HTTP + WebSocket
// (the headless server) otherwise. Both give the same typed `StudioApi`, plus where each serves media files.
import type { MethodInput, MethodName, MethodResult, StudioApi } from '../../src-main/shared/contract';
import { isStudioErrorValue, type ErrorCode, type StudioErrorValue } from '../../src-main/shared/errors';
import { keepEventSocket } from './event-socket';

interface Bridge {
  invoke(method: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    studio?: Bridge;
  }
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(value: StudioErrorValue) {
    super(value.message);
    this.name = 'ApiError';
    this.code = value.code;
    this.details = value.details;
  }
}

type Listener = (event: string, payload: unknown) => void;

/** The contract's `call`/`on`, and the URL of a media path (e.g. `gallery/2026-11/….png`) for `<img src>`. */
export interface ClientApi extends StudioApi {
  mediaUrl(media: string): string;
}

export function createApi(): ClientApi {
  return window.studio ? bridgeApi(window.studio) : httpApi(takeToken());
}

/** Each segment encoded on its own: a media path is a relative path, never a URL. */
function encodeMediaPath(media: string): string {
  return media
    .split('/')
    .filter((segment) => segment.length > 0)
    .map(encodeURIComponent)
    .join('/');
}

function withListeners(subscribe: (deliver: Listener) => void): StudioApi['on'] {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  subscribe((event, payload) => listeners.get(event)?.forEach((l) => l(payload as never)));
  return (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  };
}

function bridgeApi(bridge: Bridge): ClientApi {
  return {
    mediaUrl: (media) => `studio://app/media/${encodeMediaPath(media)}`,
    async call(method, input) {
      return unwrap(await bridge.invoke(method, input));
    },
    on: withListeners((deliver) => bridge.subscribe(deliver)),
  };
}

function httpApi(token: string): ClientApi {
  return {
    // An <img> cannot send the Authorization header, so media URLs carry the token.
    mediaUrl: (media) => `/media/${encodeMediaPath(media)}?token=${encodeURIComponent(token)}`,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) return body as MethodResult<M>;
      throw new ApiError(isStudioErrorValue(body) ? body : { code: 'internal', message: `HTTP ${response.status}` });
    },
    on: withListeners((deliver) => connectEvents(token, deliver)),
  };
}

function connectEvents(token: string, deliver: Listener): void {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  keepEventSocket(`${scheme}://${location.host}/api/events?token=${encodeURIComponent(token)}`, deliver);
}

/** The server prints the URL with ?token=…; keep it for this tab and take it out of the address bar. */
function takeToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('studio-token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    return fromUrl;
  }
  return sessionStorage.getItem('studio-token') ?? '';
}

function unwrap<R>(outcome: unknown): R {
  const o = outcome as { ok?: boolean; result?: unknown; error?: unknown };
  if (o?.ok === true) return o.result as R;
  throw new ApiError(isStudioErrorValue(o?.error) ? o.error : { code: 'internal', message: 'Malformed reply' });
}
