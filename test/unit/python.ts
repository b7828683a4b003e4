// Training-side tests need Debian's Python with PyTorch (python3-torch); the first python3 on PATH may lack it.
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.BONELENS_PYTHON ?? '/usr/bin/python3';

let available: boolean | undefined;
export function torchAvailable(): boolean {
  available ??= spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (!available) console.warn(`skipping: ${PYTHON} cannot import torch (apt-get install python3-torch)`);
  return available;
}
