import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { documentScreenshot, expect, test } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
const fixtureModel = path.join(root, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');

test('adding a model folder without unet/ reports what is missing; a whole one joins the library', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  const temp = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-model-'));
  try {
    const broken = path.join(temp, 'broken-model');
    cpSync(fixtureModel, broken, { recursive: true });
    rmSync(path.join(broken, 'unet'), { recursive: true });
    const whole = path.join(temp, 'tiny-sd');
    cpSync(fixtureModel, whole, { recursive: true });

    await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
    await page.getByRole('tab', { name: 'Models' }).click();
    const bundled = page.getByRole('article', { name: 'tiny-shapes' });
    await expect(bundled).toContainText('SD 1.x');
    await expect(bundled).toContainText('fp32');
    await expect(bundled).toContainText('Default');

    const folder = page.getByLabel('Model folder', { exact: true });
    await folder.fill(broken);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const report = page.getByRole('alert', { name: 'Model folder report' });
    await expect(report).toContainText('unet/model.onnx');
    await expect(report).toContainText('no unet/ folder');

    await folder.fill(path.join(broken, 'model_index.json'));
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect(report).toContainText('not a folder');

    await folder.fill(whole);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const added = page.getByRole('article', { name: 'tiny-sd' });
    await expect(added).toContainText('Imported folder');
    await expect(report).toBeHidden();
    await page.getByRole('button', { name: 'Make tiny-sd the default' }).click();
    await expect(added).toContainText('Default');
    await expect(
      page.getByLabel('Model', { exact: true }).locator('option', { hasText: 'tiny-sd (default)' }),
    ).toHaveCount(1);
    await bundled.getByText('Model card').click();
    await expect(bundled.locator('pre')).toContainText('tiny-shapes');

    // The screenshot shows a report next to the library.
    await folder.fill(broken);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect(report).toContainText('unet/model.onnx');
    await documentScreenshot(page, 'models-panel');

    await page.getByRole('button', { name: 'Remove tiny-sd' }).click();
    await page.getByRole('button', { name: 'Forget' }).click();
    await expect(added).toBeHidden();
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

test('the theme and other settings persist across reloads', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('radio', { name: 'CPU', exact: true })).toBeEnabled();
  await expect(dialog.getByRole('radio', { name: /DirectML/ })).toBeDisabled();
  await expect(dialog).toContainText('unavailable:');
  await dialog.getByRole('radio', { name: 'Light' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await dialog.getByLabel('CPU threads').fill('2');
  await dialog.getByLabel('CPU threads').blur();
  await dialog.getByLabel('Default scheduler').selectOption('euler');
  await expect(dialog.getByRole('button', { name: 'Clear cache' })).toBeEnabled();
  await documentScreenshot(page, 'settings');

  await page.reload();
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(dialog.getByRole('radio', { name: 'Light' })).toBeChecked();
  await expect(dialog.getByLabel('CPU threads')).toHaveValue('2');
  await expect(dialog.getByLabel('Default scheduler')).toHaveValue('euler');
  await dialog.getByRole('button', { name: 'Clear cache' }).click();
  await expect(page.getByText(/Cleared the cache: 0 B freed/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});
