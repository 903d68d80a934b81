import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../../engine/playbook/suggest.js';

describe('close-match suggestions', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('whn', 'when')).toBe(1);
    expect(editDistance('tempalte', 'template')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('suggests the closest candidate within a distance growing with length', () => {
    expect(didYouMean('whn', ['when', 'name', 'tags'])).toBe(" (did you mean 'when'?)");
    expect(closestMatch('becom_user', ['become', 'become_user'])?.match).toBe('become_user');
    expect(didYouMean('zzzzzz', ['when', 'name'])).toBe('');
  });
});
