// A stand-in for scripts/fuzz/child.ts that misbehaves on purpose, by mutant index, so that the fuzz harness's
// own detection of hangs, crashes, runaway memory and unclear errors is tested.
import { judgeError } from '../../../scripts/fuzz/classify';

const hoard: Uint8Array[] = [];

process.on('message', (job: { index: number }) => {
  const reply = (outcome: string, message: string) =>
    process.send?.({ index: job.index, outcome, message, ms: 0, rss: process.memoryUsage().rss });
  switch (job.index) {
    case 0: // hangs
      for (;;);
    case 1: // dies
      process.exit(3);
    case 2: // allocates without bound (touching every page, so that it is resident)
      for (;;) hoard.push(new Uint8Array(32 << 20).fill(1));
    case 3:
      return reply(judgeError(new TypeError("Cannot read properties of undefined (reading 'length')")).outcome, 'TypeError');
    default:
      return reply('decoded', '1x1');
  }
});

process.send?.({ ready: true });
