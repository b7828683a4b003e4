// The scope gate: what a DICOM header says about the film, read before the model is asked. A header that names
// a non-projection modality or a region the models were not trained on refuses the film; an ambiguous one
// (EXTREMITY, nothing) leaves it to the model; one naming a supported part is checked against the model's call.
// Pure: only the descriptive header fields come in, never the patient's.

/** The header fields the gate reads (all optional: raster images have none). */
export interface ScopeHeader {
  modality?: string;
  bodyPartExamined?: string;
  studyDescription?: string;
  seriesDescription?: string;
  protocolName?: string;
}

export type HeaderScope =
  /** the header rules the film out: no decision, chart or heatmap */
  | { kind: 'outside'; region: string; reason: string }
  /** the header names a supported part (manifest name in `part`, the header's word in `region`) */
  | { kind: 'supported'; part: string; region: string }
  /** nothing decisive: the model decides alone (`region` is BodyPartExamined when it has one) */
  | { kind: 'ambiguous'; region: string | null };

/** Modalities that are not a projection radiograph, in words. CR, DX, RG (and OT, SC, none) go to the model. */
const NON_PROJECTION: Record<string, string> = {
  CT: 'a CT scan',
  MR: 'an MRI scan',
  MG: 'a mammogram',
  US: 'an ultrasound image',
  XA: 'an angiogram',
  NM: 'a nuclear medicine image',
  PT: 'a PET scan',
  RF: 'a fluoroscopy series',
  IO: 'a dental film',
  PX: 'a dental panoramic film',
  DG: 'a diaphanography image',
  ES: 'an endoscopy image',
  OP: 'an eye photograph',
  XC: 'a photograph',
  SM: 'a microscopy slide',
  BMD: 'a bone density scan',
};

/**
 * Words (upper case, singular and plural) that name a supported part, by manifest part name. Fingers alone are
 * not a hand film: the model card lists them among the regions it rejects.
 */
const SUPPORTED_WORDS: Record<string, readonly string[]> = {
  elbow: ['ELBOW', 'ELBOWS', 'OLECRANON'],
  hand: ['HAND', 'HANDS', 'METACARPAL', 'METACARPALS'],
  shoulder: ['SHOULDER', 'SHOULDERS', 'GLENOHUMERAL'],
};

/** Words naming a region outside elbow/hand/shoulder, anywhere in the header. */
const OTHER_REGIONS = [
  'CHEST', 'THORAX', 'LUNG', 'LUNGS', 'RIB', 'RIBS', 'STERNUM', 'HEART', 'BREAST', 'BREASTS', 'MAMMO', 'MAMMOGRAM',
  'ABDOMEN', 'ABDOMINAL', 'ABD', 'KUB', 'PELVIS', 'PELVIC', 'HIP', 'HIPS', 'SACRUM', 'COCCYX', 'FEMUR', 'FEMORAL',
  'KNEE', 'KNEES', 'PATELLA', 'TIBIA', 'TIBIAL', 'FIBULA', 'LEG', 'LEGS', 'ANKLE', 'ANKLES', 'FOOT', 'FEET', 'TOE', 'TOES',
  'CALCANEUS', 'HEEL', 'SPINE', 'CSPINE', 'TSPINE', 'LSPINE', 'LSSPINE', 'SSPINE', 'VERTEBRA', 'VERTEBRAE', 'LUMBAR',
  'SKULL', 'BRAIN', 'SINUS', 'SINUSES', 'MANDIBLE', 'JAW', 'FACE', 'FACIAL', 'ORBIT', 'ORBITS', 'DENTAL', 'TEETH',
  'WRIST', 'WRISTS', 'FOREARM', 'FINGER', 'FINGERS', 'THUMB', 'THUMBS', 'WHOLEBODY',
];

/** Only trusted in BodyPartExamined: in a description "radial head" or "surgical neck" are elbow and shoulder words. */
const OTHER_REGIONS_BODY_PART_ONLY = ['HEAD', 'NECK', 'CERVICAL', 'THORACIC'];

const FIELDS: { key: keyof ScopeHeader; name: string }[] = [
  { key: 'bodyPartExamined', name: 'body part' },
  { key: 'studyDescription', name: 'study description' },
  { key: 'seriesDescription', name: 'series description' },
  { key: 'protocolName', name: 'protocol' },
];

function wordsOf(text: string | undefined): string[] {
  return (text ?? '').toUpperCase().split(/[^A-Z]+/).filter(Boolean);
}

function supportedPartOf(words: readonly string[], supported: readonly string[]): { part: string; word: string } | null {
  for (const word of words) {
    for (const part of supported) if (SUPPORTED_WORDS[part]?.includes(word) || word === part.toUpperCase()) return { part, word };
  }
  return null;
}

function otherRegionOf(words: readonly string[], bodyPartField: boolean): string | null {
  return words.find((word) => OTHER_REGIONS.includes(word) || (bodyPartField && OTHER_REGIONS_BODY_PART_ONLY.includes(word))) ?? null;
}

/**
 * What the header allows. BodyPartExamined decides first when it names a region; otherwise a supported part
 * named in any description wins over another region named beside it ("HAND AND WRIST" stays a hand film).
 */
export function headerScope(header: ScopeHeader | undefined, supported: readonly string[]): HeaderScope {
  const bodyPartExamined = header?.bodyPartExamined?.trim() || null;
  if (!header) return { kind: 'ambiguous', region: null };
  const modality = header.modality?.trim().toUpperCase();
  if (modality && NON_PROJECTION[modality]) {
    return {
      kind: 'outside',
      region: bodyPartExamined ?? modality,
      reason: `the header says ${modality}: ${NON_PROJECTION[modality]}, not a plain radiograph`,
    };
  }
  const outside = (word: string, field: string): HeaderScope => ({
    kind: 'outside',
    region: word,
    reason: `the header says ${word}${field === 'body part' ? '' : ` (${field})`}: the models were not trained on this region`,
  });

  const bodyPartWords = wordsOf(bodyPartExamined ?? undefined);
  const namedPart = supportedPartOf(bodyPartWords, supported);
  if (namedPart) return { kind: 'supported', part: namedPart.part, region: namedPart.word };
  const namedOther = otherRegionOf(bodyPartWords, true);
  if (namedOther) return outside(namedOther, 'body part');

  const descriptions = FIELDS.slice(1);
  for (const { key } of descriptions) {
    const found = supportedPartOf(wordsOf(header[key]), supported);
    if (found) return { kind: 'supported', part: found.part, region: found.word };
  }
  for (const { key, name } of descriptions) {
    const found = otherRegionOf(wordsOf(header[key]), false);
    if (found) return outside(found, name);
  }
  return { kind: 'ambiguous', region: bodyPartExamined };
}

/** "shoulder" -> "a shoulder", "elbow" -> "an elbow". */
export function withArticle(part: string): string {
  const words = part.replace(/_/g, ' ');
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
}
