// `npm run fuzz -- [--count 10000] [--seed 1] [--jobs 2] [--timeout 10000 (CPU ms)] [--only 17,42] [--save DIR] [--no-shared]
//  [--errors N: how many distinct clear error messages to list] [--bombs: every mutant starts from a decompression bomb]`
// Mutates the real DICOM and image fixtures and decodes every mutant through the CLI's decode path in a child
// process with a time limit and a memory cap. Prints a summary; exit status 1 on any crash, timeout, memory
// blow-up or unclear error (the failing mutants are written to --save DIR to reproduce them).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, loadSources, runFuzz } from './fuzz/run';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    start: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10000' },
    memory: { type: 'string', default: '2048' },
    only: { type: 'string' },
    save: { type: 'string' },
    'no-shared': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    errors: { type: 'string', default: '12' },
    bombs: { type: 'boolean', default: false },
  },
});

const sources = await loadSources({ shared: !values['no-shared'] });
const dicomCount = sources.filter((s) => s.kind === 'dicom').length;
process.stderr.write(`fuzz: ${sources.length} sources (${dicomCount} DICOM, ${sources.length - dicomCount} images)\n`);
const count = Number(values.count);
const summary = await runFuzz({
  seed: Number(values.seed),
  count,
  start: Number(values.start),
  only: values.only?.split(',').map(Number),
  jobs: Number(values.jobs),
  timeoutMs: Number(values.timeout),
  memoryLimitMb: Number(values.memory),
  bombs: values.bombs,
  sources,
  onResult: (result, done) => {
    if (result.outcome !== 'decoded' && result.outcome !== 'clear-error') {
      process.stderr.write(`  #${result.index} ${result.outcome} ${result.source} [${result.steps.join('; ')}]: ${result.message}\n`);
    }
    if (!values.quiet && done % 500 === 0) process.stderr.write(`fuzz: ${done}/${values.only ? '?' : count}\n`);
  },
});
process.stdout.write(`${formatSummary(summary, Number(values.errors))}\n`);
if (values.save && summary.failures.length) {
  mkdirSync(values.save, { recursive: true });
  for (const f of summary.failures) writeFileSync(join(values.save, `seed${summary.seed}-${f.index}-${f.outcome}.bin`), f.bytes);
  process.stdout.write(`failing mutants written to ${values.save}\n`);
}
process.exitCode = summary.failures.length ? 1 : 0;
