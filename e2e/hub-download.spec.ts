import path from 'node:path';
import { repoFromFolder, startFakeHub } from '../src-main/models/hub/test-support/fake-hub';
import { expect, test } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
const fixtureModel = path.join(root, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');

test('a model downloads from the Hub endpoint in Settings, with progress, cancel and a resumed second try', async ({
  studio,
}) => {
  const { page } = studio;
  const hub = await startFakeHub();
  try {
    hub.repos.set('studio/tiny-hub', repoFromFolder(fixtureModel, 'd'.repeat(40)));
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');

    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await expect(dialog.getByLabel('Hub endpoint')).toHaveValue('https://huggingface.co');
    await dialog.getByLabel('Hub endpoint').fill(hub.endpoint);
    await dialog.getByLabel('Hub endpoint').blur();
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('tab', { name: 'Models' }).click();
    const form = page.getByRole('form', { name: 'Download from the Hub' });
    const error = form.getByRole('alert', { name: 'Download error' });
    await form.getByLabel('Repository').fill('nobody/nothing');
    await form.getByRole('button', { name: 'Download' }).click();
    await expect(error).toContainText('nobody/nothing: no such repository');

    hub.stallOnce.add('unet/model.onnx');
    await form.getByLabel('Repository').fill('studio/tiny-hub');
    await form.getByRole('button', { name: 'Download' }).click();
    await expect(error).toBeHidden();
    const progress = form.getByRole('progressbar', { name: 'Download progress' });
    await expect(progress).toBeVisible();
    await expect(form).toContainText('unet/model.onnx');
    await form.getByRole('button', { name: 'Cancel download' }).click();
    await expect(error).toContainText('Cancelled. Downloading it again resumes.');

    await form.getByRole('button', { name: 'Download' }).click();
    await expect(page.getByRole('article', { name: 'tiny-hub' })).toContainText('SD 1.x');

    // The same repository again: its name is taken, so it is installed under another one.
    await form.getByLabel('Repository').fill('studio/tiny-hub');
    await form.getByRole('button', { name: 'Download' }).click();
    await expect(error).toContainText('a model named tiny-hub is already installed');
    await form.getByLabel('Name').fill('tiny-again');
    await form.getByRole('button', { name: 'Download' }).click();
    await expect(page.getByRole('article', { name: 'tiny-again' })).toContainText('In the data directory');
    await expect(form.getByLabel('Repository')).toHaveValue('');
    expect(hub.requests.some((r) => r.range !== null && r.url.includes('unet%2Fmodel.onnx'))).toBe(true);
  } finally {
    await hub.close();
  }
});
