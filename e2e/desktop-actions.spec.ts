// The desktop-only actions (file manager, native folder picker) appear only where they work: in a browser on the
// headless server, none of them is offered. In the Electron app each is there.
import { expect, test } from './support/fixtures';

test.use({ galleryRecords: 3 });

test('desktop-only actions are offered only in the desktop app', async ({ studio }) => {
  const { page, target } = studio;
  const count = target === 'electron' ? 1 : 0;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');

  await page.getByRole('tab', { name: 'Gallery' }).click();
  const images = page.getByRole('listbox', { name: 'Gallery' }).getByRole('option');
  await expect(images).toHaveCount(3);
  await images.first().click();
  const bar = page.getByRole('toolbar', { name: 'Selected images' });
  await expect(bar.getByRole('button', { name: 'Export', exact: true })).toBeVisible();
  await expect(bar.getByRole('button', { name: 'Export to folder…' })).toHaveCount(count);

  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog', { name: 'Image details' });
  const actions = detail.getByRole('group', { name: 'Actions' });
  await expect(actions.getByRole('button', { name: 'Copy settings' })).toBeVisible();
  await expect(actions.getByRole('button', { name: 'Show in folder' })).toHaveCount(count);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  await page.getByRole('tab', { name: 'Models' }).click();
  await expect(page.getByRole('button', { name: 'Add folder' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Choose a model folder…' })).toHaveCount(count);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('heading', { name: 'Data directory' })).toBeVisible();
  await expect(settings.getByRole('button', { name: 'Open the data directory' })).toHaveCount(count);
});
