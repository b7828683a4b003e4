// A phone: a swipe over an image scrolls the page (it does not window), two fingers zoom, nothing is wider than
// the screen, the result comes into view after choosing files, and controls are big enough for a finger.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cardFor, decisions, dropFiles, openApp, requireModels, type DroppedFile } from './helpers';

test.beforeEach(requireModels);
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

const studyFile = async (): Promise<DroppedFile> => ({
  name: 'study_hand_pa.dcm',
  mimeType: 'application/dicom',
  buffer: await readFile(fileURLToPath(new URL('fixtures/dicom/study_hand_pa.dcm', import.meta.url))),
});

type TouchPoint = { x: number; y: number };

/** Moves fingers from `from` to `to` in steps through Chromium's touch input (as a real screen would). */
async function touchGesture(page: Page, from: TouchPoint[], to: TouchPoint[], steps = 12): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const at = (t: number) => from.map((p, i) => ({ x: p.x + (to[i]!.x - p.x) * t, y: p.y + (to[i]!.y - p.y) * t, id: i }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let step = 1; step <= steps; step++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(step / steps) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

const inViewport = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const box = document.querySelector(s)!.getBoundingClientRect();
    return box.top < innerHeight && box.bottom > 0;
  }, selector);

/** Settles smooth scrolling: waits until scrollY stops changing. */
async function scrollSettled(page: Page): Promise<number> {
  let last = -1;
  for (;;) {
    const now = await page.evaluate(() => new Promise<number>((r) => setTimeout(() => r(scrollY), 150)));
    if (now === last) return now;
    last = now;
  }
}

async function dropStudyView(page: Page) {
  await openApp(page);
  await dropFiles(page, [await studyFile()]);
  await decisions(page, 1);
  return cardFor(page, 'study_hand_pa.dcm');
}

test('after choosing a file its result is brought into view', async ({ page }) => {
  const card = await dropStudyView(page);
  await scrollSettled(page);
  expect(await inViewport(page, `#${await card.getAttribute('id')}`)).toBe(true);
});

test('a vertical swipe over the image scrolls the page and leaves window/level alone; pinch zooms', async ({ page }) => {
  const card = await dropStudyView(page);
  await expect(card.getByTestId('active-tool')).toHaveText('Drag: pan');
  const windowValues = await card.getByTestId('window-values').innerText();
  const view = card.getByRole('application');
  await view.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  const before = await scrollSettled(page);
  const box = (await view.boundingBox())!;
  const x = box.x + box.width / 2;
  await touchGesture(page, [{ x, y: box.y + box.height - 20 }], [{ x, y: box.y + 40 }]);
  const after = await scrollSettled(page);
  expect(after).toBeGreaterThan(before + 50);
  await expect(card.getByTestId('window-values')).toHaveText(windowValues);

  // two fingers moving apart zoom in
  const now = (await view.boundingBox())!;
  const centre = { x: now.x + now.width / 2, y: now.y + now.height / 2 };
  await touchGesture(
    page,
    [{ x: centre.x - 30, y: centre.y }, { x: centre.x + 30, y: centre.y }],
    [{ x: centre.x - 90, y: centre.y }, { x: centre.x + 90, y: centre.y }],
  );
  const zoom = card.getByRole('group', { name: 'Zoom' }).locator('output');
  await expect.poll(async () => Number.parseInt(await zoom.innerText(), 10)).toBeGreaterThan(200);
  await expect(card.getByTestId('window-values')).toHaveText(windowValues);
});

test('window/level by drag is a choice on touch, shown on the image', async ({ page }) => {
  const card = await dropStudyView(page);
  await card.getByTestId('tool-window').click();
  await expect(card.getByTestId('active-tool')).toHaveText('Drag: window/level');
  const windowValues = await card.getByTestId('window-values').innerText();
  const view = card.getByRole('application');
  await view.scrollIntoViewIfNeeded();
  const box = (await view.boundingBox())!;
  await touchGesture(page, [{ x: box.x + box.width / 2, y: box.y + box.height / 2 }], [{ x: box.x + box.width / 2 + 60, y: box.y + box.height / 2 + 40 }]);
  await expect(card.getByTestId('window-values')).not.toHaveText(windowValues);
});

test.describe('at 360 px', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('nothing is wider than the screen, touch targets are at least 44 px, no keyboard hints', async ({ page }) => {
    await dropStudyView(page);
    await page.getByText('About the models (model card)').click();
    await page.getByTestId('model-card').getByText('Technical details').click();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const smallTargets = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, select, summary, a[href], input:not([type="checkbox"]):not([type="radio"])')]
          .filter((el) => el.offsetParent !== null)
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.height < 44 || box.width < 44)
          .map(({ el, box }) => `${el.tagName} "${el.textContent?.trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`),
      );
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expect(page.getByText('Ctrl+V')).toBeHidden();
    expect(await smallTargets()).toEqual([]);

    // the gallery, an open case, the quiz (no key hints) and the reader study
    await page.goto('/#examples');
    await expect(page.getByTestId('case-grid')).toBeVisible();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await smallTargets()).toEqual([]);
    await page.getByTestId('case-tile').first().click();
    await expect(page.getByTestId('case-view').getByTestId('comparison')).toHaveAttribute('data-agreement', /^(agree|disagree|uncertain|error)$/);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await smallTargets()).toEqual([]);
    await page.getByTestId('mode-quiz').click();
    await expect(page.getByTestId('call-normal')).toBeVisible();
    await expect(page.getByTestId('call-normal').locator('kbd')).toBeHidden();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId('mode-study').click();
    await expect(page.getByTestId('reader-study')).toBeVisible();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
