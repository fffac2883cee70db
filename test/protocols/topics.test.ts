import test from 'ava';
import { deviceTopic, parseDeviceTopic, deviceSubtreeFilter, allDevicesFilter, defaultPosReplyTopic, deviceChannelNames } from '../../protocols/topics.js';
import { assertValidId, idSchema } from '../../protocols/ids.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

test('builds every device channel topic and parses it back', (t) => {
  for (const channel of deviceChannelNames) {
    const topic = deviceTopic('store-0042', channel);
    t.is(topic, `fc/v1/d/store-0042/${channel}`);
    t.deepEqual(parseDeviceTopic(topic), { deviceId: 'store-0042', channel });
  }
  t.is(deviceSubtreeFilter('store-0042'), 'fc/v1/d/store-0042/#');
  t.is(allDevicesFilter('up'), 'fc/v1/d/+/up');
  t.is(defaultPosReplyTopic('pos-7'), 'pos/v1/score/res/pos-7');
});

const badIds: Array<[string, unknown]> = [
  ['empty', ''],
  ['slash', 'a/b'],
  ['plus', 'a+b'],
  ['hash', 'store#1'],
  ['NUL', 'a\u0000b'],
  ['too long', 'x'.repeat(129)],
  ['not a string', 42],
  // Ids are path parts too (issue #9 finding 2).
  ['dot', '.'],
  ['dot-dot', '..'],
  ['leading dot', '.hidden'],
  ['backslash', 'a\\b'],
  ['tab', 'a\tb'],
  ['newline', 'a\nb'],
  ['DEL', 'a\u007fb'],
  ['C1 control', 'a\u0085b'],
];

test('ids with inner dots, dashes, colons and non-ASCII letters stay valid', (t) => {
  for (const id of ['store-1', 'demand.v2', 'a..b', 'x:y', 'Zürich_1', 'install-1']) t.is(assertValidId(id), id);
});

for (const [what, id] of badIds) {
  test(`an id that is ${what} is refused with FC_ERR_INVALID_ID`, (t) => {
    const error = t.throws(() => assertValidId(id, 'deviceId'), { instanceOf: FleetcastError });
    t.is(error?.code, 'FC_ERR_INVALID_ID');
    t.false(idSchema.safeParse(id).success);
    if (typeof id === 'string') t.is(t.throws(() => deviceTopic(id, 'cmd'), { instanceOf: FleetcastError })?.code, 'FC_ERR_INVALID_ID');
  });
}

const badTopics = ['fc/v1/d/store-1', 'fc/v1/d//cmd', 'fc/v1/d/store-1/cmd/extra', 'fc/v2/d/store-1/cmd', 'pos/v1/score/req', 'fc/v1/d/store-1/blob', 'fc/v1/d/a+b/cmd'];
for (const topic of badTopics) {
  test(`topic ${JSON.stringify(topic)} is not a device topic`, (t) => {
    t.is(t.throws(() => parseDeviceTopic(topic), { instanceOf: FleetcastError })?.code, 'FC_ERR_INVALID_TOPIC');
  });
}
