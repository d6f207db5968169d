import type { Page } from '@playwright/test';
import { decode, encode } from 'fast-png';
import { textChunk, insertAfterHeader } from '../src-main/formats/png/png-chunks';
import { documentScreenshot, expect, test } from './support/fixtures';

/** A1111 1.10's `parameters` text, as its own code writes it. */
const a1111Text = [
  'a red fox in a snowy forest, masterpiece',
  'Negative prompt: blurry, lowres',
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 64x64, ' +
    'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1',
].join('\n');

/** A PNG as A1111 saves one: pixels plus the `parameters` tEXt chunk. */
function a1111Png(shade = 90): Buffer {
  const data = new Uint8Array(64 * 64 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([200, shade + ((i / 3) % 64), 60], i);
  const png = encode({ width: 64, height: 64, data, channels: 3, depth: 8 });
  return Buffer.from(insertAfterHeader(png, [textChunk('parameters', a1111Text)]));
}

/** Drops files on the window the way a file manager does (a DataTransfer of Files). */
async function dropFiles(page: Page, files: { name: string; base64: string }[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.name.endsWith('.png') ? 'image/png' : '' }));
    }
    return dt;
  }, files);
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

async function generateOnce(page: Page, label: string): Promise<void> {
  const thumbs = await page.getByTestId('result-thumb').count();
  await page.getByRole('button', { name: /^Generate/ }).click();
  await expect(page.getByTestId('result-thumb')).toHaveCount(thumbs + 1, { timeout: 45_000 });
  await expect(page.getByTestId('result-large'), label).toBeVisible();
}

/** Pixels of the sketch canvas that are not the blank page's white. */
async function paintedPixels(page: Page): Promise<number> {
  const png = decode(await page.getByTestId('sketch-canvas').screenshot());
  let count = 0;
  for (let i = 0; i < png.data.length; i += png.channels)
    if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 600) count++;
  return count;
}

test('detail shows settings and lineage; reproduce is identical; Use these settings restores img2img', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await page.getByLabel('Prompt', { exact: true }).fill('a red circle on a blue background');
  await page.getByLabel('Steps', { exact: true }).fill('6');
  await generateOnce(page, 'txt2img result');

  // Sketch over the result, then img2img from it at strength 0.6: the new image's parent is the first.
  await page.getByRole('button', { name: 'Sketch over it' }).click();
  await expect(page.getByTestId('mode-img2img')).toBeChecked();
  await page.getByLabel('Strength', { exact: true }).fill('0.6');
  await page.getByRole('tab', { name: 'Results' }).click();
  await generateOnce(page, 'img2img result');

  await page.getByRole('button', { name: 'Details' }).click();
  const detail = page.getByRole('dialog', { name: 'Image details' });
  await expect(detail).toBeVisible();
  const settings = detail.getByRole('region', { name: 'Settings' });
  await expect(settings.getByTestId('setting-prompt')).toHaveText('a red circle on a blue background');
  await expect(settings.getByTestId('setting-steps')).toHaveText('6');
  await expect(settings.getByTestId('setting-strength')).toHaveText('0.6');
  await expect(settings.getByTestId('setting-mode')).toHaveText('img2img');
  await expect(detail.getByRole('img', { name: 'Init for img2img' })).toBeVisible();
  const madeFrom = detail.getByRole('region', { name: 'Made from', exact: true });
  await expect(madeFrom.getByRole('button', { name: /^Open image \d+/ })).toHaveCount(1);
  await expect(detail.getByTestId('detail-image')).toHaveCSS('image-rendering', 'pixelated');

  await detail.getByRole('button', { name: 'Reproduce' }).click();
  await expect(detail.getByTestId('reproduce-result')).toHaveText(/^Identical/, { timeout: 45_000 });
  await documentScreenshot(page, 'gallery-detail');

  // The parent, opened from the lineage, lists this image among its children.
  const childTitle = await detail.getByRole('heading', { level: 2 }).textContent();
  await madeFrom.getByRole('button', { name: /^Open image \d+/ }).click();
  await expect(detail.getByRole('heading', { level: 2 })).not.toHaveText(childTitle!);
  await expect(detail.getByTestId('setting-mode')).toHaveText('txt2img');
  const children = detail.getByRole('region', { name: 'Made from this' });
  await children
    .getByRole('button', { name: `Open ${childTitle!.toLowerCase()}: a red circle on a blue background` })
    .click();
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(childTitle!);

  // One setting at a time leaves the rest of the form alone.
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await page.getByLabel('Prompt', { exact: true }).fill('something else');
  await page.getByTestId('mode-txt2img').check({ force: true });
  await page.getByRole('button', { name: 'Details' }).click();
  await detail.getByRole('button', { name: 'Use steps' }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('something else');
  await expect(page.getByTestId('mode-txt2img')).toBeChecked();

  // Everything: mode, strength and the starting picture come back.
  await page.getByRole('tab', { name: 'Sketch' }).click();
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  // A blank page: what is not white is only the canvas's surroundings.
  const blank = await paintedPixels(page);
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByRole('button', { name: 'Details' }).click();
  await detail.getByRole('button', { name: 'Use these settings' }).click();
  await expect(detail).toBeHidden();
  await expect(page.getByTestId('mode-img2img')).toBeChecked();
  await expect(page.getByLabel('Strength', { exact: true })).toHaveValue('0.6');
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('a red circle on a blue background');
  await expect(page.getByRole('tab', { name: 'Sketch' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => paintedPixels(page)).toBeGreaterThan(blank + 1000);
});

test('a dropped A1111 PNG shows its settings; use them, import it; several PNGs import with a summary', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await dropFiles(page, [{ name: 'fox.png', base64: a1111Png().toString('base64') }]);
  const info = page.getByRole('dialog', { name: 'PNG info · fox.png' });
  await expect(info).toBeVisible();
  await expect(info.getByTestId('setting-seed')).toHaveText('3141592653');
  await expect(info.getByTestId('setting-steps')).toHaveText('28');
  await expect(info.getByTestId('setting-guidance')).toHaveText('6.5');
  await expect(info.getByTestId('setting-scheduler')).toHaveText('DPM++ 2M Karras');
  await expect(info.getByTestId('setting-negative')).toHaveText('blurry, lowres');
  await expect(info.getByTestId('setting-made with')).toHaveText('AUTOMATIC1111');
  await documentScreenshot(page, 'png-info');

  await info.getByRole('button', { name: 'Use seed' }).click();
  await expect(page.getByTestId('seed-input')).toHaveValue('3141592653');
  await info.getByRole('button', { name: 'Import into gallery' }).click();
  await expect(info.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    /Imported into the gallery as image \d+/,
  );
  await info.getByRole('button', { name: 'Use these settings' }).click();
  await expect(info).toBeHidden();
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('a red fox in a snowy forest, masterpiece');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('28');

  // Pasted: the same dialog.
  await page.evaluate((base64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
  }, a1111Png(10).toString('base64'));
  await expect(page.getByRole('dialog', { name: 'PNG info · image.png' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Several at once: the one already imported is a duplicate, a broken one is reported by name.
  await dropFiles(page, [
    { name: 'fox.png', base64: a1111Png().toString('base64') },
    { name: 'other.png', base64: a1111Png(30).toString('base64') },
    { name: 'broken.png', base64: Buffer.from('not a png').toString('base64') },
  ]);
  const progress = page.getByRole('dialog', { name: 'Importing PNGs into the gallery' });
  await expect(progress.getByTestId('import-summary')).toHaveText(
    '3 of 3 files: done · 1 imported · 1 duplicates · 1 not understood',
  );
  await expect(progress.getByRole('list', { name: 'Files not understood' })).toContainText('broken.png');
});
