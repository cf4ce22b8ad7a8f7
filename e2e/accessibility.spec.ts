import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** WCAG 2.1 A and AA rules, run by axe-core in the real page (it pierces the element's shadow root). */
async function expectNoViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the checkout, a field error and the result screen have no accessibility violations', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Single-origin beans, 1 kg' }).click();
  await expect(page.getByRole('radio', { name: /Payment card/ })).toBeVisible();
  await expectNoViolations(page);

  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('not valid!');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('textbox', { name: 'Status' })).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page);

  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expectNoViolations(page);
});

test('the methods can be chosen and paid with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Ceramic pour-over set' }).click();
  const card = page.getByRole('radio', { name: /Payment card/ });
  await expect(card).toBeVisible();
  await card.focus();
  await page.keyboard.press('Space');
  await expect(card).toBeChecked();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: /^Test/ })).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(card).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Pay $48.00' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/simulators\/milkypay\/hpp\//);
});

test('the card frame, empty and with errors, has no accessibility violations (axe runs inside the frame too)', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  const frame = page.frameLocator('iframe[title="Card details"]');
  await expect(frame.getByRole('textbox', { name: 'Card number' })).toBeVisible();
  await expect(frame.getByRole('textbox', { name: 'Card number' })).toHaveAttribute('autocomplete', 'cc-number');
  await expect(frame.getByRole('textbox', { name: 'Expiry date' })).toHaveAttribute('autocomplete', 'cc-exp');
  await expect(frame.getByRole('textbox', { name: 'Security code' })).toHaveAttribute('autocomplete', 'cc-csc');
  await expect(frame.getByRole('textbox', { name: 'Name on card' })).toHaveAttribute('autocomplete', 'cc-name');
  await expectNoViolations(page);

  await frame.getByRole('textbox', { name: 'Card number' }).fill('4111 1111 1111 1112');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(frame.getByRole('textbox', { name: 'Card number' })).toHaveAccessibleDescription(/Visa.*Enter a valid card number\./);
  await expectNoViolations(page);
  // axe really looked inside the frame: its rules ran on the card inputs.
  const results = await new AxeBuilder({ page }).withRules(['label']).analyze();
  expect(results.passes.flatMap((rule) => rule.nodes.map((node) => node.target.join(' '))).filter((target) => target.includes('#card-'))).toHaveLength(4);
});
