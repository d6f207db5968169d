import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { appVersion, defaultDataDir } from './app-paths';

it("matches Electron's userData location on each platform", () => {
  const home = os.homedir();
  expect(defaultDataDir('linux', {})).toBe(path.join(home, '.config', 'Diffusion Studio'));
  expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' })).toBe(path.join('/xdg', 'Diffusion Studio'));
  expect(defaultDataDir('darwin', {})).toBe(path.join(home, 'Library', 'Application Support', 'Diffusion Studio'));
  expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' })).toBe(
    path.join('C:\\Users\\me\\AppData\\Roaming', 'Diffusion Studio'),
  );
});

it('reads the app version from package.json', () => {
  expect(appVersion()).toMatch(/^\d+\.\d+\.\d+/);
});
