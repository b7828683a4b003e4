// Finds the images to analyse: given files as they are, folders walked recursively in sorted order.
import { open, opendir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { detectFormat } from '../src/decode/node';
import { checkFileSize, fileSizeProblem } from '../src/pipeline/limits';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.dcm', '.dicom']);
const PART10_HEAD = 132;

async function sniffsAsDicom(path: string): Promise<boolean> {
  if (fileSizeProblem((await stat(path)).size)) {
    // too large to read whole: its preamble decides, and the row then says why it is refused
    const handle = await open(path);
    try {
      const head = new Uint8Array(PART10_HEAD);
      await handle.read(head, 0, PART10_HEAD, 0);
      return String.fromCharCode(...head.subarray(128)) === 'DICM';
    } finally {
      await handle.close();
    }
  }
  // the whole file: a dataset without the preamble is only recognised by parsing it
  const bytes = await readFile(path);
  return detectFormat(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 'dicom';
}

/** A file's bytes, once its size is known to be within the limit (src/pipeline/limits.ts). */
export async function readInputFile(path: string): Promise<Uint8Array> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error('no such file');
  checkFileSize(info.size);
  const bytes = await readFile(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function* walkFolder(folder: string): AsyncGenerator<string> {
  const entries = [];
  for await (const entry of await opendir(folder)) if (!entry.name.startsWith('.')) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walkFolder(path);
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path)).isFile())) {
      const extension = extname(entry.name).toLowerCase();
      if (IMAGE_EXTENSIONS.has(extension) || (extension === '' && (await sniffsAsDicom(path)))) yield path;
    }
  }
}

/** Throws with the offending path when one of `paths` does not exist. */
export async function checkPathsExist(paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await stat(path);
    } catch {
      throw new Error(`no such file or folder: ${path}`);
    }
  }
}

/**
 * Every file named, and every image file inside every folder named, one at a time. A named path that does not
 * exist (a stale line of a --files-from list) is yielded as it is, and becomes an error row.
 */
export async function* imageFiles(paths: string[]): AsyncGenerator<string> {
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) yield* walkFolder(path);
    else yield path;
  }
}

/** The paths in --files-from lists, one per line ("-": stdin); blank lines skipped. */
export async function listedPaths(lists: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const list of lists) {
    let text: string;
    if (list === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await readFile(list, 'utf8');
    for (const line of text.split(/\r?\n/)) if (line.trim()) paths.push(line);
  }
  return paths;
}
