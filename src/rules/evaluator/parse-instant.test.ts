import { describe, expect, it } from 'vitest';
import { parseInstant } from './parse-instant.js';

describe('parseInstant', () => {
  it.each([
    ['2024-01-31', Date.UTC(2024, 0, 31)],
    ['2024-01-31T12:30', Date.UTC(2024, 0, 31, 12, 30)],
    ['2024-01-31T12:30:15.5Z', Date.UTC(2024, 0, 31, 12, 30, 15, 500)],
    ['2024-01-31T12:30:15.123456Z', Date.UTC(2024, 0, 31, 12, 30, 15, 123)],
    ['2024-01-31T12:00:00+02:00', Date.UTC(2024, 0, 31, 10)],
    ['2024-01-31T12:00:00-0130', Date.UTC(2024, 0, 31, 13, 30)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['0050-01-01', -60589296000000],
  ])('reads %s as UTC unless an offset is given', (text, expected) => {
    expect(parseInstant(text)).toBe(expected);
  });
  it.each(['2023-02-29', '2024-13-01', '2024-01-31T24:00', 'yesterday', '2024-1-5', '1706659200000', '2024-01-31T12:00:00+25:00'])(
    'rejects %s',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});
