import { expect, test } from './support/fixtures';

test('the studio loads and the status bar shows system.info', async ({ studio }) => {
  const { page } = studio;
  const bar = page.getByTestId('status-bar');
  await expect(bar).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('status-version')).toContainText(/Diffusion Studio \d+\.\d+\.\d+/);
  await expect(page.getByTestId('status-providers')).toContainText('cpu');
  await expect(page.getByTestId('status-data-dir')).toContainText('studio-e2e-');
  const platform = page.getByTestId('status-platform');
  await expect(platform).toContainText(studio.target === 'electron' ? 'Electron' : 'browser');
});

test('a malformed call gets a typed error', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  const error = await page.evaluate(async () => {
    const bridge = (window as unknown as { studio?: { invoke(m: string, i: unknown): Promise<unknown> } }).studio;
    if (bridge) {
      const outcome = (await bridge.invoke('system.info', { unexpected: 42 })) as { error?: unknown };
      const unknown = (await bridge.invoke('no.such.method', {})) as { error?: unknown };
      return [outcome.error, unknown.error];
    }
    const token = sessionStorage.getItem('studio-token');
    const call = async (method: string, body: string) => {
      const r = await fetch(`/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });
      return r.json() as Promise<unknown>;
    };
    return [await call('system.info', '{"unexpected":42}'), await call('no.such.method', '{}')];
  });
  expect(error[0]).toMatchObject({ code: 'invalid_input' });
  expect(error[1]).toMatchObject({ code: 'unknown_method' });
  expect(JSON.stringify(error)).not.toMatch(/\bat .*\.(js|ts):\d+/);
});

test('the renderer cannot reach outside addresses', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  // `.invalid` never resolves, so even a broken guard would send nothing anywhere.
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    try {
      await fetch('https://example.invalid/probe');
      return { fetched: true, violations };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
      return { fetched: false, violations };
    }
  });
  expect(outcome.fetched).toBe(false);
  expect(outcome.violations).toContain('connect-src');
  if (studio.electronApp) {
    // Below the page's CSP, the session itself refuses any request that is not the app's own.
    const loadError = await studio.electronApp.evaluate(async ({ BrowserWindow }) => {
      const probe = new BrowserWindow({ show: false });
      try {
        await probe.loadURL('https://example.invalid/');
        return 'loaded';
      } catch (error) {
        return String(error);
      } finally {
        probe.destroy();
      }
    });
    expect(loadError).toContain('ERR_BLOCKED_BY_CLIENT');
  }
});
