// Preloaded (node --import) into the CLI by bench/cli-memory.ts: the process's resident memory right after each
// row it prints, written as JSON to $BONELENS_RSS_LOG when it exits.
import { writeFileSync } from 'node:fs';

const log = process.env.BONELENS_RSS_LOG;
if (log) {
  const samples: number[] = [];
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    for (const character of text) if (character === '\n') samples.push(process.memoryUsage.rss());
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.on('exit', () => writeFileSync(log, JSON.stringify(samples)));
}
