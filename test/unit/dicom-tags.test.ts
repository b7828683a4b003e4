// The header for the tag browser and the viewer's readout: every element listed by name, patient-identifying
// ones flagged, and the rescale and the source of the pixel spacing kept in the metadata.
import { describe, expect, it } from 'vitest';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import { FIXTURE_PATIENT_NAME, fixture } from './dicom-fixtures';
import { readFileSync } from 'node:fs';

describe('DICOM tags for the tag browser', () => {
  it('lists the elements with their names and values, the rescale among them', async () => {
    const { meta } = await decodeDicomFile(fixture('hand16_signed_rescale_window'));
    const byName = new Map(meta.tags!.map((t) => [t.name, t]));
    expect(byName.get('Rescale Slope')).toMatchObject({ tag: '(0028,1053)', value: '0.5', identifying: false });
    expect(byName.get('Rows')?.value).toBe('192');
    expect(byName.get('Columns')?.value).toBe('153');
    expect(byName.get('Pixel Data')?.value).toMatch(/^\d+ bytes$/);
    expect(meta.rescale).toEqual({ slope: 0.5, intercept: 100 });
  });

  it("flags the patient's name and ID as identifying", async () => {
    const { meta } = await decodeDicomFile(fixture('hand8_explicit_le'));
    const name = meta.tags!.find((t) => t.tag === '(0010,0010)')!;
    expect(name).toMatchObject({ name: "Patient's Name", identifying: true });
    expect(name.value).toBe(FIXTURE_PATIENT_NAME);
    expect(meta.tags!.find((t) => t.tag === '(0010,0020)')?.identifying).toBe(true);
    expect(meta.rescale).toBeUndefined();
  });

  it('says which element the pixel spacing comes from', async () => {
    const study = new Uint8Array(readFileSync('e2e/fixtures/dicom/study_hand_pa.dcm'));
    const { meta } = await decodeDicomFile(study);
    expect(meta.pixelSpacing).toEqual([0.5, 0.5]);
    expect(meta.pixelSpacingSource).toBe('PixelSpacing');
  });
});
