import test from 'ava';
import { readableJson, readableNumber } from '../../../protocols/runtime/format.js';

test('readableNumber keeps integers whole and rounds the rest to significant digits', (t) => {
  t.is(readableNumber(0.2937123456789), '0.2937');
  t.is(readableNumber(12.345678), '12.35');
  t.is(readableNumber(-0.000123456), '-0.0001235');
  t.is(readableNumber(4.999999761581421, 6), '5');
  t.is(readableNumber(123456.78), '123457');
  t.is(readableNumber(42), '42');
  t.is(readableNumber(Number.NaN), 'NaN');
});

test('readableJson rounds every number inside', (t) => {
  t.is(readableJson({ wape: 0.29371234567, nested: [1.23456789, 3] }), '{"wape":0.2937,"nested":[1.235,3]}');
});
