// Transfer syntaxes by UID (DICOM PS3.6 Annex A), and how their pixel data is decoded.

export type PixelEncoding =
  | 'native' // uncompressed, little endian
  | 'native-big-endian'
  | 'rle'
  | 'jpeg' // baseline/extended, 8 or 12 bits (Processes 1, 2 and 4)
  | 'jpeg-lossless' // Process 14
  | 'jpeg-ls'
  | 'jpeg2000';

interface SyntaxInfo {
  name: string;
  /** undefined: recognised but not supported */
  encoding?: PixelEncoding;
}

export const TRANSFER_SYNTAXES: Record<string, SyntaxInfo> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', encoding: 'native-big-endian' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', encoding: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 and 4)', encoding: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', encoding: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': {
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    encoding: 'jpeg-lossless',
  },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', encoding: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Lossy (Near-Lossless)', encoding: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 (Lossless Only)', encoding: 'jpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', encoding: 'jpeg2000' },
  // Recognised, so that the error can name them.
  '1.2.840.10008.1.2.4.53': { name: 'JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8, retired)' },
  '1.2.840.10008.1.2.4.55': { name: 'JPEG Full Progression, Non-Hierarchical (Process 10 and 12, retired)' },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component (Lossless Only)' },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component' },
  '1.2.840.10008.1.2.4.94': { name: 'JPIP Referenced' },
  '1.2.840.10008.1.2.4.95': { name: 'JPIP Referenced Deflate' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile @ Main Level' },
  '1.2.840.10008.1.2.4.101': { name: 'MPEG2 Main Profile @ High Level' },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264 High Profile' },
  '1.2.840.10008.1.2.4.103': { name: 'MPEG-4 AVC/H.264 BD-compatible High Profile' },
  '1.2.840.10008.1.2.4.104': { name: 'MPEG-4 AVC/H.264 High Profile for 2D Video' },
  '1.2.840.10008.1.2.4.105': { name: 'MPEG-4 AVC/H.264 High Profile for 3D Video' },
  '1.2.840.10008.1.2.4.106': { name: 'MPEG-4 AVC/H.264 Stereo High Profile' },
  '1.2.840.10008.1.2.4.107': { name: 'HEVC/H.265 Main Profile' },
  '1.2.840.10008.1.2.4.108': { name: 'HEVC/H.265 Main 10 Profile' },
  '1.2.840.10008.1.2.4.110': { name: 'JPEG XL Lossless' },
  '1.2.840.10008.1.2.4.111': { name: 'JPEG XL JPEG Recompression' },
  '1.2.840.10008.1.2.4.112': { name: 'JPEG XL' },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 (Lossless Only)' },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)' },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000' },
  '1.2.840.10008.1.2.6.1': { name: 'RFC 2557 MIME encapsulation (retired)' },
  '1.2.840.10008.1.2.6.2': { name: 'XML Encoding (retired)' },
};

export function transferSyntaxName(uid: string): string {
  return TRANSFER_SYNTAXES[uid]?.name ?? `unknown transfer syntax ${uid}`;
}
