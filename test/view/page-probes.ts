// What the viewer's browser test reads from the page (view.browser.test.ts): whether a chart's
// canvas is drawn, and the exact values a counter's row shows.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** True when the canvas has a size and differs from a blank canvas of that size. */
function drawn(canvas: HTMLCanvasElement): boolean {
  const blank = document.createElement('canvas');
  blank.width = canvas.width;
  blank.height = canvas.height;
  return canvas.width > 0 && canvas.height > 0 && canvas.toDataURL() !== blank.toDataURL();
}

/** Charts are drawn when scrolled near; polled from outside, as the page's CSP forbids eval. */
export async function waitDrawn(page: Page, selector: string): Promise<void> {
  const canvas = page.locator(selector).first();
  await canvas.scrollIntoViewIfNeeded();
  await expect.poll(() => canvas.evaluate(drawn), { timeout: 10_000 }).toBe(true);
}

/** The exact values shown for one counter, as [data-value, shown text] per week column. */
export async function cells(
  page: Page,
  program: string,
  counter: string,
): Promise<[string | null, string][]> {
  const row = page.locator(`section[data-program="${program}"] tr[data-counter="${counter}"] td`);
  return row.evaluateAll((tds) =>
    tds.map((cell) => [cell.getAttribute('data-value'), cell.textContent ?? '']),
  );
}
