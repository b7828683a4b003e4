// Non-image DICOM objects, named so that the error can say what the file is instead.

const STORAGE = '1.2.840.10008.5.1.4.1.1.';

/** SOP Class UID prefixes (after the storage root) of objects without pixel data, most specific first. */
const NON_IMAGE_CLASSES: [string, string][] = [
  ['88.59', 'a Key Object Selection document'],
  ['88.', 'a Structured Report (SR)'],
  ['104.1', 'an encapsulated PDF document'],
  ['104.2', 'an encapsulated CDA document'],
  ['104.3', 'an encapsulated STL 3D model'],
  ['104.', 'an encapsulated document'],
  ['11.', 'a Presentation State'],
  ['9.', 'a waveform (e.g. ECG)'],
  ['66', 'a raw data or registration object'],
  ['481.2', 'an RT Dose'],
  ['481.', 'a radiotherapy (RT) object'],
];

const NON_IMAGE_MODALITIES: Record<string, string> = {
  SR: 'a Structured Report (SR)',
  DOC: 'an encapsulated document',
  KO: 'a Key Object Selection document',
  PR: 'a Presentation State',
  ECG: 'a waveform (e.g. ECG)',
};

/** What a pixel-less object is, or undefined when nothing says it is not meant to be an image. */
export function nonImageKind(sopClassUid: string | undefined, modality: string | undefined): string | undefined {
  if (sopClassUid?.startsWith(STORAGE)) {
    const rest = sopClassUid.slice(STORAGE.length);
    const match = NON_IMAGE_CLASSES.find(([prefix]) => rest.startsWith(prefix));
    if (match) return match[1];
  }
  return modality ? NON_IMAGE_MODALITIES[modality] : undefined;
}
