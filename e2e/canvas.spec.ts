import type { Page } from '@playwright/test';
import { decode, encode } from 'fast-png';
import { documentScreenshot, expect, test } from './support/fixtures';

type Rgb = [number, number, number];

/** A PNG of the given size: the left half `left`, the right half a diagonal pattern, so a repaint shows. */
function picture(width: number, height: number, left: Rgb, right: Rgb): Buffer {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const stripe = (x + y) % 16 < 8 ? 1 : 0.6;
      const colour = x < width / 2 ? left : right.map((c) => Math.round(c * stripe));
      data.set(colour, (y * width + x) * 3);
    }
  return Buffer.from(encode({ width, height, data, channels: 3, depth: 8 }));
}

/** Pastes a PNG the way a copy from another app arrives: a paste event carrying a File. */
async function pastePng(page: Page, png: Buffer): Promise<void> {
  await page.evaluate((base64) => {
    const dt = new DataTransfer();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    dt.items.add(new File([bytes], 'copied.png', { type: 'image/png' }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, png.toString('base64'));
}

/** Drags across the canvas between two points given as fractions of the image's box on screen. */
async function drag(page: Page, from: [number, number], to: [number, number], steps = 12): Promise<void> {
  const box = (await page.getByTestId('sketch-canvas').boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    const f = i / steps;
    await page.mouse.move(...at([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]));
  }
  await page.mouse.up();
}

/** The colour the user sees at a point of the image (fractions of its box): a screenshot, not a canvas read-back. */
async function colourAt(page: Page, fx: number, fy: number): Promise<Rgb> {
  const png = decode(await page.getByTestId('sketch-canvas').screenshot());
  const x = Math.floor(png.width * fx);
  const y = Math.floor(png.height * fy);
  const i = (y * png.width + x) * png.channels;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

const near = (a: Rgb, b: Rgb, tolerance = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
const red: Rgb = [229, 57, 53];
const blue: Rgb = [30, 60, 200];
const sand: Rgb = [220, 200, 120];

async function openSketch(page: Page): Promise<{ width: number; height: number }> {
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  // The model's own size applies once it is read: only then is the generation size settled.
  await expect(page.getByTestId('generate-button')).toBeEnabled();
  const width = Number(await page.getByTestId('size-width').inputValue());
  const height = Number(await page.getByTestId('size-height').inputValue());
  await page.getByTestId('tab-sketch').click();
  await expect(page.getByTestId('sketch-status')).toHaveAttribute('data-saved', /saved/);
  return { width, height };
}

const saved = (page: Page) => expect(page.getByTestId('sketch-status')).toHaveAttribute('data-saved', 'saved');

test('a pasted picture is the base layer; the eraser uncovers it; layers and history survive a reload', async ({
  studio,
}) => {
  const { page } = studio;
  const { width, height } = await openSketch(page);
  await pastePng(page, picture(width, height, blue, blue));
  await expect(page.getByTestId('base-thumb')).toBeVisible();
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, blue))).toBe(true);

  // A thick red line across the middle on the sketch layer, then the eraser down through its centre.
  await page.getByTestId('color-red').click();
  await page.getByTestId('brush-size').fill('60');
  await drag(page, [0.1, 0.5], [0.9, 0.5]);
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, red))).toBe(true);
  await page.getByTestId('tool-eraser').click();
  await drag(page, [0.5, 0.2], [0.5, 0.8]);
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, blue))).toBe(true);
  expect(near(await colourAt(page, 0.2, 0.5), red)).toBe(true);

  // Hiding the sketch layer is a step of the history too.
  await page.getByRole('checkbox', { name: 'Sketch' }).uncheck();
  await expect.poll(() => colourAt(page, 0.2, 0.5).then((c) => near(c, blue))).toBe(true);
  await page.getByTestId('sketch-undo').click();
  await expect.poll(() => colourAt(page, 0.2, 0.5).then((c) => near(c, red))).toBe(true);
  await saved(page);

  await page.reload();
  await openSketch(page);
  await expect(page.getByTestId('base-thumb')).toBeVisible();
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, blue))).toBe(true);
  expect(near(await colourAt(page, 0.2, 0.5), red)).toBe(true);
  // The history came back with it: undo the eraser, then the line, then the picture; redo the hidden layer.
  await page.getByTestId('sketch-undo').click();
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, red))).toBe(true);
  await page.getByTestId('sketch-undo').click();
  await expect.poll(() => colourAt(page, 0.2, 0.5).then((c) => near(c, blue))).toBe(true);
  await page.getByTestId('sketch-undo').click();
  await expect(page.getByTestId('base-thumb')).toHaveCount(0);
  await expect(page.getByTestId('sketch-undo')).toBeDisabled();
  await page.getByTestId('sketch-redo').click();
  await page.getByTestId('sketch-redo').click();
  await page.getByTestId('sketch-redo').click();
  await page.getByTestId('sketch-redo').click();
  await expect.poll(() => colourAt(page, 0.2, 0.5).then((c) => near(c, blue))).toBe(true);
  await expect(page.getByRole('checkbox', { name: 'Sketch' })).not.toBeChecked();

  // The eyedropper takes the colour under it from the canvas.
  await page.getByTestId('tool-picker').click();
  const box = (await page.getByTestId('sketch-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.15);
  await expect(page.getByLabel('Custom colour')).toHaveValue('#1e3cc8');
  await expect(page.getByTestId('tool-brush')).toHaveAttribute('aria-pressed', 'true');

  // Zooming in with the wheel: the brush outline keeps its size on screen, the picture grows.
  const zoom = async () => Number((await page.getByTestId('sketch-status').textContent())!.match(/(\d+)%/)![1]);
  const before = await zoom();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.wheel(0, -300);
  await expect.poll(zoom).toBeGreaterThan(before * 1.5);
  expect((await page.getByTestId('sketch-canvas').boundingBox())!.width).toBeGreaterThan(box.width * 1.5);
  await page.getByTestId('brush-size').fill('60');
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await expect(page.getByTestId('brush-cursor')).toHaveCSS('width', '60px');

  // Space-drag pans the view and paints nothing.
  const zoomed = (await page.getByTestId('sketch-canvas').boundingBox())!;
  const undoable = await page.getByTestId('sketch-redo').isEnabled();
  await page.keyboard.down(' ');
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4 + 80, box.y + box.height * 0.5 + 40, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up(' ');
  const panned = (await page.getByTestId('sketch-canvas').boundingBox())!;
  expect([Math.round(panned.x - zoomed.x), Math.round(panned.y - zoomed.y)]).toEqual([80, 40]);
  await expect(page.getByTestId('sketch-redo')).toBeEnabled({ enabled: undoable });

  // A wider generation size: the canvas asks how to fit; "Fit" keeps all of the picture, centred with margins.
  await page.getByTestId('size-width').fill(String(width * 2));
  await page.getByTestId('size-width').press('Tab');
  const prompt = page.getByRole('dialog', { name: 'Fit the sketch to the new size' });
  await expect(prompt).toBeVisible();
  await prompt.getByRole('button', { name: 'Fit' }).click();
  await expect(prompt).toBeHidden();
  await expect(page.getByTestId('sketch-status')).toContainText(`${width * 2}×${height}`);
  await page.keyboard.press('0');
  await expect.poll(() => colourAt(page, 0.1, 0.5).then((c) => near(c, [255, 255, 255], 10))).toBe(true);
  expect(near(await colourAt(page, 0.5, 0.3), blue)).toBe(true);
});

test('a painted mask inpaints only the masked area; sketching over the result records its lineage', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('prompt').fill('a red circle');
  await page.getByTestId('steps').fill('8');
  const { width, height } = await openSketch(page);
  const init = picture(width, height, blue, sand);
  await pastePng(page, init);
  await expect(page.getByTestId('base-thumb')).toBeVisible();

  // Something on the sketch layer too, with a soft brush: the init image is the layers flattened.
  await page.getByTestId('color-red').click();
  await page.getByTestId('brush-size').fill('50');
  await page.getByLabel('Hardness').fill('0.3');
  await drag(page, [0.15, 0.3], [0.35, 0.7]);
  await page.getByLabel('Hardness').fill('1');
  // The mask over the right third, hard-edged and unblurred so that "outside" is exact.
  await page.getByTestId('paint-mask').click();
  await page.getByLabel('Mask blur').fill('0');
  await page.getByTestId('brush-size').fill('200');
  for (const y of [0.1, 0.35, 0.6, 0.85]) await drag(page, [0.85, y], [0.95, y], 4);
  await expect(page.getByTestId('layer-mask')).toContainText('Generate repaints the marked area');
  // The blur is previewed on the overlay (the mask's own canvas), not baked into the mask.
  const overlay = page.getByTestId('sketch-stage').locator('canvas').nth(1);
  await expect(overlay).toHaveCSS('filter', 'none');
  await page.getByLabel('Mask blur').fill('8');
  await expect(overlay).toHaveCSS('filter', /^blur\(\d+(\.\d+)?px\)$/);
  await page.getByLabel('Mask blur').fill('0');
  await page.getByTestId('use-as-init').check();
  await saved(page);
  await documentScreenshot(page, 'sketch-layers-mask');

  const sent = new Promise<{ initImage: { pngBase64: string }; mask?: { pngBase64: string }; maskBlur?: number }>(
    (resolve) =>
      void page.route('**/api/generate.submit', async (route) => {
        resolve(route.request().postDataJSON() as never);
        await route.continue();
      }),
  );
  await page.getByTestId('generate-button').click();
  const request = await sent;
  await page.unroute('**/api/generate.submit');
  expect(request.mask).toBeDefined();
  expect(request.maskBlur).toBe(0);
  const large = page.getByTestId('result-large');
  await expect(large).toBeVisible({ timeout: 45_000 });
  const resultUrl = await large.getAttribute('src');
  const result = decode(Buffer.from(await (await page.request.get(new URL(resultUrl!, page.url()).href)).body()));
  const sentInit = decode(Buffer.from(request.initImage.pngBase64, 'base64'));
  const mask = decode(Buffer.from(request.mask!.pngBase64, 'base64'));
  expect([result.width, result.height]).toEqual([width, height]);

  let outsideMax = 0;
  let insideSum = 0;
  let inside = 0;
  let outside = 0;
  for (let p = 0; p < width * height; p++) {
    const diff = Math.max(
      ...[0, 1, 2].map((c) =>
        Math.abs(result.data[p * result.channels + c] - sentInit.data[p * sentInit.channels + c]),
      ),
    );
    if (mask.data[p * mask.channels] > 127) {
      inside++;
      insideSum += diff;
    } else if (mask.data[p * mask.channels] === 0) {
      outside++;
      outsideMax = Math.max(outsideMax, diff);
    }
  }
  const insideMean = insideSum / inside;
  console.log(
    `inpainting: ${inside} px masked (mean change ${insideMean.toFixed(1)}), ${outside} px kept (max change ${outsideMax})`,
  );
  expect(inside).toBeGreaterThan(width * height * 0.1);
  expect(outside).toBeGreaterThan(width * height * 0.5);
  expect(outsideMax).toBeLessThanOrEqual(1);
  expect(insideMean).toBeGreaterThan(8);
  expect(request).not.toHaveProperty('parent');

  // Sketch over the result, paint on it, generate: the new image's parent is the first result, whose own init
  // image is the first sketch, so the gallery shows sketch → result → sketch over result → result.
  await page.getByTestId('sketch-from-result').click();
  await expect(page.getByTestId('base-thumb')).toBeVisible();
  await expect(page.getByTestId('layer-mask')).toContainText('Nothing marked');
  await page.getByTestId('paint-sketch').click();
  await page.getByTestId('brush-size').fill('30');
  await drag(page, [0.2, 0.8], [0.8, 0.8]);
  const second = new Promise<{ parent?: number; mask?: unknown }>(
    (resolve) =>
      void page.route('**/api/generate.submit', async (route) => {
        resolve(route.request().postDataJSON() as never);
        await route.continue();
      }),
  );
  await page.getByTestId('generate-button').click();
  const again = await second;
  expect(again.parent).toBeGreaterThan(0);
  expect(again.mask).toBeUndefined();
  await expect(page.getByTestId('result-thumb')).toHaveCount(2, { timeout: 45_000 });
  await page.getByRole('button', { name: 'Details' }).click();
  const detail = page.getByRole('dialog', { name: 'Image details' });
  const madeFrom = detail.getByRole('region', { name: 'Made from', exact: true });
  await expect(madeFrom.getByRole('button', { name: `Open image ${again.parent}: a red circle` })).toBeVisible();
  await expect(detail.getByRole('img', { name: 'Init for img2img' })).toBeVisible();
  await madeFrom.getByRole('button', { name: /^Open image \d+/ }).click();
  await expect(detail.getByRole('img', { name: 'Init for img2img' })).toBeVisible();
  await expect(detail.getByRole('region', { name: 'Made from', exact: true })).toHaveCount(0);
});

test('a base picture from the file picker or a drop; Shift draws straight lines', async ({ studio }) => {
  const { page } = studio;
  const { width, height } = await openSketch(page);
  await page.getByTestId('base-file').setInputFiles({
    name: 'sand.png',
    mimeType: 'image/png',
    buffer: picture(width, height, sand, sand),
  });
  await expect.poll(() => colourAt(page, 0.25, 0.5).then((c) => near(c, sand))).toBe(true);
  // Dropped on the window while the sketch is shown: the new base (not a PNG to read the settings of).
  const transfer = await page.evaluateHandle(
    (base64) => {
      const dt = new DataTransfer();
      dt.items.add(
        new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'blue.png', { type: 'image/png' }),
      );
      return dt;
    },
    picture(width, height, blue, blue).toString('base64'),
  );
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
  await expect.poll(() => colourAt(page, 0.25, 0.5).then((c) => near(c, blue))).toBe(true);
  await expect(page.getByRole('dialog', { name: /PNG info/ })).toHaveCount(0);

  await page.getByTestId('color-black').click();
  await page.getByTestId('brush-size').fill('12');
  const box = (await page.getByTestId('sketch-canvas').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  // A click, then a Shift-click: a straight line between them.
  await page.mouse.click(...at(0.2, 0.2));
  await page.keyboard.down('Shift');
  await page.mouse.click(...at(0.8, 0.8));
  await page.keyboard.up('Shift');
  await expect.poll(() => colourAt(page, 0.5, 0.5).then((c) => near(c, [0, 0, 0]))).toBe(true);
  // Shift held during a drag that wandered: the stroke becomes the straight line from where it began.
  await page.mouse.move(...at(0.2, 0.8));
  await page.mouse.down();
  await page.mouse.move(...at(0.8, 0.8), { steps: 4 });
  await page.keyboard.down('Shift');
  await page.mouse.move(...at(0.8, 0.2), { steps: 4 });
  await page.mouse.move(...at(0.65, 0.35), { steps: 2 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(() => colourAt(page, 0.425, 0.575).then((c) => near(c, [0, 0, 0]))).toBe(true);
  expect(near(await colourAt(page, 0.5, 0.8), blue)).toBe(true);
  expect(near(await colourAt(page, 0.8, 0.5), blue)).toBe(true);
});

/** Starts recording the gaps between animation frames; the returned function stops and gives the worst. */
async function watchFrames(page: Page): Promise<() => Promise<{ worst: number; longTasks: number[] }>> {
  await page.evaluate(() => {
    const w = window as unknown as { frameWatch: { worst: number; on: boolean; longTasks: number[] } };
    const watch = (w.frameWatch = { worst: 0, on: true, longTasks: [] as number[] });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (watch.on) watch.longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (now: number) => {
      watch.worst = Math.max(watch.worst, now - last);
      last = now;
      if (watch.on) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  return () =>
    page.evaluate(() => {
      const { frameWatch } = window as unknown as { frameWatch: { worst: number; on: boolean; longTasks: number[] } };
      frameWatch.on = false;
      return { worst: frameWatch.worst, longTasks: frameWatch.longTasks };
    });
}

test('the page keeps its frames while a 20-step job runs and the user draws', async ({ studio }) => {
  const { page } = studio;
  await page.getByTestId('prompt').fill('a blue square');
  await page.getByTestId('steps').fill('20');
  await openSketch(page);
  // The user is sketching already: the first stroke's one-time set-up is not part of the job.
  await drag(page, [0.1, 0.05], [0.9, 0.05], 10);
  // What this machine gives an idle page: a machine that drops frames with nothing to do cannot show the bound.
  const idle = await watchFrames(page);
  await page.waitForTimeout(3000);
  const baseline = (await idle()).worst;

  // The studio has just started: this first job also loads the model, measures the providers and fits the model's
  // preview projection, all while the user keeps drawing.
  await page.getByTestId('generate-button').click();
  await page.getByTestId('tab-sketch').click();
  const stop = await watchFrames(page);
  let strokes = 0;
  while ((await page.getByTestId('result-thumb').count()) === 0 && strokes < 200) {
    const y = 0.1 + (strokes % 8) * 0.1;
    await drag(page, [0.1, y], [0.9, y], 10);
    strokes++;
  }
  await expect(page.getByTestId('result-thumb')).toHaveCount(1, { timeout: 45_000 });
  const { worst, longTasks } = await stop();
  console.log(
    `frames: worst gap ${worst.toFixed(1)} ms over ${strokes} strokes during a 20-step job ` +
      `(idle page on this machine: ${baseline.toFixed(1)} ms); main-thread long tasks: ${longTasks.join(', ') || 'none'}`,
  );
  expect(strokes).toBeGreaterThan(2);
  expect(worst).toBeLessThan(50);
});
