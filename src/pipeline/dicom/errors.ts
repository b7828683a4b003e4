/** A file that is DICOM (or claims to be) but cannot be turned into an image; the message says why. */
export class DicomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomError';
  }
}
