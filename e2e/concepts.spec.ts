// The concept library in the UI: import by drop, the panel, triggers in the prompt, what a generation used.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { documentScreenshot, expect, test } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
const heartFile = path.join(root, 'models', 'tiny-shapes', 'concepts', 'heart.safetensors');
const triStyleFile = path.join(root, 'src-main', 'concepts', 'fixtures', 'tri-style.pt');

/** Drops files on the window as a file manager would. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, data: [...f.bytes] }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) transfer.items.add(new File([new Uint8Array(item.data)], item.name));
    return transfer;
  }, payload);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

async function generateAndWait(page: Page, count: number): Promise<void> {
  await page.getByRole('button', { name: /^(Generate|Queue)/ }).click();
  await expect(page.getByRole('tab', { name: /Results/ })).toContainText(String(count), { timeout: 60_000 });
  await expect(page.getByTestId('result-large')).toBeVisible();
}

test('concepts: drop import with preview, prompt autocomplete and marks, results, disable, rename, undo', async ({
  studio,
}) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');

  // Dropping the bundled heart embedding imports it and shows the library with a preview from the chosen model.
  await dropFiles(page, [{ name: 'heart.safetensors', bytes: readFileSync(heartFile) }]);
  await expect(page.getByRole('tab', { name: 'Concepts' })).toHaveAttribute('aria-selected', 'true');
  const library = page.getByRole('list', { name: 'Concepts', exact: true });
  const heart = library.getByRole('listitem', { name: 'heart' });
  await expect(heart).toBeVisible();
  await expect(heart.getByRole('img', { name: 'Preview of heart' })).toBeVisible();
  await expect(heart.getByRole('img', { name: 'Preview of heart' })).toHaveJSProperty('complete', true);
  expect(
    await heart.getByRole('img', { name: 'Preview of heart' }).evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBeGreaterThan(0);
  await expect(heart).toContainText('× 256');
  await expect(heart).toContainText('Fits tiny-shapes');
  await expect(page.getByRole('status', { name: 'Import summary' })).toContainText('Imported 1 concept: heart');

  // A file picker import of an SD-incompatible (32-wide) embedding: listed, marked as fitting no model.
  await page.getByLabel('Concept files to import').setInputFiles(triStyleFile);
  const tri = library.getByRole('listitem', { name: 'tri-style' });
  await expect(tri).toContainText('Fits no installed model (needs width 32)');
  await expect(tri.getByText('No preview')).toBeVisible();
  await documentScreenshot(page, 'concepts-panel');

  // Renaming onto a taken trigger is refused with the service's words.
  await tri.getByRole('button', { name: 'Rename tri-style' }).click();
  await tri.getByRole('textbox', { name: 'New trigger for tri-style' }).fill('HEART');
  await tri.getByRole('button', { name: 'Save' }).click();
  await expect(tri.getByRole('alert')).toHaveText('the trigger "HEART" is taken by another concept (conflict)');
  await tri.getByRole('button', { name: 'Cancel' }).click();

  // Delete to the trash, then undo.
  await tri.getByRole('button', { name: 'Delete tri-style' }).click();
  await expect(tri).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo delete' }).click();
  await expect(library.getByRole('listitem', { name: 'tri-style' })).toBeVisible();

  // Typing part of the trigger offers it; Enter takes it; the trigger is then highlighted and counted.
  const prompt = page.getByRole('combobox', { name: 'Prompt', exact: true });
  await prompt.click();
  await prompt.pressSequentially('a red hea');
  const options = page.getByRole('listbox', { name: 'Concepts for Prompt' });
  await expect(options.getByRole('option', { name: /heart/ })).toBeVisible();
  await expect(prompt).toHaveAttribute('aria-expanded', 'true');
  await prompt.press('Enter');
  await expect(prompt).toHaveValue('a red heart ');
  await expect(options).toBeHidden();
  const chips = page.getByRole('list', { name: 'Concepts in Prompt' });
  await expect(chips.getByRole('listitem')).toHaveText([/heart\s+\d+ vectors?/]);
  await expect(page.locator('mark.ok')).toHaveText('heart');
  // Escape closes the list without taking anything.
  await prompt.pressSequentially('tri');
  await expect(options.getByRole('option')).toHaveText([/tri-style\s+width 32, but this model needs 256/]);
  await documentScreenshot(page, 'prompt-trigger');
  await prompt.press('Escape');
  await expect(options).toBeHidden();
  await expect(prompt).toHaveValue('a red heart tri');
  await prompt.fill('a red heart');
  await page.getByTestId('steps').fill('4');

  // The result says which concepts it used.
  await generateAndWait(page, 1);
  await expect(page.getByRole('list', { name: 'Concepts used' }).getByRole('listitem')).toHaveText(['heart']);

  // Disabled: the trigger is marked in the prompt, and the next generation does not use it.
  await page.getByRole('tab', { name: 'Concepts' }).click();
  await heart.getByRole('switch', { name: /Enabled/ }).uncheck();
  await expect(heart.getByRole('switch', { name: /Enabled/ })).not.toBeChecked();
  await expect(chips.getByRole('listitem')).toHaveText([/heart\s+disabled: not used/]);
  await generateAndWait(page, 2);
  await expect(page.getByTestId('result-prompt')).toHaveText('a red heart');
  await expect(page.getByRole('list', { name: 'Concepts used' })).toHaveCount(0);

  // Insert puts the trigger where the caret was.
  await page.getByRole('tab', { name: 'Concepts' }).click();
  await heart.getByRole('switch', { name: /Enabled/ }).check();
  await prompt.fill('a red  on blue');
  await prompt.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6));
  await prompt.blur();
  await heart.getByRole('button', { name: 'Insert heart into the prompt' }).click();
  await expect(prompt).toHaveValue('a red heart on blue');
});
