// Reading the truth of labelled cases from their layout: label folders (optionally per part), MURA's own
// folders, and a labels CSV beside the images.
import { describe, expect, it } from 'vitest';
import { csvFields, labelCases, labelFromPath, labelOf, parseLabelsCsv } from '../../src/pipeline/labelled-cases';

const PARTS = ['elbow', 'hand', 'shoulder', 'other_xray', 'not_xray'];

describe('label folders', () => {
  it('reads normal/ and abnormal/ at any depth, the deepest label folder winning', () => {
    expect(labelFromPath('labelled/normal/a.png', PARTS)).toEqual({ label: 'normal', part: null, study: null });
    expect(labelFromPath('abnormal/x/b.jpg', PARTS)).toEqual({ label: 'abnormal', part: null, study: null });
    expect(labelFromPath('normal/abnormal/c.png', PARTS)?.label).toBe('abnormal');
  });

  it('takes the body part from the folder above the label when it names one', () => {
    expect(labelFromPath('site/Elbow/abnormal/a.png', PARTS)).toEqual({ label: 'abnormal', part: 'elbow', study: null });
    expect(labelFromPath('cases/normal/a.png', PARTS)?.part).toBeNull();
  });

  it('gives no label to a file outside label folders, nor by its own name', () => {
    expect(labelFromPath('cases/normal.png', PARTS)).toBeNull();
    expect(labelFromPath('normalish/a.png', PARTS)).toBeNull();
  });
});

describe("MURA's layout", () => {
  it('reads XR_<PART>/patient/studyN_positive|negative as label, part and study', () => {
    expect(labelFromPath('MURA-v1.1/valid/XR_ELBOW/patient11186/study1_positive/image1.png', PARTS)).toEqual({
      label: 'abnormal',
      part: 'elbow',
      study: 'MURA-v1.1/valid/XR_ELBOW/patient11186/study1_positive',
    });
    expect(labelFromPath('XR_HAND/patient11200/study2_negative/image3.png', PARTS)).toEqual({
      label: 'normal',
      part: 'hand',
      study: 'XR_HAND/patient11200/study2_negative',
    });
  });

  it("keeps MURA's other parts by name (the model decides which it assesses), and studies apart per patient", () => {
    expect(labelFromPath('XR_WRIST/patient1/study1_positive/image1.png', PARTS)?.part).toBe('wrist');
    const a = labelFromPath('XR_HAND/patient1/study1_positive/image1.png', PARTS)!;
    const b = labelFromPath('XR_HAND/patient2/study1_positive/image1.png', PARTS)!;
    expect(a.study).not.toBe(b.study);
  });
});

describe('labels CSV (file,label[,body_part])', () => {
  it('reads rows without a header, by position', () => {
    const { rows, problems } = parseLabelsCsv('a.png,abnormal,elbow\nb.png,normal\n"c, d.png",Positive,HAND\n');
    expect(problems).toEqual([]);
    expect(rows.get('a.png')).toEqual({ label: 'abnormal', part: 'elbow', study: null });
    expect(rows.get('b.png')).toEqual({ label: 'normal', part: null, study: null });
    expect(rows.get('c, d.png')).toEqual({ label: 'abnormal', part: 'hand', study: null });
  });

  it('reads a header naming the columns in any order, with an optional study column', () => {
    const { rows } = parseLabelsCsv('\uFEFFlabel,body_part,file,study\r\n1,shoulder,x/y.png,s1\r\n0,,z.png,\r\n');
    expect(rows.get('x/y.png')).toEqual({ label: 'abnormal', part: 'shoulder', study: 's1' });
    expect(rows.get('z.png')).toEqual({ label: 'normal', part: null, study: null });
  });

  it('reports each bad line by number and keeps the rest', () => {
    const { rows, problems } = parseLabelsCsv('file,label\na.png,maybe\n,normal\nb.png,normal\nb.png,abnormal\n', 'truth.csv');
    expect([...rows.keys()]).toEqual(['b.png']);
    expect(problems).toEqual([
      'truth.csv line 2: label "maybe" is not normal or abnormal',
      'truth.csv line 3: no file name',
      'truth.csv line 5: b.png is listed twice (the first row is kept)',
    ]);
  });

  it('splits quoted fields as RFC 4180 does', () => {
    expect(csvFields('"a ""b""",c')).toEqual(['a "b"', 'c']);
    expect(labelOf(' Negative ')).toBe('normal');
    expect(labelOf('fracture?')).toBeNull();
  });
});

describe('labelCases: the layout of a dropped or named folder', () => {
  it('labels from folders, listing the files without a label', () => {
    const { labels, unlabelled, problems } = labelCases(['set/normal/a.png', 'set/abnormal/b.png', 'set/readme/c.png'], PARTS);
    expect(labels.get('set/normal/a.png')?.label).toBe('normal');
    expect(labels.get('set/abnormal/b.png')?.label).toBe('abnormal');
    expect(unlabelled).toEqual(['set/readme/c.png']);
    expect(problems).toEqual([]);
  });

  it('lets a CSV beside the images label them, by path relative to it or by a unique name, over folder names', () => {
    const paths = ['set/img/a.png', 'set/img/b.png', 'set/normal/c.png', 'set/other/d.png'];
    const csv = { path: 'set/labels.csv', text: 'file,label,body_part\nimg/a.png,abnormal,elbow\nb.png,normal\nc.png,abnormal\nmissing.png,normal\n' };
    const { labels, unlabelled, problems } = labelCases(paths, PARTS, csv);
    expect(labels.get('set/img/a.png')).toEqual({ label: 'abnormal', part: 'elbow', study: null });
    expect(labels.get('set/img/b.png')?.label).toBe('normal');
    expect(labels.get('set/normal/c.png')?.label).toBe('abnormal');
    expect(unlabelled).toEqual(['set/other/d.png']);
    expect(problems).toEqual(['labels.csv: missing.png is not among the images']);
  });

  it('refuses to guess between images that share a name', () => {
    const { problems, unlabelled } = labelCases(['x/a.png', 'y/a.png'], PARTS, { path: 'labels.csv', text: 'a.png,normal\n' });
    expect(problems).toEqual(['labels.csv: a.png is not among the images (several images have that name)']);
    expect(unlabelled).toEqual(['x/a.png', 'y/a.png']);
  });
});
