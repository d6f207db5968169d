// The step preview a person watches looks like the image it becomes: the last preview shown during a 20-step job,
// scaled to the result's size as the page shows it, against the result itself (mean absolute difference, 0–255).
import { expect, test } from './support/fixtures';

/**
 * Bound on the mean absolute difference between the last preview and the result, per 8-bit channel, whichever way
 * the preview was made: a VAE decode of x̂₀ (when it fits 15 % of the job) lands under 1, the model's fitted patch
 * projection (otherwise) at 22–26 on the bundled model.
 */
const MAX_MEAN_DIFFERENCE = 30;

test('the preview at the last step resembles the final image', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('prompt').fill('a red circle');
  await page.getByTestId('steps').fill('20');
  await page.getByTestId('seed-input').fill('77');
  // Every preview the page shows, with the step it was shown at.
  await page.evaluate(() => {
    const seen: { step: string; src: string }[] = [];
    (window as unknown as { previews: typeof seen }).previews = seen;
    new MutationObserver(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="progress-preview"]');
      const step = document.querySelector('[data-testid="progress-step"]')?.textContent ?? '';
      if (img && seen.at(-1)?.src !== img.src) seen.push({ step, src: img.src });
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
  });
  await page.getByTestId('generate-button').click();
  const result = page.getByTestId('result-large');
  await expect(result).toBeVisible({ timeout: 60_000 });

  const measured = await page.evaluate(
    async (resultSrc) => {
      const previews = (window as unknown as { previews: { step: string; src: string }[] }).previews;
      const load = (src: string) =>
        new Promise<HTMLImageElement>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => reject(new Error(`cannot load ${src.slice(0, 40)}`));
          img.src = src;
        });
      const final = await load(resultSrc);
      const pixels = async (src: string) => {
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [final.naturalWidth, final.naturalHeight];
        const ctx = canvas.getContext('2d')!;
        // As the page shows a preview: scaled smoothly to the result's size (previews are that size already).
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(await load(src), 0, 0, canvas.width, canvas.height);
        return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      };
      const last = previews.at(-1)!;
      const [a, b] = [await pixels(last.src), await pixels(resultSrc)];
      let sum = 0;
      let count = 0;
      for (let i = 0; i < a.length; i += 4) {
        for (let c = 0; c < 3; c++) sum += Math.abs(a[i + c] - b[i + c]);
        count += 3;
      }
      return { previews: previews.length, lastStep: last.step, mean: sum / count };
    },
    (await result.getAttribute('src'))!,
  );
  console.log(
    `last preview (${measured.lastStep}, ${measured.previews} previews shown) vs result: ` +
      `mean absolute difference ${measured.mean.toFixed(2)} / 255`,
  );
  expect(measured.previews).toBeGreaterThan(1);
  expect(measured.mean).toBeLessThan(MAX_MEAN_DIFFERENCE);
});
