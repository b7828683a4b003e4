// Draws the app icons (a lens over a bone) as SVG and renders them to PNG with sharp.
// Run once with `node scripts/make-icons.mjs`; the PNGs are committed under public/.
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';

const BACKGROUND = '#10151c';
const BONE = '#e8edf2';
const LENS = '#4cc2ff';

function iconSvg(size, { maskable }) {
  // A maskable icon keeps its drawing inside the central 80% safe zone.
  const inset = maskable ? 0.2 : 0.08;
  const s = size * (1 - 2 * inset);
  const o = size * inset;
  const u = (v) => o + v * s;
  const radius = maskable ? 0 : size * 0.18;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${radius}" fill="${BACKGROUND}"/>
  <g transform="rotate(-35 ${size / 2} ${size / 2})" fill="${BONE}">
    <rect x="${u(0.22)}" y="${u(0.44)}" width="${s * 0.56}" height="${s * 0.12}" rx="${s * 0.04}"/>
    <circle cx="${u(0.2)}" cy="${u(0.42)}" r="${s * 0.085}"/>
    <circle cx="${u(0.2)}" cy="${u(0.58)}" r="${s * 0.085}"/>
    <circle cx="${u(0.8)}" cy="${u(0.42)}" r="${s * 0.085}"/>
    <circle cx="${u(0.8)}" cy="${u(0.58)}" r="${s * 0.085}"/>
  </g>
  <circle cx="${u(0.58)}" cy="${u(0.42)}" r="${s * 0.26}" fill="none" stroke="${LENS}" stroke-width="${s * 0.06}"/>
  <line x1="${u(0.76)}" y1="${u(0.62)}" x2="${u(0.94)}" y2="${u(0.82)}" stroke="${LENS}" stroke-width="${s * 0.09}" stroke-linecap="round"/>
</svg>`;
}

mkdirSync('public/icons', { recursive: true });
const outputs = [
  ['public/icons/icon-192.png', 192, false],
  ['public/icons/icon-512.png', 512, false],
  ['public/icons/icon-maskable-512.png', 512, true],
  ['public/favicon.png', 48, false],
];
for (const [file, size, maskable] of outputs) {
  await sharp(Buffer.from(iconSvg(size, { maskable }))).png({ compressionLevel: 9 }).toFile(file);
  console.log(file);
}
