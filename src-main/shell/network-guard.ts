// Offline by guarantee: the app's session may reach its own scheme and the loopback interface, nothing else.
export const appScheme = 'studio';

const localSchemes = new Set([`${appScheme}:`, 'devtools:', 'data:', 'blob:', 'chrome-extension:']);
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isRequestAllowed(rawUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return false;
  }
  if (localSchemes.has(url.protocol)) return true;
  if (url.protocol === 'http:' || url.protocol === 'ws:') return loopbackHosts.has(url.hostname);
  return false;
}
