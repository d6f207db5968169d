import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
const checkpoint = path.join(root, 'src-main', 'models', 'checkpoint', 'fixtures', 'tiny-ldm.safetensors');
const fixtures = path.join(root, 'src-main', 'engine', 'test-fixtures', 'models');

test('a checkpoint imports from the Models panel with its config, with progress; without it, the reason', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  const temp = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-import-'));
  try {
    await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
    await page.getByRole('tab', { name: 'Models' }).click();
    const form = page.getByRole('form', { name: 'Import a checkpoint' });
    const error = form.getByRole('alert', { name: 'Import error' });

    // The fixture's widths are not SD 1.x's: without its config the importer says so, naming the field.
    await form.getByLabel('Checkpoint file').fill(checkpoint);
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(error).toContainText('do not split into 32 groups');
    await expect(error).toContainText("name the model's config with the Config field");
    await expect(form.getByLabel('Checkpoint file')).toHaveValue(checkpoint);

    await form.getByLabel('Config').fill(path.join(fixtures, 'tiny-sd'));
    await form.getByLabel('Name').fill('tiny-import');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(error).toBeHidden();
    const progress = form.getByRole('progressbar', { name: 'Import progress' });
    await expect(progress).toHaveAttribute('value', '100');
    await expect(form.getByRole('status')).toContainText('Imported tiny-import.');
    const imported = page.getByRole('article', { name: 'tiny-import' });
    await expect(imported).toContainText('In the data directory');
    await expect(imported).toContainText('SD 1.x');
    await expect(imported).not.toContainText('Inpainting');
    await expect(form.getByLabel('Checkpoint file')).toHaveValue('');
    await expect(page.getByLabel('Model', { exact: true }).locator('option', { hasText: 'tiny-import' })).toHaveCount(
      1,
    );

    // The same name again: refused, the name's field named.
    await form.getByLabel('Checkpoint file').fill(checkpoint);
    await form.getByLabel('Config').fill(path.join(fixtures, 'tiny-sd'));
    await form.getByLabel('Name').fill('tiny-import');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(error).toContainText('a model named tiny-import already exists; choose another with the Name field');

    // An inpainting model's card says so.
    const inpaint = path.join(temp, 'tiny-inpaint');
    cpSync(path.join(fixtures, 'tiny-sd-inpaint'), inpaint, { recursive: true });
    await page.getByLabel('Model folder', { exact: true }).fill(inpaint);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect(page.getByRole('article', { name: 'tiny-inpaint' })).toContainText('Inpainting');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});
