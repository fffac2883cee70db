import test from 'ava';
import { errorCatalog, errorCodes, exitCodeFor } from '../../protocols/errors/catalog.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';

test('every code is FC_ERR_ form, has a message and a sysexits-style exit status', (t) => {
  t.true(errorCodes.length > 10);
  for (const code of errorCodes) {
    t.regex(code, /^FC_ERR_[A-Z0-9_]+$/);
    t.true(errorCatalog[code].message.length > 0, code);
    const exit = exitCodeFor(code);
    t.true(exit === 1 || (exit >= 64 && exit <= 78), `${code} exit ${exit}`);
  }
});

test('area catalogs do not define the same code twice', async (t) => {
  const areas = await Promise.all(
    ['protocol', 'data', 'training', 'bundle', 'agent', 'controller', 'image'].map(async (area) => Object.keys(Object.values(await import(`../../protocols/errors/codes-${area}.js`))[0] as object)),
  );
  const all = areas.flat();
  t.is(new Set(all).size, all.length);
  t.is(all.length, errorCodes.length);
});

test('FleetcastError carries code, detail and a wire form; unknown throwables become FC_ERR_INTERNAL', (t) => {
  const error = new FleetcastError('FC_ERR_INVALID_ID', 'deviceId "a/b"', { what: 'deviceId' });
  t.is(error.code, 'FC_ERR_INVALID_ID');
  t.deepEqual(error.toJSON(), { code: 'FC_ERR_INVALID_ID', message: `${errorCatalog.FC_ERR_INVALID_ID.message}: deviceId "a/b"`, details: { what: 'deviceId' } });
  t.is(toFleetcastError(new RangeError('boom')).code, 'FC_ERR_INTERNAL');
  t.is(toFleetcastError(error), error);
});
