// A 2048 x 2500, 12-bit-in-16 radiograph in each DICOM transfer syntax, made with Debian's dcmtk and gdcm
// (as scripts/make-dicom-fixtures.sh does at small size) into bench/cache/dicom/. Cached between runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export const DICOM_COLUMNS = 2048;
export const DICOM_ROWS = 2500;
const BITS_STORED = 12;

export interface DicomInput {
  /** transfer syntax, as printed */
  syntax: string;
  file: string;
  /** target for its decode time, ms */
  targetMs: number;
}

const TARGET_MS = 100;
const JPEG2000_TARGET_MS = 300;

/** name, file, tool invocation (input path, output path) -> argv */
const SYNTAXES: { syntax: string; file: string; targetMs: number; command: (input: string, output: string) => string[] }[] = [
  { syntax: 'Explicit VR Little Endian', file: 'explicit_le.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmconv', '+te', i, o] },
  { syntax: 'Implicit VR Little Endian', file: 'implicit_le.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmconv', '+ti', i, o] },
  { syntax: 'Explicit VR Big Endian', file: 'explicit_be.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmconv', '+tb', i, o] },
  { syntax: 'Deflated Explicit VR LE', file: 'deflated.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmconv', '+td', i, o] },
  { syntax: 'RLE Lossless', file: 'rle.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmcrle', i, o] },
  { syntax: 'JPEG Lossless SV1', file: 'jpeg_lossless_sv1.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmcjpeg', '+e1', i, o] },
  { syntax: 'JPEG Extended (12-bit)', file: 'jpeg_extended.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmcjpeg', '+ee', i, o] },
  { syntax: 'JPEG-LS Lossless', file: 'jpegls_lossless.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmcjpls', '+el', i, o] },
  { syntax: 'JPEG-LS Near-Lossless', file: 'jpegls_near_lossless.dcm', targetMs: TARGET_MS, command: (i, o) => ['dcmcjpls', '+en', '+md', '2', i, o] },
  { syntax: 'JPEG 2000 Lossless', file: 'j2k_lossless.dcm', targetMs: JPEG2000_TARGET_MS, command: (i, o) => ['gdcmconv', '--j2k', i, o] },
  { syntax: 'JPEG 2000 (lossy)', file: 'j2k_lossy.dcm', targetMs: JPEG2000_TARGET_MS, command: (i, o) => ['gdcmconv', '--j2k', '--lossy', '-q', '85', i, o] },
];

const TOOLS = ['gdcmimg', 'dcmodify', 'dcmconv', 'dcmcrle', 'dcmcjpeg', 'dcmcjpls', 'gdcmconv'];

function missingTools(): string[] {
  return TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

function runTool(argv: string[]): void {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

/**
 * 12-bit pixels from a real radiograph, upscaled to the size of a CR plate, with a little deterministic
 * noise (an upscaled JPEG alone is unrealistically smooth and would flatter the lossless codecs).
 */
async function radiograph12Bit(sourceImage: string): Promise<Buffer> {
  const gray = await sharp(sourceImage)
    .grayscale()
    .resize(DICOM_COLUMNS, DICOM_ROWS, { fit: 'cover', kernel: 'cubic' })
    .raw()
    .toBuffer();
  const out = Buffer.alloc(gray.length * 2);
  const max = 2 ** BITS_STORED - 1;
  let state = 12345;
  for (let i = 0; i < gray.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0; // an LCG: the same file on every machine
    const noise = ((state >>> 16) % 17) - 8;
    out.writeUInt16LE(Math.min(max, Math.max(0, gray[i]! * 16 + noise)), 2 * i);
  }
  return out;
}

/** Returns the inputs, making them when any is missing; `skipped` with the reason when the tools are not installed. */
export async function dicomInputs(folder: string, sourceImage: string): Promise<{ inputs: DicomInput[] } | { skipped: string }> {
  const wanted = SYNTAXES.map((s) => ({ syntax: s.syntax, file: join(folder, s.file), targetMs: s.targetMs }));
  if (wanted.every((input) => existsSync(input.file))) return { inputs: wanted };
  const missing = missingTools();
  if (missing.length > 0) return { skipped: `missing ${missing.join(', ')} (apt-get install dcmtk libgdcm-tools)` };

  await mkdir(folder, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'bonelens-bench-dicom-'));
  try {
    const raw = join(work, 'pixels.raw');
    await writeFile(raw, await radiograph12Bit(sourceImage));
    const base = join(work, 'base.dcm');
    runTool(['gdcmimg', '--size', `${DICOM_COLUMNS},${DICOM_ROWS}`, '--depth', '16', '--pf', `16,${BITS_STORED},${BITS_STORED - 1}`, '--sign', '0', '-i', raw, '-o', base]);
    runTool(['dcmodify', '-nb', '-i', 'Modality=CR', '-i', 'WindowCenter=2048', '-i', 'WindowWidth=4096', base]);
    for (const { file, command } of SYNTAXES) runTool(command(base, join(folder, file)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { inputs: wanted };
}
