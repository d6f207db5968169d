import type { Page } from '@playwright/test';
import { documentScreenshot, expect, test } from './support/fixtures';

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
}

async function generate(page: Page, prompt: string, batch: number, expected: number): Promise<void> {
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('steps').fill('6');
  await page.getByTestId('batch').fill(String(batch));
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('result-thumb')).toHaveCount(expected, { timeout: 60_000 });
}

test('generated images are in the gallery after a reload: search, select, rate, trash and undo', async ({ studio }) => {
  test.setTimeout(180_000);
  const { page } = studio;
  await page.setViewportSize({ width: 1280, height: 800 });
  await ready(page);
  await generate(page, 'a red circle on a blue background', 3, 3);
  await generate(page, 'a green square in the snow', 3, 6);

  // The Results strip is the gallery's latest images: a reload keeps them.
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('result-thumb')).toHaveCount(6);

  await page.getByRole('tab', { name: 'Gallery' }).click();
  const grid = page.getByRole('listbox', { name: 'Gallery' });
  const images = grid.getByRole('option');
  await expect(images).toHaveCount(6);
  await expect(page.getByTestId('gallery-count')).toHaveText('6 images');
  // Newest first.
  await expect(images.first()).toHaveAccessibleName(/green square/);

  // Search: a word of one prompt finds only its images; the count follows.
  const search = page.getByRole('searchbox', { name: 'Search prompts' });
  await search.fill('snow');
  await expect(images).toHaveCount(3);
  await expect(page.getByTestId('gallery-count')).toHaveText('3 images');
  for (const name of await images.evaluateAll((all) => all.map((o) => o.getAttribute('aria-label')))) {
    expect(name).toContain('green square');
  }
  await search.fill('-snow');
  await expect(images).toHaveCount(3);
  await expect(images.first()).toHaveAccessibleName(/red circle/);
  await search.fill('');
  await expect(images).toHaveCount(6);

  // Keyboard: arrows, F favourites, 1–5 rate, Enter opens, Esc closes, / finds.
  await images.first().click();
  await expect(images.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(images.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(images.first()).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('f');
  await expect(images.nth(1)).toHaveAccessibleName(/favourite/);
  await page.keyboard.press('4');
  await expect(images.nth(1)).toHaveAccessibleName(/4 of 5/);
  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog', { name: 'Image details' });
  await expect(detail).toBeVisible();
  await expect(detail.getByText(/green square/).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  await expect(grid).toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();

  // Facets: favourites only.
  await page.getByTestId('filter-favorites').click();
  await expect(images).toHaveCount(1);
  await page.getByTestId('filter-favorites').click();
  await expect(images).toHaveCount(6);

  // Many at once: Shift-click a range, Ctrl-click one more, then a board for them.
  await images.nth(0).click();
  await images.nth(2).click({ modifiers: ['Shift'] });
  await images.nth(4).click({ modifiers: ['ControlOrMeta'] });
  const bar = page.getByRole('toolbar', { name: 'Selected images' });
  await expect(bar).toContainText('4 selected');
  await page.getByRole('textbox', { name: 'New board name' }).fill('Keepers');
  await page.getByRole('button', { name: 'Create board' }).click();
  const boards = page.getByRole('navigation', { name: 'Boards' });
  await expect(boards.getByRole('button', { name: /Keepers\s*0/ })).toBeVisible();
  await bar.getByRole('combobox', { name: 'Add to board' }).selectOption({ label: 'Keepers' });
  await expect(boards.getByRole('button', { name: /Keepers\s*4/ })).toBeVisible();
  await documentScreenshot(page, 'gallery-grid');

  // A tag for the selection, then found through its facet; export writes the PNG files and says where.
  await bar.getByRole('textbox', { name: 'Tag to add' }).fill('shapes');
  await bar.getByRole('button', { name: 'Tag' }).click();
  await bar.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(
    page.getByTestId('notice').filter({ hasText: 'Exported 4 PNG files with their settings to' }),
  ).toContainText('/exports/');
  await page.getByRole('combobox', { name: 'Tag' }).selectOption({ label: 'shapes (4)' });
  await expect(images).toHaveCount(4);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(images).toHaveCount(6);

  // Ctrl+A selects everything; Escape clears.
  await grid.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await expect(bar).toContainText('6 selected');
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);

  // Delete moves to the trash; Undo brings it back.
  await images.first().click();
  await page.keyboard.press('Delete');
  await expect(images).toHaveCount(5);
  await expect(page.getByTestId('gallery-count')).toHaveText('5 images');
  await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
  await expect(images).toHaveCount(6);

  // Trash, then restore from the trash view.
  await images.first().click();
  await bar.getByRole('button', { name: 'Move to trash' }).click();
  await expect(images).toHaveCount(5);
  await boards.getByRole('button', { name: /Trash/ }).click();
  await expect(images).toHaveCount(1);
  await images.first().click();
  await page.getByRole('toolbar', { name: 'Selected images' }).getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('The trash is empty.')).toBeVisible();
  await boards.getByRole('button', { name: /All images/ }).click();
  await expect(images).toHaveCount(6);

  // Emptying the trash asks first.
  await images.first().click();
  await page.keyboard.press('Delete');
  await expect(images).toHaveCount(5);
  await boards.getByRole('button', { name: /Trash/ }).click();
  await expect(images).toHaveCount(1);
  await page.getByRole('button', { name: 'Empty trash…' }).click();
  const ask = page.getByRole('alertdialog', { name: /for good/ });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(images).toHaveCount(1);
  await page.getByRole('button', { name: 'Empty trash…' }).click();
  await ask.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByText('The trash is empty.')).toBeVisible();
  await boards.getByRole('button', { name: /All images/ }).click();
  await expect(images).toHaveCount(5);
  await expect(page.getByTestId('gallery-count')).toHaveText('5 images');
});

test('a new image appears in an open gallery as its job finishes', async ({ studio }) => {
  test.setTimeout(120_000);
  const { page } = studio;
  await ready(page);
  await page.getByRole('tab', { name: 'Gallery' }).click();
  await expect(page.getByTestId('gallery-count')).toHaveText('0 images');
  await page.getByTestId('prompt').fill('a lonely yellow star');
  await page.getByTestId('steps').fill('6');
  await page.getByTestId('generate-button').click();
  // Generating shows the progress under Results; the gallery, opened again, takes the image as it is saved.
  await expect(page.getByRole('tab', { name: /Results/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Gallery' }).click();
  await expect(page.getByRole('listbox', { name: 'Gallery' }).getByRole('option')).toHaveCount(1, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('gallery-count')).toHaveText('1 image');
});
