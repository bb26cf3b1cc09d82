import { describe, expect, test } from 'vitest';
import { median, scalingRatio } from '../bench/bench.js';

describe('bench medians over repeated runs', () => {
  test('an odd count takes the middle run, whatever order the runs came in', () => {
    expect(median([41.7, 35.1, 46.8])).toBe(41.7);
    expect(median([3.77])).toBe(3.77);
  });

  test('an even count takes the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('bench scaling ratio', () => {
  test('runs in rounds: the median of each round’s larger over smaller ingest, not the ratio of the medians', () => {
    // round 2 ran in a slow minute for both sizes: its ratio is as good as the others'
    expect(scalingRatio([4.0, 6.0, 4.2], [44.0, 63.0, 48.3])).toBeCloseTo(11.0, 10);
    expect(median([44.0, 63.0, 48.3]) / median([4.0, 6.0, 4.2])).toBeCloseTo(11.5, 10);
  });

  test('a single run of each size, or runs of unequal counts: the ratio of the medians', () => {
    expect(scalingRatio([4.0], [45.0])).toBe(11.25);
    expect(scalingRatio([4.0, 5.0], [45.0])).toBeCloseTo(10.0, 10);
  });
});
