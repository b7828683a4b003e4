// The predict CLI spawned as a user runs it (through tsx), for the CLI tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './models';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO_ROOT, 'cli', 'predict.ts');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run predict -- ...args` and returns its exit status and output, whatever the status. */
export async function predict(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CLI, ...args], { cwd: REPO_ROOT, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as Run;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}
