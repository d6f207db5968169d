import type { Page } from '@playwright/test';
import { decode } from 'fast-png';
import { expect, test } from './support/fixtures';

/** The studio's models, asked through the page's own session (the same way the UI asks). */
async function installedModels(page: Page): Promise<{ id: string; name: string }[]> {
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  return page.evaluate(async () => {
    const bridge = (window as unknown as { studio?: { invoke(m: string, i: unknown): Promise<unknown> } }).studio;
    if (bridge) return ((await bridge.invoke('system.info', {})) as { result: { models: never[] } }).result.models;
    const token = sessionStorage.getItem('studio-token');
    const reply = await fetch('/api/system.info', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    return ((await reply.json()) as { models: never[] }).models;
  });
}

async function expectBundledModel(page: Page): Promise<void> {
  // The bundled model ships with the studio: without it these tests must fail, not skip.
  expect(await installedModels(page)).not.toHaveLength(0);
}

async function drawStroke(page: Page): Promise<void> {
  const canvas = page.getByTestId('sketch-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + box.width * (0.2 + i * 0.06), box.y + box.height * (0.3 + i * 0.04));
  }
  await page.mouse.up();
}

async function fastSettings(page: Page, steps: number): Promise<void> {
  await page.getByTestId('steps').fill(String(steps));
}

test.describe('with no model installed', () => {
  test.use({ noModels: true });

  test('Generate is disabled and says why', async ({ studio }) => {
    const { page } = studio;
    expect(await installedModels(page)).toHaveLength(0);
    await expect(page.getByTestId('no-model')).toBeVisible();
    await expect(page.getByTestId('generate-button')).toBeDisabled();
    await expect(page.getByTestId('generate-hint')).toContainText('No model installed');
    await expect(page.getByTestId('results-empty')).toContainText('No model installed');
  });
});

test('the form is remembered across launches', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('prompt').fill('a remembered prompt');
  await page.getByTestId('steps').fill('33');
  await page.getByTestId('seed-input').fill('1234');
  await page.reload();
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('prompt')).toHaveValue('a remembered prompt');
  await expect(page.getByTestId('steps')).toHaveValue('33');
  await expect(page.getByTestId('seed-input')).toHaveValue('1234');
  await expect(page.getByTestId('seed-random')).not.toBeChecked();
});

test('the sketch canvas draws, undoes and redoes', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('tab-sketch').click();
  await page.getByTestId('color-red').click();
  await expect(page.getByTestId('sketch-undo')).toBeDisabled();
  await drawStroke(page);
  await expect(page.getByTestId('sketch-undo')).toBeEnabled();
  // What the user sees: a screenshot of the canvas, not getImageData (which headless Chromium may answer from a
  // stale buffer).
  const red = async () => {
    const png = decode(await page.getByTestId('sketch-canvas').screenshot());
    let count = 0;
    for (let i = 0; i < png.data.length; i += png.channels) {
      if (png.data[i] > 180 && png.data[i + 1] < 100 && png.data[i + 2] < 100) count++;
    }
    return count;
  };
  expect(await red()).toBeGreaterThan(20);
  await page.getByTestId('sketch-undo').click();
  await expect.poll(red).toBe(0);
  await page.getByTestId('sketch-redo').click();
  await expect.poll(red).toBeGreaterThan(20);
});

test('generate from a prompt, watch it progress, reuse the seed', async ({ studio }) => {
  const { page } = studio;
  await expectBundledModel(page);
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  await page.getByTestId('prompt').fill('a red circle on a blue background');
  await fastSettings(page, 12);
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(page.getByTestId('progress-step')).toContainText(/Step \d+ \/ \d+|Loading|Queued/);

  const large = page.getByTestId('result-large');
  await expect(large).toBeVisible({ timeout: 45_000 });
  await expect.poll(() => large.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId('result-thumb')).toHaveCount(1);
  const seed = (await page.getByTestId('result-seed').textContent())!.trim();
  expect(seed).toMatch(/^\d+$/);

  await page.getByTestId('reuse-seed').click();
  await expect(page.getByTestId('seed-random')).not.toBeChecked();
  await expect(page.getByTestId('seed-input')).toHaveValue(seed);

  // The same seed and settings again: a second result with that seed.
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('result-thumb')).toHaveCount(2, { timeout: 45_000 });
  await expect(page.getByTestId('result-seed')).toHaveText(seed);

  // Automatic timed the providers this machine can load on the model's first job: Settings shows the figures.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const measured = page
    .getByRole('dialog', { name: 'Settings' })
    .getByRole('region', { name: 'Measured by Automatic' });
  await expect(measured.getByRole('row', { name: /tiny-shapes/ })).toContainText(/cpu: [\d.]+ ms/);
});

test('sketch, then generate img2img from the sketch', async ({ studio }) => {
  const { page } = studio;
  await expectBundledModel(page);
  await page.getByTestId('prompt').fill('a green square');
  await fastSettings(page, 10);
  // Not square, so that a swapped or rounded export size would show.
  await page.getByRole('button', { name: '3:2' }).click();
  const width = Number(await page.getByTestId('size-width').inputValue());
  const height = Number(await page.getByTestId('size-height').inputValue());
  await page.getByTestId('tab-sketch').click();
  await page.getByTestId('color-green').click();
  await drawStroke(page);
  await page.getByTestId('use-as-init').check();
  await expect(page.getByTestId('mode-img2img')).toBeChecked();

  // Over HTTP the request can be read on its way: the sketch must go out as a PNG of exactly width × height.
  const sent = new Promise<{ initImage?: { pngBase64: string }; strength?: number }>((resolve) => {
    if (studio.target !== 'browser') return resolve({});
    void page.route('**/api/generate.submit', async (route) => {
      resolve(route.request().postDataJSON() as never);
      await route.continue();
    });
  });
  await page.getByTestId('generate-button').click();
  if (studio.target === 'browser') {
    const request = await sent;
    const png = decode(Buffer.from(request.initImage!.pngBase64, 'base64'));
    expect([png.width, png.height]).toEqual([width, height]);
    expect(request.strength).toBe(0.75);
    let green = 0;
    for (let i = 0; i < png.data.length; i += png.channels) {
      if (png.data[i] < 100 && png.data[i + 1] > 120 && png.data[i + 2] < 100) green++;
    }
    expect(green).toBeGreaterThan(10);
  }

  const large = page.getByTestId('result-large');
  await expect(large).toBeVisible({ timeout: 45_000 });
  await expect.poll(() => large.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId('result-mode')).toHaveText('img2img');
  await expect(page.getByTestId('result-size')).toHaveText(`${width}×${height}`);
  await expect(page.getByTestId('result-strength')).toBeVisible();
});

test('a running job can be cancelled', async ({ studio }) => {
  const { page } = studio;
  await expectBundledModel(page);
  await page.getByTestId('prompt').fill('a long one, to cancel');
  await fastSettings(page, 150);
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(page.getByTestId('cancel-button')).toBeEnabled();
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('notice').filter({ hasText: 'Cancelled' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('result-thumb')).toHaveCount(0);
});

test('a request the studio refuses names the field, in a notice and on the field', async ({ studio }) => {
  const { page } = studio;
  test.skip(studio.target !== 'browser', 'Rewrites the HTTP request on its way');
  await expectBundledModel(page);
  // The form never sends a bad width; a tampered request shows how the contract's answer is presented.
  await page.route('**/api/generate.submit', (route) =>
    route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), width: 100 }) }),
  );
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('notice')).toContainText('width');
  await expect(page.getByTestId('notice')).toContainText('invalid_input');
  await expect(page.getByTestId('size-width')).toHaveAttribute('aria-invalid', 'true');
});
