// Comparing results: an X/Y plot over guidance × scheduler on the bundled model (every cell a gallery record, the
// grid saved as one PNG with its description), a batch as a grid, and the A/B slider worked by keyboard.
import type { Page } from '@playwright/test';
import { decode } from 'fast-png';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir, documentScreenshot, expect, test } from './support/fixtures';

/** A method of the studio's API, called through the page's own session (the same way the UI calls it). */
async function call<R>(page: Page, method: string, input: unknown): Promise<R> {
  return page.evaluate(
    async ([m, i]) => {
      const bridge = (window as unknown as { studio?: { invoke(m: string, i: unknown): Promise<unknown> } }).studio;
      if (bridge) return ((await bridge.invoke(m as string, i)) as { result: unknown }).result;
      const token = sessionStorage.getItem('studio-token');
      const reply = await fetch(`/api/${m}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(i),
      });
      return reply.json();
    },
    [method, input] as const,
  ) as Promise<R>;
}

/** A media file's bytes, fetched by the page from the URL the UI links to. */
async function fetchBytes(page: Page, url: string): Promise<Uint8Array> {
  const bytes = await page.evaluate(async (u) => {
    const reply = await fetch(u);
    if (!reply.ok) throw new Error(`HTTP ${reply.status} for ${u}`);
    return Array.from(new Uint8Array(await reply.arrayBuffer()));
  }, url);
  return Uint8Array.from(bytes);
}

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('generate-button')).toBeEnabled();
}

interface RecordSettings {
  id: number;
  guidance: number;
  scheduler: string;
  seed: string;
  steps: number;
}

test('a 2 × 3 X/Y plot over guidance × scheduler fills in, every cell a gallery record, and saves', async ({
  studio,
}) => {
  test.setTimeout(120_000);
  const { page } = studio;
  await ready(page);
  await page.getByTestId('prompt').fill('a red circle on a blue background');
  await page.getByTestId('steps').fill('6');
  await page.getByTestId('seed-input').fill('42');

  await page.getByRole('button', { name: 'X/Y plot…' }).click();
  const dialog = page.getByRole('dialog', { name: 'X/Y plot' });
  await dialog.getByRole('combobox', { name: 'X axis setting' }).selectOption('guidance');
  const xValues = dialog.getByRole('textbox', { name: 'X axis values' });
  // A bad value is refused with a reason, and nothing can be queued.
  await xValues.fill('3, 90');
  await expect(dialog.getByRole('alert')).toContainText('Guidance 90 is out of range: 0 to 50');
  await expect(dialog.getByRole('button', { name: /^Queue/ })).toBeDisabled();
  await xValues.fill('3, 9');
  await dialog.getByRole('combobox', { name: 'Y axis setting' }).selectOption('scheduler');
  await dialog.getByRole('textbox', { name: 'Y axis values' }).fill('PNDM, Euler, DDIM');
  await expect(dialog.getByTestId('xy-cell-count')).toHaveText('2 × 3 = 6 cells (6 jobs)');
  await dialog.getByRole('button', { name: 'Queue 6 jobs' }).click();
  await expect(dialog).toBeHidden();

  const plot = page.getByRole('region', { name: 'X/Y plot: Guidance × Scheduler' });
  await expect(plot.getByRole('columnheader')).toHaveText(['Scheduler \\ Guidance', 'Guidance: 3', 'Guidance: 9']);
  await expect(plot.getByRole('rowheader')).toHaveText(['PNDM', 'Euler', 'DDIM']);
  const cells = plot.getByTestId('plot-cell');
  await expect(cells).toHaveCount(6);
  await expect(plot.locator('[data-testid="plot-cell"][data-status="done"]')).toHaveCount(6, { timeout: 90_000 });
  await expect(plot.getByTestId('xy-plot-progress')).toHaveText('6 of 6 done');
  await expect(plot.getByRole('img', { name: 'Guidance: 9, Euler' })).toBeVisible();

  // Every cell is a gallery record with the cell's settings and the plot's one seed.
  const listed = await call<{ items: RecordSettings[] }>(page, 'gallery.list', { limit: 20 });
  const cellsAsRecorded = listed.items.map((r) => [r.guidance, r.scheduler, r.seed, r.steps]).sort();
  expect(cellsAsRecorded).toEqual([3, 9].flatMap((g) => ['pndm', 'euler', 'ddim'].map((s) => [g, s, '42', 6])).sort());

  await plot.getByRole('button', { name: 'Save grid' }).click();
  const download = plot.getByRole('link', { name: 'Download' });
  await expect(download).toBeVisible();
  const media = (await download.getAttribute('data-media'))!;
  expect(media).toMatch(/^plots\/\d{4}-\d{2}\/xy-plot-.*\.png$/);
  await plot.getByRole('button', { name: 'Open grid' }).click();
  const opened = page.getByRole('dialog', { name: 'Saved X/Y plot grid' });
  const shown = opened.getByRole('img', { name: 'The saved X/Y plot grid' });
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(42 + 3 * 256 + 2 * 4);
  await opened.getByRole('button', { name: 'Close' }).click();
  await expect(opened).toHaveCount(0);
  const saved = await fetchBytes(page, (await download.getAttribute('href'))!);
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(path.join(artifactsDir, `${studio.target}-xy-plot-grid.png`), saved);
  const png = decode(saved);
  // 128 px cells drawn at 2×, 4 px apart, under a 42 px header row and right of the row labels.
  expect(png.height).toBe(42 + 3 * 256 + 2 * 4);
  expect(png.width).toBeGreaterThan(2 * 256 + 4 + 40);
  expect(png.width).toBeLessThanOrEqual(2 * 256 + 4 + 260);
  const description = JSON.parse((png.text as Record<string, string>)['studio-xy-plot']) as {
    x: { kind: string; values: unknown[]; labels: string[] };
    y: { kind: string; values: unknown[]; labels: string[] };
    base: { prompt: string; seed: string; steps: number; width: number };
    cells: { x: number; y: number; id: number }[];
  };
  expect(description.x).toEqual({ kind: 'guidance', values: [3, 9], labels: ['Guidance: 3', 'Guidance: 9'] });
  expect(description.y).toEqual({
    kind: 'scheduler',
    values: ['pndm', 'euler', 'ddim'],
    labels: ['PNDM', 'Euler', 'DDIM'],
  });
  expect(description.base).toMatchObject({ prompt: 'a red circle on a blue background', seed: '42', steps: 6 });
  // Each cell names the record made with its column's guidance and its row's scheduler.
  const byId = new Map(listed.items.map((r) => [r.id, r]));
  expect(description.cells).toHaveLength(6);
  for (const cell of description.cells) {
    const record = byId.get(cell.id)!;
    expect([record.guidance, record.scheduler]).toEqual([[3, 9][cell.x], ['pndm', 'euler', 'ddim'][cell.y]]);
  }
  await documentScreenshot(page, 'xy-plot');
});

test('a batch shows as a grid; the A/B slider works by keyboard, side by side shares the zoom', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await ready(page);
  await page.getByTestId('prompt').fill('a green square');
  await page.getByTestId('steps').fill('5');
  await page.getByTestId('seed-input').fill('7');
  await page.getByTestId('batch').fill('2');
  await page.getByTestId('generate-button').click();

  const batch = page.getByRole('region', { name: 'Batch of 2' });
  await expect(batch).toBeVisible({ timeout: 45_000 });
  await expect(batch.getByRole('button', { name: /^Image \d of 2/ })).toHaveCount(2);
  await batch.getByRole('button', { name: /^Image 1 of 2/ }).click();
  await expect(page.getByTestId('result-large')).toBeVisible();

  await page.getByRole('button', { name: 'Compare with…' }).click();
  await expect(page.getByTestId('compare-pick')).toBeVisible();
  await page.getByTestId('result-thumb').nth(1).click();
  const compare = page.getByRole('region', { name: 'Compare two results' });
  await expect(compare).toBeVisible();
  await expect(compare.getByRole('img', { name: /^A · seed/ })).toBeVisible();
  await expect(compare.getByRole('img', { name: /^B · seed/ })).toBeVisible();

  const divider = compare.getByRole('slider', { name: 'Divider between A and B' });
  await expect(divider).toHaveAttribute('aria-valuenow', '50');
  await divider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(divider).toHaveAttribute('aria-valuenow', '52');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(divider).toHaveAttribute('aria-valuenow', '42');
  await expect(divider).toHaveAttribute('aria-valuetext', 'A 42%, B 58%');
  // B shows right of the divider only.
  await expect(page.getByTestId('compare-b-layer')).toHaveCSS('clip-path', 'inset(0px 0px 0px 42%)');
  await documentScreenshot(page, 'compare-slider');
  await page.keyboard.press('Home');
  await expect(divider).toHaveAttribute('aria-valuenow', '0');
  await page.keyboard.press('End');
  await expect(divider).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('compare-b-layer')).toHaveCSS('clip-path', 'inset(0px 0px 0px 100%)');

  await compare.getByRole('button', { name: 'Side by side' }).click();
  await compare.getByRole('button', { name: 'Zoom in' }).click();
  await compare.getByRole('button', { name: 'Zoom in' }).click();
  const transforms = await compare
    .getByRole('img')
    .evaluateAll((images) => images.map((img) => getComputedStyle(img).transform));
  expect(transforms).toHaveLength(2);
  expect(transforms[0]).toBe('matrix(2, 0, 0, 2, 0, 0)');
  expect(transforms[1]).toBe(transforms[0]);

  await compare.getByRole('button', { name: 'Close compare' }).click();
  await expect(compare).toBeHidden();

  // From the gallery: pick two, Compare.
  await page.getByRole('tab', { name: 'Gallery' }).click();
  const images = page.getByRole('listbox', { name: 'Gallery' }).getByRole('option');
  await expect(images).toHaveCount(2);
  await images.nth(0).click();
  await images.nth(1).click({ modifiers: ['ControlOrMeta'] });
  const bar = page.getByRole('toolbar', { name: 'Selected images' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Compare' }).click();
  const dialog = page.getByRole('dialog', { name: 'Compare two images' });
  await expect(dialog.getByRole('img', { name: /^A · #\d+, seed \d+/ })).toBeVisible();
  const galleryDivider = dialog.getByRole('slider', { name: 'Divider between A and B' });
  await galleryDivider.focus();
  await page.keyboard.press('PageDown');
  await expect(galleryDivider).toHaveAttribute('aria-valuenow', '40');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
