import { describe, expect, test } from 'vitest';
import { median } from '../bench/bench.js';

describe('bench medians over repeated runs', () => {
  test('an odd count takes the middle run, whatever order the runs came in', () => {
    expect(median([41.7, 35.1, 46.8])).toBe(41.7);
    expect(median([3.77])).toBe(3.77);
  });

  test('an even count takes the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
