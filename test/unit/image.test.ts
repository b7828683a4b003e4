import { describe, expect, it } from 'vitest';
import { gray16ToGray, rgbaToGray, sniffFormat } from '../../src/pipeline/image';
import { FIXTURES, fixtureBytes } from './support/models';

function bytesOf(...parts: (number[] | string)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
}

describe('sniffFormat', () => {
  it('recognises every fixture as JPEG from its bytes', () => {
    for (const f of FIXTURES) expect(sniffFormat(fixtureBytes(f.name))).toBe('jpeg');
  });

  it('recognises the magic numbers of each supported format', () => {
    expect(sniffFormat(bytesOf([0x89], 'PNG\r\n', [0x1a, 0x0a], 'rest'))).toBe('png');
    expect(sniffFormat(bytesOf('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(bytesOf('GIF89a', [0, 0]))).toBe('gif');
    expect(sniffFormat(bytesOf('GIF87a', [0, 0]))).toBe('gif');
    expect(sniffFormat(bytesOf('BM', new Array(30).fill(0)))).toBe('bmp');
    expect(sniffFormat(bytesOf(new Array(128).fill(0), 'DICM', [2, 0]))).toBe('dicom');
  });

  it('calls text, empty and truncated headers unknown, whatever the file is named', () => {
    expect(sniffFormat(bytesOf('hello, I am a text file renamed to .png\n'))).toBe('unknown');
    expect(sniffFormat(new Uint8Array(0))).toBe('unknown');
    expect(sniffFormat(bytesOf([0x89], 'PN'))).toBe('unknown');
    expect(sniffFormat(bytesOf('RIFF', [1, 2, 3, 4], 'WAVE'))).toBe('unknown');
  });
});

describe('rgbaToGray', () => {
  it('uses BT.601 luma, rounds half up and ignores alpha', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128, 200, 200, 200, 7]);
    const gray = rgbaToGray(rgba, 2, 2);
    expect(gray.width).toBe(2);
    expect(gray.height).toBe(2);
    // 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1; grey stays grey
    expect(Array.from(gray.data)).toEqual([76, 150, 29, 200]);
  });

  it('refuses a buffer of the wrong length', () => {
    expect(() => rgbaToGray(new Uint8Array(12), 2, 2)).toThrow(/expected 16 bytes/);
  });
});

describe('gray16ToGray', () => {
  it('stretches the used 16-bit range to 0..255 as training does', () => {
    const gray = gray16ToGray(Uint16Array.from([1000, 1500, 2000, 1000]), 2, 2);
    expect(Array.from(gray.data)).toEqual([0, 128, 255, 0]);
  });

  it('maps a constant image to black instead of dividing by zero', () => {
    expect(Array.from(gray16ToGray(Uint16Array.from([4000, 4000]), 2, 1).data)).toEqual([0, 0]);
  });
});
