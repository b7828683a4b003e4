// Derives raw pixel files from the 8-bit reference pixels for scripts/make-dicom-fixtures.sh.
// The formulas are mirrored in test/unit/dicom.test.ts, which checks the decoded values against them.
import { readFileSync, writeFileSync } from 'node:fs';

const [raw8Path, outDir] = process.argv.slice(2);
const v = readFileSync(raw8Path);

const twelveBit = Buffer.alloc(v.length * 2);
v.forEach((x, i) => twelveBit.writeUInt16LE(x * 16 + (x >> 4), i * 2));
writeFileSync(`${outDir}/hand12.raw`, twelveBit);

const signed = Buffer.alloc(v.length * 2);
v.forEach((x, i) => signed.writeInt16LE(x * 8 - 1000, i * 2));
writeFileSync(`${outDir}/signed.raw`, signed);

const negative = Buffer.from(v.map((x) => 255 - x));
const half = Buffer.from(v.map((x) => x >> 1));
writeFileSync(`${outDir}/frames.raw`, Buffer.concat([v, negative, half]));

const rgb = Buffer.alloc(v.length * 3);
v.forEach((x, i) => rgb.set([x, 255 - x, x >> 1], i * 3));
writeFileSync(`${outDir}/rgb.raw`, rgb);
