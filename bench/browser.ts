// Headless Debian Chromium with a fresh profile each time (nothing cached between measurements).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';

export interface FreshBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function freshBrowser(): Promise<FreshBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'bonelens-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
