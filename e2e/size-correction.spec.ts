// A size the engine cannot take is corrected when the field is left, and the page says what it became and why.
import { expect, test } from './support/fixtures';

test('a corrected width or height says what it became and why, next to the field', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByTestId('status-bar')).toHaveAttribute('data-state', 'ready');
  // The model's own size is applied when it has loaded: correct sizes after that, as a person would.
  await expect(page.getByRole('button', { name: /^Generate/ })).toBeEnabled();
  const width = page.getByLabel('Width', { exact: true });
  const height = page.getByLabel('Height', { exact: true });

  await width.fill('100');
  await width.blur();
  await expect(width).toHaveValue('104');
  await expect(width).toHaveAccessibleDescription('Rounded to 104: sizes are multiples of 8');
  await expect(page.getByRole('status').filter({ hasText: 'Rounded to 104' })).toBeVisible();

  await height.fill('5000');
  await height.blur();
  await expect(height).toHaveValue('2048');
  await expect(height).toHaveAccessibleDescription('Capped at 2048 (the largest size)');
  await expect(page.getByRole('status').filter({ hasText: 'Capped at 2048 (the largest size)' })).toBeVisible();

  // Typing again withdraws the note; a size that needs no correction gets none.
  await width.fill('512');
  await width.blur();
  await expect(width).toHaveValue('512');
  await expect(width).toHaveAccessibleDescription('');
  await expect(page.getByText('Rounded to 104')).toHaveCount(0);
});
