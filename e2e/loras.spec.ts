// The LoRA library in the UI: import by file picker, what the file says about itself, use with a strength, delete.
import path from 'node:path';
import { expect, test } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
const kohyaFile = path.join(root, 'src-main', 'engine', 'lora', 'fixtures', 'tiny-kohya.safetensors');

test('loras: import, use at a strength in a job, delete', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('tab', { name: 'LoRAs' }).click();
  await page.getByLabel('LoRA files to import').setInputFiles(kohyaFile);
  const lora = page.getByRole('list', { name: 'LoRAs' }).getByRole('listitem', { name: 'tiny-kohya' });
  await expect(lora).toContainText('SD1');
  await expect(lora).toContainText('UNet 46');
  await expect(lora).toContainText('Trigger words: red circle, tiny');

  const strength = lora.getByRole('slider', { name: 'Strength of tiny-kohya' });
  await expect(strength).toBeDisabled();
  await lora.getByRole('checkbox', { name: 'Use tiny-kohya' }).check();
  await strength.fill('0.5');
  await expect(lora.locator('output')).toHaveText('0.50');

  // The bundled model is not the architecture this LoRA was made for: the job runs and says which keys it ignored.
  await page.getByRole('button', { name: /^(Generate|Queue)/ }).click();
  await expect(page.getByText(/LoRA tiny-kohya .* ignored/).first()).toBeVisible({ timeout: 60_000 });

  await page.getByRole('tab', { name: 'LoRAs' }).click();
  await lora.getByRole('button', { name: 'Delete tiny-kohya' }).click();
  await expect(page.getByText('No LoRAs yet')).toBeVisible();
});
