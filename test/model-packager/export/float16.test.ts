import test from 'ava';
import fc from 'fast-check';
import { float16Bits, float16Value, roundFloat16, roundUpFloat16 } from '../../../model-packager/export/float16.js';

test('float16 bit patterns of known values (IEEE 754 binary16)', (t) => {
  t.is(float16Bits(1), 0x3c00);
  t.is(float16Bits(-2), 0xc000);
  t.is(float16Bits(65504), 0x7bff);
  t.is(float16Bits(1e6), 0x7c00);
  t.is(float16Bits(2 ** -24), 0x0001);
  t.is(float16Bits(0.1), 0x2e66);
  t.is(float16Value(0x3555), 0.333251953125);
});

test('float16 rounding is to nearest: error ≤ half an ulp (2⁻¹¹ relative) in the normal range', (t) => {
  fc.assert(fc.property(fc.double({ min: 6.2e-5, max: 65000, noNaN: true }), (value) => Math.abs(roundFloat16(value) - value) <= value * 2 ** -11));
  t.pass();
});

test('roundUpFloat16 gives the smallest float16 not below the value', (t) => {
  t.is(roundUpFloat16(1), 1);
  t.is(roundUpFloat16(1 + 2 ** -12), 1 + 2 ** -10);
  fc.assert(fc.property(fc.double({ min: 1e-7, max: 65000, noNaN: true }), (value) => {
    const up = roundUpFloat16(value);
    return up >= value && float16Value(float16Bits(up) - 1) < value;
  }));
  t.pass();
});
