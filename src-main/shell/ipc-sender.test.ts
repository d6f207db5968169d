import { expect, test } from 'vitest';
import { isAppFrameUrl } from './ipc-sender';
import { appScheme } from './network-guard';

const appOrigin = `${appScheme}://app`;

test("accepts the app's own documents", () => {
  expect(isAppFrameUrl(`${appOrigin}/index.html`, appOrigin)).toBe(true);
  expect(isAppFrameUrl(`${appOrigin}/`, appOrigin)).toBe(true);
  expect(isAppFrameUrl(`${appOrigin}/index.html?token=x#gallery`, appOrigin)).toBe(true);
});

test('refuses other origins, lookalikes and frames without a URL', () => {
  for (const url of [
    `${appOrigin}.example.com/index.html`,
    `${appScheme}://apple/index.html`,
    `${appScheme}://app@evil/index.html`,
    'https://example.com/index.html',
    `https://example.com/${appOrigin}/`,
    'file:///index.html',
    'about:blank',
    appOrigin,
    '',
    null,
    undefined,
  ]) {
    expect(isAppFrameUrl(url, appOrigin), String(url)).toBe(false);
  }
});
