// Opens the local stack's page in headless Chromium, waits until it has polled the stack a few times, and
// prints as one JSON object what it shows: the numbers of its tiles, the rows of its table, where each chart
// is and which series it drew, its text, and any error it raised. It saves a full-page screenshot, whose
// pixels LocalPageIT checks. Nothing is judged here; the Java test asserts.
//
// Usage: node local-page.mjs <page url> <screenshot.png>     (CHROMIUM overrides /usr/bin/chromium)
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node local-page.mjs <page url> <screenshot.png>');
  process.exit(2);
}
const POLLS = 2; // the queue chart needs samples over time, not one

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', error => errors.push(`page error: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error') {
      errors.push(`console error: ${message.text()}`);
    }
  });
  page.on('requestfailed', request => errors.push(`request failed: ${request.url()}`));

  const response = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForFunction(polls => Number(document.getElementById('status')?.dataset.polls) >= polls,
    POLLS, { timeout: 15000 });

  const shown = await page.evaluate(() => ({
    polls: Number(document.getElementById('status').dataset.polls),
    status: document.getElementById('status').textContent,
    outputs: Object.fromEntries([...document.querySelectorAll('output[id]')].map(o => [o.id, o.textContent])),
    rows: [...document.querySelectorAll('#recent tbody tr')].map(row => ({
      kind: row.dataset.kind,
      cells: [...row.cells].map(cell => cell.textContent),
    })),
    charts: [...document.querySelectorAll('canvas')].map(canvas => {
      const box = canvas.getBoundingClientRect();
      return {
        id: canvas.id,
        box: { x: Math.round(box.left + window.scrollX), y: Math.round(box.top + window.scrollY),
               width: Math.round(box.width), height: Math.round(box.height) },
        series: JSON.parse(canvas.dataset.series ?? '[]'),
      };
    }),
    text: document.body.innerText,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ url, httpStatus: response.status(), ...shown, errors, screenshot }));
} finally {
  await browser.close();
}
