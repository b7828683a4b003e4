// Every example case has a link of its own; the quiz and the reader study keep theirs.
import { describe, expect, it } from 'vitest';
import { caseHash, caseIdOf, viewOf } from '../../src/app/gallery-links';

describe('gallery links', () => {
  it('opens a case from its own link, and goes back to the grid without one', () => {
    expect(caseHash('elbow-img0001062')).toBe('#examples/elbow-img0001062');
    expect(caseIdOf('#examples/elbow-img0001062')).toBe('elbow-img0001062');
    expect(viewOf('#examples/elbow-img0001062')).toBe('browse');
    expect(caseIdOf('#examples')).toBeNull();
    expect(caseIdOf('#examples/')).toBeNull();
  });

  it('keeps the quiz, the reader study and the analysis view apart from the cases', () => {
    expect(viewOf('#examples/quiz')).toBe('quiz');
    expect(caseIdOf('#examples/quiz')).toBeNull();
    expect(viewOf('#examples/reader-study')).toBe('study');
    expect(caseIdOf('#examples/reader-study')).toBeNull();
    expect(viewOf('#result-3')).toBe('analyse');
    expect(viewOf('#calibrate')).toBe('calibrate');
    expect(caseIdOf('#result-3')).toBeNull();
  });

  it('survives ids that need escaping in a URL', () => {
    expect(caseIdOf(caseHash('a b/c'))).toBe('a b/c');
  });
});
