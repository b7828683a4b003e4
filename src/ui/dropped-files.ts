// The files of a drop: plain files as they are, and the files inside dropped folders (walked through the
// File and Directory Entries API), each with the folder it lies in, so a dropped folder can form a study.

export interface DroppedFiles {
  files: File[];
  /** the folder path of each file that came from a dropped folder */
  folders: Map<File, string>;
}

/** Whether a drag carries files (not text or a link): only then does the page take the drop. */
export function carriesFiles(event: DragEvent): boolean {
  return Boolean(event.dataTransfer?.types.includes('Files'));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, into: DroppedFiles, inFolder: boolean): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    into.files.push(file);
    if (inFolder) into.folders.set(file, entry.fullPath.replace(/\/[^/]*$/, '') || '/');
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in batches until an empty one
  for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
    for (const child of batch.sort((a, b) => a.name.localeCompare(b.name))) await walk(child, into, true);
  }
}

export async function droppedFiles(dataTransfer: DataTransfer): Promise<DroppedFiles> {
  const out: DroppedFiles = { files: [], folders: new Map() };
  // the entries must be taken before the first await: the DataTransfer empties after the event
  const entries = [...dataTransfer.items].map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() ?? null : null));
  const plain = [...dataTransfer.files];
  if (!entries.some((entry) => entry?.isDirectory)) return { files: plain, folders: out.folders };
  for (const [i, entry] of entries.entries()) {
    try {
      if (entry) await walk(entry, out, false);
      else if (plain[i]) out.files.push(plain[i]);
    } catch {
      // an unreadable folder entry: the others still come in
    }
  }
  return out;
}
