// A resumable walk over a dataset's element headers, run before the DICOM parser sees the bytes (and, for a
// deflated dataset, while it is still being inflated): it refuses sequences nested past the limit, and stops a
// deflated dataset early when an element states more than the limit or the pixel data is far larger than the
// header's image. It reads headers only; it stops quietly at anything it cannot follow (the parser then decides).
import { DicomError } from './errors.js';
import { imageSizeProblem, inflatedSizeProblem, megabytes, sequenceDepthProblem } from '../limits.js';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM_GROUP = 0xfffe;
const ITEM = 0xe000;
const ITEM_END = 0xe00d;
const SEQUENCE_END = 0xe0dd;
/** Bytes a deflated dataset may hold after its pixel data (digital signatures, padding). */
const TRAILER_BYTES = 16_000_000;
/** Pixel data longer than twice what the header's image needs (plus this) is not an image's pixel data. */
const PIXEL_SLACK_BYTES = 1_000_000;

interface Container {
  kind: 'sequence' | 'item' | 'fragments';
  /** absolute end, or undefined until a delimiter */
  end?: number;
  /** elements inside are implicit VR (a UN sequence, or an implicit VR dataset) */
  implicit?: boolean;
}

/** Header values (top level) that say how many bytes the pixel data needs. */
interface ImageHeader {
  rows?: number;
  columns?: number;
  bitsAllocated?: number;
  samplesPerPixel?: number;
  frames?: number;
}

const HEADER_TAGS: Record<number, keyof ImageHeader> = {
  0x00280010: 'rows',
  0x00280011: 'columns',
  0x00280100: 'bitsAllocated',
  0x00280002: 'samplesPerPixel',
  0x00280008: 'frames',
};

export interface GuardOptions {
  explicit: boolean;
  /** a deflated dataset's inflated bytes: element lengths and the pixel data are checked against the limits too */
  inflated: boolean;
}

export class DatasetGuard {
  private at: number;
  private readonly stack: Container[] = [];
  private lost = false;
  private readonly header: ImageHeader = {};
  /** where the dataset may end at the most, once the pixel data has been seen (inflated datasets) */
  private allowedEnd = Infinity;
  private endReason = 'after its pixel data';

  constructor(private readonly start: number, private readonly options: GuardOptions) {
    this.at = start;
  }

  /** Walks what `bytes[0, available)` holds; throws a DicomError on a limit. Call again as more bytes arrive. */
  advance(bytes: Uint8Array, available = bytes.length): void {
    if (this.options.inflated && available > this.allowedEnd) {
      throw new DicomError(`the deflated dataset goes on for more than ${megabytes(TRAILER_BYTES)} ${this.endReason} (corrupt or hostile file)`);
    }
    const u16 = (i: number) => bytes[i] | (bytes[i + 1] << 8);
    const u32 = (i: number) => u16(i) + u16(i + 2) * 0x10000;
    while (!this.lost) {
      this.closeEndedContainers();
      const top = this.stack[this.stack.length - 1];
      const at = this.at;
      if (at + 8 > available) return;
      const group = u16(at);
      const element = u16(at + 2);
      if (group === ITEM_GROUP) {
        const length = u32(at + 4);
        this.at = at + 8;
        if (element === ITEM_END) this.popUntil('item');
        else if (element === SEQUENCE_END) this.popUntil('sequence', 'fragments');
        else if (element === ITEM && top?.kind === 'fragments') this.skip(length);
        else if (element === ITEM && top?.kind === 'sequence') {
          if (length !== UNDEFINED) this.checkStatedEnd(this.at + length);
          this.stack.push({ kind: 'item', end: length === UNDEFINED ? undefined : this.at + length, implicit: top.implicit });
        } else this.loseTrack(at);
        continue;
      }
      // UN of undefined length holds an implicit VR little endian sequence (PS3.5 6.2.2)
      const explicit = this.options.explicit && !top?.implicit;
      let valueAt: number;
      let length: number;
      let vr = '';
      if (explicit) {
        vr = String.fromCharCode(bytes[at + 4], bytes[at + 5]);
        if (!/^[A-Z]{2}$/.test(vr)) {
          this.loseTrack(at);
          return;
        }
        if (LONG_VRS.has(vr)) {
          if (at + 12 > available) return;
          length = u32(at + 8);
          valueAt = at + 12;
        } else {
          length = u16(at + 6);
          valueAt = at + 8;
        }
      } else {
        length = u32(at + 4);
        valueAt = at + 8;
      }
      const tag = group * 0x10000 + element;
      const topLevel = this.stack.length === 0;
      if (topLevel && tag === 0x7fe00010) {
        this.at = valueAt;
        if (length === UNDEFINED && this.options.inflated) {
          // native pixel data only (PS3.5 A.5): fragments here are a corrupt or hostile stream
          throw new DicomError('the deflated dataset holds its pixel data in fragments, which its transfer syntax does not allow (corrupt file)');
        }
        if (length === UNDEFINED) this.stack.push({ kind: 'fragments' });
        else this.pixelData(valueAt, length);
        continue;
      }
      const sequence = vr === 'SQ' || (length === UNDEFINED && (!explicit || vr === 'UN'));
      if (!sequence && length === UNDEFINED) {
        this.loseTrack(at);
        return;
      }
      if (length !== UNDEFINED) this.checkStatedEnd(valueAt + length);
      if (sequence) {
        this.at = valueAt;
        const implicit = !explicit || vr === 'UN';
        this.stack.push({ kind: 'sequence', end: length === UNDEFINED ? undefined : valueAt + length, implicit });
        const depth = this.stack.filter((c) => c.kind === 'sequence').length;
        const problem = sequenceDepthProblem(depth);
        if (problem) throw new DicomError(problem);
        continue;
      }
      if (topLevel && HEADER_TAGS[tag]) {
        if (valueAt + length > available) return; // wait for the value
        this.readHeaderValue(HEADER_TAGS[tag], bytes, valueAt, length, vr);
      }
      this.at = valueAt + length;
    }
  }

  /** Something the walk cannot follow: the parser decides; an inflated dataset may go on only a little past it. */
  private loseTrack(at: number): void {
    this.lost = true;
    if (this.options.inflated && at + TRAILER_BYTES < this.allowedEnd) {
      this.allowedEnd = at + TRAILER_BYTES;
      this.endReason = 'past a part that cannot be read';
    }
  }

  private closeEndedContainers(): void {
    for (let top = this.stack[this.stack.length - 1]; top?.end !== undefined && this.at >= top.end; top = this.stack[this.stack.length - 1]) {
      this.stack.pop();
    }
  }

  private popUntil(...kinds: Container['kind'][]): void {
    while (this.stack.length) {
      const popped = this.stack.pop()!;
      if (kinds.includes(popped.kind)) return;
    }
  }

  private skip(length: number): void {
    if (length === UNDEFINED) {
      this.lost = true;
      return;
    }
    this.checkStatedEnd(this.at + length);
    this.at += length;
  }

  /** An element or item whose stated end lies past what a deflated dataset may expand to: stop before inflating it. */
  private checkStatedEnd(end: number): void {
    if (!this.options.inflated) return;
    const problem = inflatedSizeProblem(end - this.start);
    if (problem) throw new DicomError(problem);
  }

  private readHeaderValue(key: keyof ImageHeader, bytes: Uint8Array, at: number, length: number, vr: string): void {
    if (key === 'frames') {
      const text = String.fromCharCode(...bytes.subarray(at, at + Math.min(length, 16))).trim();
      const frames = Number(text);
      if (Number.isFinite(frames)) this.header.frames = Math.max(1, Math.trunc(frames));
    } else if (length >= 2 && (vr === '' || vr === 'US')) {
      this.header[key] = bytes[at] | (bytes[at + 1] << 8);
    }
  }

  private pixelData(valueAt: number, length: number): void {
    this.checkStatedEnd(valueAt + length);
    this.at = valueAt + length;
    if (!this.options.inflated) return;
    // what the image needs, at the most that the decoder accepts where the header does not say
    const { rows = 0, columns = 0, bitsAllocated = 16, samplesPerPixel = 1, frames = 1 } = this.header;
    if (rows === 0 || columns === 0) throw new DicomError(`invalid image size ${columns}x${rows} in the header`);
    const tooLarge = imageSizeProblem(columns, rows, frames);
    if (tooLarge) throw new DicomError(tooLarge);
    const needed = Math.ceil((rows * columns * frames * samplesPerPixel * bitsAllocated) / 8);
    if (length > 2 * needed + PIXEL_SLACK_BYTES) {
      throw new DicomError(
        `the deflated pixel data is ${megabytes(length)} but the header's ${columns}x${rows} image needs ${megabytes(needed)} (corrupt or hostile file)`,
      );
    }
    if (valueAt + length + TRAILER_BYTES < this.allowedEnd) this.allowedEnd = valueAt + length + TRAILER_BYTES;
  }
}
