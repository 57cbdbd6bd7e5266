import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAmzDate, parseAmzDate } from '../../../../src/s3/auth/amz-date.js';

test('parseAmzDate: every formatted time parses back; impossible calendar values are refused', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
      const whole = Math.floor(ms / 1000) * 1000;
      assert.equal(parseAmzDate(formatAmzDate(whole)), whole);
    }),
  );
  // A value is accepted exactly when formatting its time gives it back.
  const digits = (n: number, w: number) => fc.integer({ min: 0, max: n }).map((v) => String(v).padStart(w, '0'));
  fc.assert(
    fc.property(digits(9999, 4), digits(13, 2), digits(32, 2), digits(25, 2), digits(61, 2), digits(61, 2), (y, mo, d, h, mi, s) => {
      const value = `${y}${mo}${d}T${h}${mi}${s}Z`;
      const ms = parseAmzDate(value);
      if (ms === undefined) {
        const rolled = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
        assert.notEqual(formatAmzDate(rolled), value);
      } else {
        assert.equal(formatAmzDate(ms), value);
      }
    }),
    { numRuns: 2000 },
  );
  for (const bad of ['20130230T000000Z', '20230229T000000Z', '20240101T240000Z', '2024010T000000Z', '20240101T000000', '']) assert.equal(parseAmzDate(bad), undefined, bad);
  assert.equal(parseAmzDate('20240229T235959Z'), Date.UTC(2024, 1, 29, 23, 59, 59));
});
