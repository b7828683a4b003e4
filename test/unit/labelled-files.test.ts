// Gathering a dropped or picked folder of labelled cases with each file's path inside it: folders walked
// (entries read in batches, as Chromium gives them), hidden files skipped, CSVs told apart from images.
import { describe, expect, it } from 'vitest';
import { filesFromDrop, filesFromInput, sortLabelledFiles } from '../../src/app/labelled-files';

type Node = { name: string; children?: Node[] };

/** A stand-in for the browser's FileSystemEntry tree, giving directory entries two at a time. */
function entry(node: Node, parent = ''): FileSystemEntry {
  const fullPath = `${parent}/${node.name}`;
  if (!node.children) {
    return { name: node.name, fullPath, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(new File([node.name], node.name)) } as unknown as FileSystemEntry;
  }
  const children = node.children.map((child) => entry(child, fullPath));
  return {
    name: node.name, fullPath, isFile: false, isDirectory: true,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok: (batch: FileSystemEntry[]) => void) => ok(children.slice(at, (at += 2))) };
    },
  } as unknown as FileSystemEntry;
}

function dropOf(...roots: Node[]): DataTransfer {
  return { items: roots.map((root) => ({ webkitGetAsEntry: () => entry(root) })), files: [] } as unknown as DataTransfer;
}

describe('files from a dropped folder', () => {
  it('walks every folder in name order, reading all batches, with paths inside the drop, hidden files left out', async () => {
    const files = await filesFromDrop(dropOf({
      name: 'cases',
      children: [
        { name: 'normal', children: [{ name: 'c.png' }, { name: 'a.png' }, { name: 'b.png' }, { name: '.DS_Store' }, { name: 'd.png' }] },
        { name: 'abnormal', children: [{ name: 'x.png' }] },
        { name: 'labels.csv' },
      ],
    }));
    expect(files.map((f) => f.path)).toEqual([
      'cases/abnormal/x.png',
      'cases/labels.csv',
      'cases/normal/a.png',
      'cases/normal/b.png',
      'cases/normal/c.png',
      'cases/normal/d.png',
    ]);
    expect(await files[0].file.text()).toBe('x.png');
  });

  it('falls back to the dropped files by name where the browser gives no entries', async () => {
    const file = new File(['x'], 'one.png');
    const files = await filesFromDrop({ items: [{ webkitGetAsEntry: () => null }], files: [file] } as unknown as DataTransfer);
    expect(files).toEqual([{ path: 'one.png', file }]);
  });
});

describe('files from a picker, sorted', () => {
  it('keeps the folder picker’s relative paths and leaves hidden ones out', () => {
    const inFolder = (path: string) => Object.assign(new File(['x'], path.split('/').at(-1)!), { webkitRelativePath: path });
    const files = filesFromInput([inFolder('set/normal/a.png'), inFolder('set/.git/config'), new File(['x'], 'b.jpg')]);
    expect(files.map((f) => f.path)).toEqual(['set/normal/a.png', 'b.jpg']);
  });

  it('tells labels CSVs and images apart, extension-less files counting as possible DICOM', () => {
    const item = (path: string) => ({ path, file: new File([], path) });
    const sorted = sortLabelledFiles(['a/labels.CSV', 'a/x.PNG', 'a/IM0001', 'a/y.dcm', 'a/notes.txt'].map(item));
    expect(sorted.csvs.map((f) => f.path)).toEqual(['a/labels.CSV']);
    expect(sorted.images.map((f) => f.path)).toEqual(['a/x.PNG', 'a/IM0001', 'a/y.dcm']);
    expect(sorted.ignored).toEqual(['a/notes.txt']);
  });
});
