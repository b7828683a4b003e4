// JPEG Lossless (ITU-T T.81 Annex H, Process 14: Huffman, non-hierarchical), the common shape in DICOM: one
// scan with every component, one sample per component per pixel, predictors 1 to 7, point transform. Huffman
// codes are read through lookup tables, straight into the output. Anything else (several scans, subsampling,
// restart intervals, DNL, 8-bit output of deeper samples) returns undefined so that the general decoder takes
// it; a corrupt stream throws. Checked against dcmtk's dcmdjpeg for every predictor, 8, 12 and 16 bits, RGB.

export interface LosslessImage {
  width: number;
  height: number;
  components: number;
  /** interleaved per pixel; Uint8Array when bytesPerSample is 1 */
  samples: Uint8Array | Uint16Array;
}

const SOI = 0xd8;
const SOF3 = 0xc3;
const DHT = 0xc4;
const SOS = 0xda;
const DRI = 0xdd;
const DNL = 0xdc;
const EOI = 0xd9;
const LOOKUP_BITS = 16;
/** zero bytes fed past the end of the entropy-coded data before it counts as truncated */
const MAX_PADDING_BYTES = 4;

class Unsupported {}

/**
 * A Huffman table as lookups of (code length << 8) | symbol by the next bits, 0 for no code: `fast` by the next
 * FAST_BITS (codes up to that long; it fits in the L1 cache), `full` by the next 16.
 */
interface Huffman {
  fast: Uint16Array;
  full: Uint16Array;
}
const FAST_BITS = 10;

function huffmanTable(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const full = huffmanLookup(counts, symbols);
  const fast = new Uint16Array(1 << FAST_BITS);
  for (let k = 0; k < fast.length; k++) {
    const entry = full[k << (LOOKUP_BITS - FAST_BITS)];
    if (entry >> 8 <= FAST_BITS) fast[k] = entry;
  }
  return { fast, full };
}

function huffmanLookup(counts: Uint8Array, symbols: Uint8Array): Uint16Array {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let n = 0; n < counts[length - 1]; n++) {
      if (code >= 1 << length) throw new Error('invalid Huffman table');
      const shift = LOOKUP_BITS - length;
      lookup.fill((length << 8) | symbols[k++], code << shift, (code + 1) << shift);
      code++;
    }
    code <<= 1;
  }
  return lookup;
}

interface Header {
  precision: number;
  width: number;
  height: number;
  componentIds: number[];
  tables: (Huffman | undefined)[];
  restartInterval: number;
  scanTables: Huffman[];
  predictor: number;
  pointTransform: number;
  /** first byte of the entropy-coded data */
  start: number;
}

function readHeader(data: Uint8Array): Header {
  const u16 = (at: number) => (data[at] << 8) | data[at + 1];
  if (data[0] !== 0xff || data[1] !== SOI) throw new Error('not a JPEG stream (no SOI)');
  let at = 2;
  let frame: Pick<Header, 'precision' | 'width' | 'height' | 'componentIds'> | undefined;
  const tables: (Huffman | undefined)[] = [];
  let restartInterval = 0;
  for (;;) {
    if (at + 4 > data.length) throw new Error('the JPEG stream ends before its scan');
    if (data[at] !== 0xff) throw new Error('corrupt JPEG header');
    const marker = data[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = u16(at + 2);
    const body = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > data.length) throw new Error('corrupt JPEG marker length');
    if ((marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc) || marker === 0xcc) {
      if (marker !== SOF3 || frame) throw new Unsupported();
      const components = data[body + 5];
      frame = { precision: data[body], height: u16(body + 1), width: u16(body + 3), componentIds: [] };
      if (frame.height === 0 || components === 0 || length < 8 + 3 * components) throw new Unsupported();
      for (let c = 0; c < components; c++) {
        const sampling = data[body + 7 + 3 * c];
        if (components > 1 && sampling !== 0x11) throw new Unsupported();
        frame.componentIds.push(data[body + 6 + 3 * c]);
      }
    } else if (marker === DHT) {
      let t = body;
      while (t < end) {
        const kind = data[t] >> 4;
        const id = data[t] & 15;
        const counts = data.subarray(t + 1, t + 17);
        const total = counts.reduce((n, c) => n + c, 0);
        if (t + 17 + total > end) throw new Error('corrupt Huffman table');
        if (kind === 0) tables[id] = huffmanTable(counts, data.subarray(t + 17, t + 17 + total));
        t += 17 + total;
      }
    } else if (marker === DRI) {
      restartInterval = u16(body);
    } else if (marker === SOS) {
      if (!frame) throw new Error('JPEG scan before its frame header');
      const count = data[body];
      if (count !== frame.componentIds.length || length < 6 + 2 * count) throw new Unsupported();
      const scanTables: Huffman[] = [];
      for (let c = 0; c < count; c++) {
        if (data[body + 1 + 2 * c] !== frame.componentIds[c]) throw new Unsupported();
        const table = tables[data[body + 2 + 2 * c] >> 4];
        if (!table) throw new Error('JPEG scan uses a missing Huffman table');
        scanTables.push(table);
      }
      const predictor = data[body + 1 + 2 * count];
      const pointTransform = data[body + 3 + 2 * count] & 15;
      if (predictor < 1 || predictor > 7 || pointTransform >= frame.precision) throw new Unsupported();
      return { ...frame, tables, restartInterval, scanTables, predictor, pointTransform, start: end };
    } else if (marker === EOI || marker === DNL) {
      throw new Unsupported();
    }
    at = end;
  }
}

/** undefined: a valid stream this decoder does not handle. Throws on a corrupt one. */
export function decodeJpegLosslessFast(data: Uint8Array, bytesPerSample: number): LosslessImage | undefined {
  let header: Header;
  try {
    header = readHeader(data);
  } catch (thrown) {
    if (thrown instanceof Unsupported) return undefined;
    throw thrown;
  }
  const { width, height, precision, predictor, pointTransform, restartInterval, scanTables } = header;
  const components = scanTables.length;
  if (bytesPerSample === 1 ? precision > 8 : bytesPerSample !== 2) return undefined;
  // Restart intervals are written for whole rows (T.81 H.1.2.1) but no encoder at hand makes them to test
  // against: the general decoder keeps them.
  if (restartInterval !== 0) return undefined;

  const samples = bytesPerSample === 1 ? new Uint8Array(width * height * components) : new Uint16Array(width * height * components);
  const stride = width * components; // one row
  const initial = 1 << (precision - pointTransform - 1);
  const mask = (1 << (precision - pointTransform)) - 1;

  // The bit reader, inlined below (locals, not closures, so that they stay in registers): `bits` holds `count`
  // (at most 24) unread bits at its low end, small integers throughout. A marker or the end of the data reads
  // as zeros.
  const end = data.length;
  let pos = header.start;
  let bits = 0;
  let count = 0;
  let padding = 0;
  const truncated = () => new Error('the JPEG lossless data ends early (truncated or corrupt)');

  for (let row = 0; row < height; row++) {
    const firstRow = row === 0;
    const rowStart = row * stride;
    const rowEnd = rowStart + stride;
    for (let i = rowStart, c = 0; i < rowEnd; i++, c = c + 1 === components ? 0 : c + 1) {
      const table = scanTables[c];
      // the prediction (T.81 H.1.2.1): the start value, then the left sample along the first row;
      // the sample above down the first column; elsewhere the selected predictor
      let p: number;
      if (i - rowStart < components) p = firstRow ? initial : samples[i - stride];
      else if (firstRow || predictor === 1) p = samples[i - components];
      else {
        const a = samples[i - components];
        const b = samples[i - stride];
        const cc = samples[i - stride - components];
        switch (predictor) {
          case 2: p = b; break;
          case 3: p = cc; break;
          case 4: p = a + b - cc; break;
          case 5: p = a + ((b - cc) >> 1); break;
          case 6: p = b + ((a - cc) >> 1); break;
          default: p = (a + b) >> 1; break;
        }
      }
      // the difference: a Huffman-coded size, then that many bits
      if (count < 16) {
        while (count <= 16) {
          let byte = 0;
          if (pos < end && (data[pos] !== 0xff || data[pos + 1] === 0)) {
            byte = data[pos];
            pos += byte === 0xff ? 2 : 1;
          } else if (++padding > MAX_PADDING_BYTES) throw truncated();
          bits = ((bits << 8) | byte) & 0xffffff;
          count += 8;
        }
      }
      let entry = table.fast[(bits >>> (count - FAST_BITS)) & ((1 << FAST_BITS) - 1)];
      if (entry === 0) {
        entry = table.full[(bits >>> (count - 16)) & 0xffff];
        if (entry === 0) throw new Error('invalid Huffman code in the JPEG lossless data');
      }
      count -= entry >> 8;
      const size = entry & 0xff;
      let diff = 0;
      if (size >= 16) diff = 32768;
      else if (size > 0) {
        if (count < size) {
          while (count <= 16) {
            let byte = 0;
            if (pos < end && (data[pos] !== 0xff || data[pos + 1] === 0)) {
              byte = data[pos];
              pos += byte === 0xff ? 2 : 1;
            } else if (++padding > MAX_PADDING_BYTES) throw truncated();
            bits = ((bits << 8) | byte) & 0xffffff;
            count += 8;
          }
        }
        const value = (bits >>> (count - size)) & ((1 << size) - 1);
        count -= size;
        diff = value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
      }
      samples[i] = (p + diff) & 0xffff;
    }
  }
  if (pointTransform > 0) for (let i = 0; i < samples.length; i++) samples[i] = (samples[i] & mask) << pointTransform;
  return { width, height, components, samples };
}
