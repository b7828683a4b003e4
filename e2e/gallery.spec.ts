// The example gallery and quiz, used the way a teacher would: offline after one visit, every request
// staying on our origin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type Request, type TestInfo } from '@playwright/test';
import { openApp, requireModels, waitForModels } from './helpers';

test.beforeEach(requireModels);

const CASES: { id: string; labels: { bodyPart: string } }[] = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/examples/cases.json', import.meta.url)), 'utf8'),
).cases;
const FINISHED = /^(agree|disagree|uncertain|error)$/;

/** Screenshots for a human look: under the test's output folder, or GALLERY_SCREENSHOTS when set. */
const shot = (testInfo: TestInfo, name: string) =>
  process.env.GALLERY_SCREENSHOTS ? join(process.env.GALLERY_SCREENSHOTS, name) : testInfo.outputPath(name);

async function goOfflineAfterFirstVisit(page: Page): Promise<void> {
  await openApp(page);
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated') {
      await new Promise<void>((resolve) => registration.active!.addEventListener('statechange', () => resolve()));
    }
  });
  await page.context().setOffline(true);
  await page.reload();
  await waitForModels(page);
}

test('offline: open the gallery, run a case, answer three quiz cases and see the score; nothing leaves the origin', async ({
  page,
  context,
  baseURL,
}, testInfo) => {
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  await goOfflineAfterFirstVisit(page);
  try {
    // browse: every case is listed, and the filters narrow it down
    await page.getByTestId('open-gallery').click();
    const tiles = page.getByTestId('case-tile');
    await expect(tiles).toHaveCount(CASES.length);
    await page.getByTestId('filter-part').selectOption('hand');
    await expect(tiles).toHaveCount(CASES.filter((c) => c.labels.bodyPart === 'hand').length);
    await page.getByTestId('filter-label').selectOption('abnormal');
    const handAbnormal = await tiles.count();
    expect(handAbnormal).toBeGreaterThan(0);
    await expect(page.getByText(`${handAbnormal} of ${CASES.length} cases`)).toBeVisible();
    await page.screenshot({ path: shot(testInfo, 'gallery-grid.png'), fullPage: true });

    // a case runs through the normal pipeline: same result card, decision, heatmap, and a verdict
    await tiles.first().click();
    const view = page.getByTestId('case-view');
    await expect(view.getByTestId('comparison')).toHaveAttribute('data-agreement', FINISHED);
    await expect(view.getByTestId('reference')).toHaveText('Abnormal');
    const card = view.getByTestId('result-card');
    await expect(card).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal|unsupported)$/);
    await expect(view.getByTestId('teaching-note')).not.toBeEmpty();
    await expect(view.getByTestId('split')).toContainText(/split/);
    if ((await card.getAttribute('data-decision')) !== 'unsupported') {
      // off until asked for, as on every card
      await expect(card.getByTestId('heatmap-canvas')).toHaveCount(0);
      const toggle = card.getByRole('checkbox', { name: 'Heatmap' });
      await toggle.check();
      await expect(card.getByTestId('heatmap-canvas')).toBeVisible();
      await toggle.blur(); // the arrow keys below are the case browser's, not the checkbox's
    }
    await page.screenshot({ path: shot(testInfo, 'gallery-case.png'), fullPage: true });

    // the arrow keys move between the filtered cases; the presenter view enlarges the case
    const first = await view.getAttribute('data-case');
    await page.keyboard.press('ArrowRight');
    await expect(view).not.toHaveAttribute('data-case', first!);
    await expect(view.getByTestId('comparison')).toHaveAttribute('data-agreement', FINISHED);
    await view.getByTestId('presenter').click();
    await expect(view).toHaveClass(/presenter/);
    await page.screenshot({ path: shot(testInfo, 'gallery-presenter.png') });
    await page.keyboard.press('Escape');
    await expect(view).not.toHaveClass(/presenter/);

    // quiz, from the keyboard: labels and model output hidden until the learner answers
    await page.getByTestId('mode-quiz').click();
    const quiz = page.getByTestId('quiz');
    await quiz.getByTestId('quiz-reset').click();
    await expect(quiz.getByTestId('quiz-score')).toHaveAttribute('data-answered', '0');
    let learnerRight = 0;
    for (const [i, key] of ['n', 'a', 'n'].entries()) {
      await expect(quiz.getByTestId('comparison')).toHaveCount(0);
      await expect(quiz.getByTestId('result-card')).toHaveCount(0);
      if (i === 1) await quiz.getByTestId('quiz-image').click({ position: { x: 40, y: 60 } }); // optional mark
      // the first call is committed before the model's output shows; the reference stays hidden until the final call
      await page.keyboard.press(i === 2 ? 'a' : key);
      await expect(quiz.getByTestId('model-output')).toBeVisible();
      await expect(quiz.getByTestId('comparison')).toHaveCount(0);
      await page.keyboard.press(i === 2 ? 'n' : 'Enter'); // the third case: the first call revised after seeing the model
      await expect(quiz.getByTestId('comparison')).toHaveAttribute('data-agreement', FINISHED);
      await expect(quiz.getByTestId('heatmap-canvas').or(quiz.getByTestId('quiz-image'))).not.toHaveCount(0);
      if (i === 1) await expect(quiz.getByTestId('quiz-mark')).toBeVisible();
      const verdict = quiz.getByTestId('learner-verdict');
      await expect(verdict).toContainText(key === 'n' ? 'You said Normal' : 'You said Abnormal');
      if ((await verdict.getAttribute('class'))?.includes('right')) learnerRight += 1;
      await expect(quiz.getByTestId('quiz-score')).toHaveAttribute('data-answered', String(i + 1));
      if (i === 1) await page.screenshot({ path: shot(testInfo, 'quiz-reveal.png'), fullPage: true });
      await page.keyboard.press('Enter');
    }
    await expect(quiz.getByTestId('score-learner')).toHaveText(`You: ${learnerRight} of 3 correct`);
    await expect(quiz.getByTestId('score-model')).toHaveText(/^Model: [0-3] of 3 correct( \([1-3] uncertain\))?$/);

    // the score is kept across a reload, and reset clears it
    await page.reload();
    await page.getByTestId('mode-quiz').waitFor();
    await expect(page.getByTestId('quiz-score')).toHaveAttribute('data-answered', '3');
    await page.getByTestId('quiz-reset').click();
    await expect(page.getByTestId('quiz-score')).toHaveAttribute('data-answered', '0');
  } finally {
    await context.setOffline(false);
  }

  const origin = new URL(baseURL!).origin;
  for (const request of requests) {
    const url = new URL(request.url());
    if (url.protocol !== 'blob:' && url.protocol !== 'data:') expect(url.origin, request.url()).toBe(origin);
    expect(request.method(), request.url()).toBe('GET');
  }
});
