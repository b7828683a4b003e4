// Shared shapes of the pipeline. Contract values (sizes, classes, thresholds) live in the model
// manifest (docs/manifest.md), never here.

/** An 8-bit grayscale image, row-major, `data.length === width * height`. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Decision = 'normal' | 'uncertain' | 'abnormal' | 'unsupported' | 'error';

/** Where the model looked: a class-activation map over the letterboxed model input. */
export interface Heatmap {
  /** cam grid side (manifest `camSize`) */
  size: number;
  /** size*size values, min-max normalised to [0, 1], row-major */
  values: Float32Array;
  /** the image's area inside the square model input, as fractions of the side (letterbox rect) */
  box: { x: number; y: number; width: number; height: number };
  /**
   * size*size values in [0, 1]: 1 where the cell shows film content, 0 where it is flat (letterbox padding, a
   * black border, collimation shutters); the heatmap is drawn only over content
   */
  content?: Float32Array;
}

export interface ImageResult {
  /** file name or path as given by the user */
  file: string;
  /** stage-1 call when supported, else null */
  bodyPart: string | null;
  /** softmax over every stage-1 class, keyed by class name (manifest order) */
  bodyPartProbabilities: Record<string, number>;
  /** null when unsupported or error */
  abnormalProbability: number | null;
  decision: Decision;
  /** human-readable reason for `error` and `unsupported`, else null */
  error: string | null;
  heatmap: Heatmap | null;
  /** original image size in px (0 when it could not be decoded) */
  width: number;
  height: number;
  /** true when the decision used the site's own thresholds instead of the shipped ones */
  siteThresholds?: true;
  /** the region the DICOM header names (src/pipeline/scope.ts), or its BodyPartExamined; null without one */
  headerBodyPart?: string | null;
  /**
   * why the film got no normal/abnormal call, in words: the header ruled it out, the model rejected it, or the
   * header and the model name different parts (decision `uncertain`); null otherwise
   */
  reason?: string | null;
}

export interface StudyResult {
  bodyPart: string;
  files: string[];
  /** mean of the images' abnormal probabilities (MURA's rule) */
  abnormalProbability: number;
  decision: Exclude<Decision, 'unsupported' | 'error'>;
  /** true when the decision used the site's own thresholds */
  siteThresholds?: true;
}
