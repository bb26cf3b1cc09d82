import { describe, expect, test } from 'vitest';
import { CliError } from '../../src/errors.js';
import { parseWindow, parseWindowBound } from '../../src/analysis/window.js';

describe('--from and --to', () => {
  test('a date alone is midnight UTC for --from and the whole day for --to', () => {
    expect(parseWindow({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });

  test('a time without a zone is UTC; a zone or offset is honoured', () => {
    expect(parseWindowBound('2026-03-01T08:30', 'from')).toBe('2026-03-01T08:30:00.000Z');
    expect(parseWindowBound('2026-03-01 08:30:15.5', 'from')).toBe('2026-03-01T08:30:15.500Z');
    expect(parseWindowBound('2026-03-01T08:30:00+02:00', 'to')).toBe('2026-03-01T06:30:00.000Z');
    expect(parseWindowBound('2026-03-01T08:30:00-0130', 'to')).toBe('2026-03-01T10:00:00.000Z');
    expect(parseWindowBound('2026-03-01T08:30:00z', 'to')).toBe('2026-03-01T08:30:00.000Z');
  });

  test('no bound means all data on that side', () => {
    expect(parseWindow({})).toEqual({ from: null, to: null });
  });

  test.each(['yesterday', '2026-02-30', '2026-13-01', '03/01/2026', '2026-03-01T25:00', '1709280000', ''])(
    "'%s' is a usage error (exit code 2) that says what format to use",
    (value) => {
      let error: unknown;
      try {
        parseWindow({ from: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toContain('ISO 8601');
      expect((error as CliError).message).toContain('2026-03-01T08:00:00Z');
    },
  );

  test('--from must come before --to', () => {
    expect(() => parseWindow({ from: '2026-03-04', to: '2026-03-03' })).toThrow(
      new CliError('--from 2026-03-04 (2026-03-04T00:00:00.000Z) must be before --to 2026-03-03, which ends the window at 2026-03-04T00:00:00.000Z since a date alone includes that whole day', 2),
    );
    expect(() => parseWindow({ from: '2026-03-02T12:00Z', to: '2026-03-02T11:00Z' })).toThrow(
      '--from 2026-03-02T12:00Z (2026-03-02T12:00:00.000Z) must be before --to 2026-03-02T11:00Z (2026-03-02T11:00:00.000Z)',
    );
    expect(() => parseWindow({ from: '2026-03-02T10:00Z', to: '2026-03-02T10:00Z' })).toThrow(CliError);
  });
});
