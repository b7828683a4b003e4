// The scope gate: what a DICOM header says about the film decides before the model whether it is analysed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerScope } from '../../src/pipeline/scope';
import { redecide } from '../../src/pipeline/decision';
import { initBackend } from '../../src/models/backend';
import { disposeModels, loadModels } from '../../src/models/load';
import { analyzeImage, type LoadedModels } from '../../src/pipeline/analyze';
import { decodeImageBytes } from '../../src/decode/node';
import type { ImageResult } from '../../src/pipeline/types';
import { jsonRow } from '../../cli/format';
import { dicomFile, type HeaderFields } from './support/dicom-writer';
import { MODELS_MISSING_REASON, fixtureBytes, modelsPresent, readModelFile } from './support/models';

const SUPPORTED = ['elbow', 'hand', 'shoulder'];
const SHARED_DICOM = '../shared/data/dicom';
const sharedPresent = existsSync(SHARED_DICOM);
if (!sharedPresent) console.warn(`skipping the gate on real DICOM files: ${SHARED_DICOM} is absent (no ../shared here)`);

describe('headerScope', () => {
  it('refuses modalities that are not a projection radiograph, naming them', () => {
    for (const modality of ['CT', 'MR', 'MG', 'US', 'XA', 'NM', 'PT']) {
      const scope = headerScope({ modality, bodyPartExamined: 'HAND' }, SUPPORTED);
      expect(scope.kind).toBe('outside');
      expect(scope.kind === 'outside' && scope.reason).toMatch(new RegExp(`^the header says ${modality}: .*not a plain radiograph`));
    }
  });

  it('refuses a body part examined outside elbow, hand and shoulder, naming it as the header writes it', () => {
    expect(headerScope({ modality: 'CR', bodyPartExamined: 'CHEST' }, SUPPORTED)).toMatchObject({ kind: 'outside', region: 'CHEST' });
    const scope = headerScope({ modality: 'DX', bodyPartExamined: 'ANKLE' }, SUPPORTED);
    expect(scope.kind === 'outside' && scope.reason).toMatch(/^the header says ANKLE/);
    for (const region of ['THORAX', 'BREAST', 'HIP', 'PELVIS', 'KNEE', 'TIBIA', 'FOOT', 'LSPINE', 'SKULL', 'ABDOMEN', 'HEAD']) {
      expect(headerScope({ modality: 'CR', bodyPartExamined: region }, SUPPORTED).kind).toBe('outside');
    }
  });

  it('reads regions as words in the descriptions when the body part is ambiguous', () => {
    const tibia = headerScope({ modality: 'CR', bodyPartExamined: 'EXTREMITY', studyDescription: 'Non-ossifying fibroma of distal tibia' }, SUPPORTED);
    expect(tibia).toMatchObject({ kind: 'outside', region: 'TIBIA' });
    expect(tibia.kind === 'outside' && tibia.reason).toBe('the header says TIBIA (study description): the models were not trained on this region');
    expect(headerScope({ seriesDescription: 'R KNEE AP' }, SUPPORTED).kind).toBe('outside');
    expect(headerScope({ protocolName: 'Foot 2 views' }, SUPPORTED).kind).toBe('outside');
    // a word inside another word is no match; "radial head" is an elbow structure, not the head
    expect(headerScope({ studyDescription: 'Radial head fracture' }, SUPPORTED).kind).toBe('ambiguous');
    expect(headerScope({ studyDescription: 'Chipped' }, SUPPORTED).kind).toBe('ambiguous');
  });

  it('leaves ambiguous or empty headers to the model', () => {
    expect(headerScope(undefined, SUPPORTED)).toEqual({ kind: 'ambiguous', region: null });
    expect(headerScope({}, SUPPORTED)).toEqual({ kind: 'ambiguous', region: null });
    expect(headerScope({ modality: 'CR', bodyPartExamined: 'EXTREMITY' }, SUPPORTED)).toEqual({ kind: 'ambiguous', region: 'EXTREMITY' });
    expect(headerScope({ modality: 'OT' }, SUPPORTED).kind).toBe('ambiguous');
  });

  it('names the supported part a header gives, synonyms included, before other regions in the descriptions', () => {
    expect(headerScope({ modality: 'CR', bodyPartExamined: 'ELBOW' }, SUPPORTED)).toEqual({ kind: 'supported', part: 'elbow', region: 'ELBOW' });
    expect(headerScope({ bodyPartExamined: 'METACARPAL' }, SUPPORTED)).toMatchObject({ kind: 'supported', part: 'hand' });
    // fingers alone are among the regions the model card says it rejects
    expect(headerScope({ bodyPartExamined: 'FINGER' }, SUPPORTED)).toMatchObject({ kind: 'outside', region: 'FINGER' });
    expect(headerScope({ studyDescription: 'XR SHOULDER 2 VIEWS LEFT' }, SUPPORTED)).toMatchObject({ kind: 'supported', part: 'shoulder' });
    expect(headerScope({ studyDescription: 'Hand and wrist' }, SUPPORTED)).toMatchObject({ kind: 'supported', part: 'hand' });
  });
});

describe.skipIf(!modelsPresent)(modelsPresent ? 'the gate in the pipeline (real models)' : `the gate [${MODELS_MISSING_REASON}]`, () => {
  let models: LoadedModels;
  beforeAll(async () => {
    await initBackend('cpu', '');
    models = await loadModels(readModelFile);
  });
  afterAll(() => {
    if (models) disposeModels(models);
  });

  /** Decodes the file as the CLI does and analyses each frame with its header. */
  async function analyse(bytes: Uint8Array, name: string): Promise<ImageResult[]> {
    const { frames, dicom } = await decodeImageBytes(bytes);
    return Promise.all(frames.map((frame, i) => analyzeImage(frame, `${name}#${i + 1}`, models, dicom)));
  }

  const elbowFilm = async () => (await decodeImageBytes(fixtureBytes('elbow_fracatlas_IMG0002519.jpg'))).frames[0];
  const elbowDicom = async (fields: HeaderFields) => dicomFile(await elbowFilm(), { modality: 'CR', patientName: 'Doe^John', ...fields });

  it('keeps an elbow film whose header says ELBOW, with a decision', async () => {
    const [result] = await analyse(await elbowDicom({ bodyPartExamined: 'ELBOW' }), 'elbow.dcm');
    expect(result.bodyPart).toBe('elbow');
    expect(['normal', 'uncertain', 'abnormal']).toContain(result.decision);
    expect(result.headerBodyPart).toBe('ELBOW');
    expect(result.reason).toBeNull();
  });

  it('refuses the same film labelled ANKLE before any decision or heatmap', async () => {
    const [result] = await analyse(await elbowDicom({ bodyPartExamined: 'ANKLE' }), 'ankle.dcm');
    expect(result).toMatchObject({ decision: 'unsupported', bodyPart: null, abnormalProbability: null, heatmap: null, headerBodyPart: 'ANKLE' });
    expect(result.bodyPartProbabilities).toEqual({});
    expect(result.reason).toMatch(/^the header says ANKLE/);
    expect(result.error).toBe(result.reason);
  });

  it('calls an elbow film labelled HAND uncertain, naming both parts', async () => {
    const [result] = await analyse(await elbowDicom({ bodyPartExamined: 'HAND' }), 'hand.dcm');
    expect(result.decision).toBe('uncertain');
    expect(result.bodyPart).toBe('elbow');
    expect(result.reason).toBe('the header says HAND, the model sees an elbow: check which body part this film shows');
    // deciding again (site thresholds set or reset) keeps it uncertain
    expect(redecide(result, models.manifest).decision).toBe('uncertain');
  });

  it('puts the header body part and the reason in the CLI row, and never the patient name', async () => {
    const [result] = await analyse(await elbowDicom({ bodyPartExamined: 'ANKLE' }), 'ankle.dcm');
    const row = JSON.parse(jsonRow(result, false));
    expect(row).toMatchObject({ headerBodyPart: 'ANKLE', reason: result.reason, decision: 'unsupported' });
    expect(jsonRow(result, true)).not.toMatch(/Doe/);
  });

  describe.skipIf(!sharedPresent)('every real DICOM file of ../shared (none is an elbow, hand or shoulder)', () => {
    const files = sharedPresent ? readdirSync(SHARED_DICOM).filter((f) => f.endsWith('.dcm')).sort() : [];
    it.each(files)('%s is unsupported, with the header\'s reason or the model\'s', async (file) => {
      const results = await analyse(new Uint8Array(readFileSync(`${SHARED_DICOM}/${file}`)), file);
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) {
        expect(result.decision).toBe('unsupported');
        expect(result.abnormalProbability).toBeNull();
        expect(result.reason).toMatch(/^(the header says |not a supported radiograph|body part unclear)/);
      }
      // a header that names another region or modality stops the film before the model
      if (/^(CR|CT|MR|MG|XA)_/.test(file)) expect(results[0].reason).toMatch(/^the header says /);
    });
  });
});
