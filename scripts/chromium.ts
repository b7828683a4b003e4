// Debian's Chromium, never a downloaded browser (CHROMIUM_PATH overrides where it lives), started so that it
// makes no connection of its own: the e2e tests and the benchmark record every request the app makes.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
