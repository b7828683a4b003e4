// The real radiographs the benchmark analyses (see the SOURCES.md or cases.json beside each), each with the
// URL the benchmark's server gives it. Photos and other non-radiographs in those folders are left out.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchImage {
  path: string;
  url: string;
}

/** URL prefix -> folder, relative to the repository root */
export const IMAGE_FOLDERS: Record<string, string> = {
  '/images/fixtures/': 'test/fixtures/images',
  '/images/golden/': 'test/fixtures/golden',
  '/images/examples/': 'public/examples',
};

const RASTER = /\.(png|jpe?g)$/i;
const NOT_A_RADIOGRAPH = /notxray|photo/i;

export function radiographs(repoRoot: string): BenchImage[] {
  return Object.entries(IMAGE_FOLDERS).flatMap(([prefix, folder]) =>
    readdirSync(join(repoRoot, folder))
      .filter((name) => RASTER.test(name) && !NOT_A_RADIOGRAPH.test(name))
      .sort()
      .map((name) => ({ path: join(repoRoot, folder, name), url: prefix + encodeURIComponent(name) })),
  );
}
