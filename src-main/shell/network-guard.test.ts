import { expect, it } from 'vitest';
import { isRequestAllowed } from './network-guard';

it.each([
  ['studio://app/index.html', true],
  ['studio://media/gallery/x.png', true],
  ['data:image/png;base64,AAAA', true],
  ['blob:studio://app/1234', true],
  ['devtools://devtools/bundled/inspector.html', true],
  ['http://127.0.0.1:5199/', true],
  ['ws://localhost:5199/api/events', true],
  ['http://[::1]:8080/', true],
  ['https://example.com/', false],
  ['http://example.com/', false],
  ['http://127.0.0.1.nip.io/', false],
  ['http://10.0.0.1/', false],
  ['https://127.0.0.1/', false],
  ['file:///etc/passwd', false],
  ['ftp://127.0.0.1/', false],
  ['not a url', false],
])('%s → %s', (url, allowed) => {
  expect(isRequestAllowed(url)).toBe(allowed);
});
