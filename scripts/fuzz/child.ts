// One fuzz worker process: decodes the bytes it is sent through the same function the CLI uses
// (src/decode/node.ts decodeImageBytes) and says what happened. The parent kills it on a timeout or when its
// memory grows past the cap, and starts another.
import { decodeImageBytes } from '../../src/decode/node';
import { judgeError, judgeFrames, type Judgement } from './classify';

interface Job {
  index: number;
  bytes: Uint8Array;
}

function send(message: unknown): void {
  process.send?.(message);
}

process.on('message', async (job: Job) => {
  const started = performance.now();
  let judgement: Judgement;
  try {
    const { frames } = await decodeImageBytes(new Uint8Array(job.bytes));
    judgement = judgeFrames(frames);
  } catch (thrown) {
    judgement = judgeError(thrown);
  }
  send({ index: job.index, ...judgement, ms: performance.now() - started, rss: process.memoryUsage().rss });
});

send({ ready: true });
