// Gathering a dropped or picked folder of labelled cases with each file's path inside it (the label often lies
// in the folder names): from a drop through webkitGetAsEntry, from a folder picker through webkitRelativePath.
// Reading stays on this device; nothing is uploaded.

export interface PathedFile {
  /** path inside what was dropped, folders separated by '/' (e.g. "cases/abnormal/a.png") */
  path: string;
  file: File;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns the entries in batches (100 in Chromium) until an empty one
  return new Promise((resolve, reject) => {
    const entries: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(entries);
        else {
          entries.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, into: PathedFile[]): Promise<void> {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ path: entry.fullPath.replace(/^\//, ''), file });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) await walk(child, into);
  }
}

/** Every file of a drop, folders walked; a browser without folder entries gives the dropped files by name. */
export async function filesFromDrop(transfer: DataTransfer): Promise<PathedFile[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((entry) => entry === null)) {
    return [...transfer.files].map((file) => ({ path: file.name, file }));
  }
  const files: PathedFile[] = [];
  for (const entry of entries) await walk(entry!, files);
  return files;
}

/** Files from an <input type=file> (a folder picker gives each its path inside the folder). */
export function filesFromInput(files: Iterable<File>): PathedFile[] {
  return [...files]
    .map((file) => ({ path: file.webkitRelativePath || file.name, file }))
    .filter(({ path }) => !path.split('/').some((segment) => segment.startsWith('.')));
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|bmp|gif|dcm|dicom)$/i;

/** Splits what came in into labels CSVs and candidate images (known image types, or no extension: DICOM). */
export function sortLabelledFiles(files: readonly PathedFile[]): { images: PathedFile[]; csvs: PathedFile[]; ignored: string[] } {
  const images: PathedFile[] = [];
  const csvs: PathedFile[] = [];
  const ignored: string[] = [];
  for (const item of files) {
    const name = item.path.split('/').at(-1) ?? item.path;
    if (/\.csv$/i.test(name)) csvs.push(item);
    else if (IMAGE_EXTENSIONS.test(name) || !name.includes('.')) images.push(item);
    else ignored.push(item.path);
  }
  return { images, csvs, ignored };
}
