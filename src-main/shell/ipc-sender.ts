// Which frames may call the studio over IPC: only documents the app itself served. A page that got into a window
// some other way (a navigation that slipped through, an iframe) has another origin and is refused.

/** True when `frameUrl` is a document under `appOrigin` (e.g. `studio://app`); a missing URL is refused. */
export function isAppFrameUrl(frameUrl: string | null | undefined, appOrigin: string): boolean {
  // The trailing slash makes `studio://app.example/` or `studio://apple/` another origin, not a prefix match.
  return typeof frameUrl === 'string' && frameUrl.startsWith(appOrigin + '/');
}
