import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser; CHROMIUM_PATH overrides where it lives.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = 4173;

export default defineConfig({
  testDir: 'e2e',
  // model-backed tests run real graph models, possibly on the CPU backend of a busy machine
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}/`,
    browserName: 'chromium',
    serviceWorkers: 'allow',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: true,
    timeout: 300_000,
  },
});
