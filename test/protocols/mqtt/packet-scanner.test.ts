import test from 'ava';
import mqttPacket from 'mqtt-packet';
import { PacketScanner } from '../../../protocols/mqtt/packet-scanner.js';
import { LoginThrottle } from '../../../protocols/mqtt/login-throttle.js';

const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c', clean: true, keepalive: 0 });
const publish = (bytes: number): Buffer => mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, retain: false, dup: false });

test('the scanner follows packet boundaries across any chunking and refuses a packet at its header', (t) => {
  const stream = Buffer.concat([connect, publish(10), mqttPacket.generate({ cmd: 'pingreq' }), publish(300), publish(5_000)]);
  for (const size of [1, 2, 3, 7, 64, stream.length]) {
    const scanner = new PacketScanner(1_024);
    let violation = null;
    let offset = 0;
    for (; offset < stream.length && violation === null; offset += size) violation = scanner.scan(stream.subarray(offset, offset + size));
    t.is(violation, 'packet-too-large', `chunks of ${size}`);
    t.true(scanner.connectReceived);
    // Refused once the 5,000-byte packet's length is known: at most its header (≤ 5 bytes) past the earlier packets.
    t.true(offset <= stream.length - 5_000 + size, `read ${offset} of ${stream.length} in chunks of ${size}`);
  }
});

test('the first packet must be a CONNECT; a five-byte remaining length is malformed; 268 MB is refused unread', (t) => {
  t.is(new PacketScanner(1_024).scan(publish(1)), 'first-packet-not-connect');
  t.is(new PacketScanner(1_024).scan(Buffer.concat([connect, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])])), 'malformed-length');
  t.is(new PacketScanner(256 * 1024).scan(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])), 'packet-too-large');
  const scanner = new PacketScanner(1_024);
  t.is(scanner.scan(connect.subarray(0, connect.length - 1)), null);
  t.false(scanner.connectReceived, 'CONNECT not complete yet');
  t.is(scanner.scan(connect.subarray(connect.length - 1)), null);
  t.true(scanner.connectReceived);
});

test('login throttle: blocks an address after maxFailures within the window, forgets it after the window or a success', (t) => {
  let now = 0;
  const throttle = new LoginThrottle(2, 1_000, () => now);
  throttle.failed('a');
  t.false(throttle.blocked('a'));
  throttle.failed('a');
  t.true(throttle.blocked('a'));
  t.false(throttle.blocked('b'), 'other addresses unaffected');
  now = 1_000;
  t.false(throttle.blocked('a'), 'window over');
  throttle.failed('a');
  throttle.succeeded('a');
  throttle.failed('a');
  t.false(throttle.blocked('a'), 'a success resets the count');
});
