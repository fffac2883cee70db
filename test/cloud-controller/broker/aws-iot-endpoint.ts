import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One control-plane call as the local endpoint received it. */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  principal: string | undefined;
  body: Record<string, unknown> | undefined;
}

/**
 * A local stand-in for the AWS IoT control-plane REST API (AWS is unreachable here): it
 * implements the dozen calls fleetcast makes with minimal state (policies, thing group,
 * things, certificates) and records every request, so tests check the request shapes the SDK
 * sends. It proves nothing about AWS's own behaviour beyond those shapes.
 */
export async function startFakeIotEndpoint(): Promise<{ url: string; calls: RecordedCall[]; policies: Map<string, string>; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const policies = new Map<string, string>();
  const groups = new Set<string>();
  const things = new Map<string, Set<string>>();
  let certificates = 0;
  const read = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    });
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const text = await read(request);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const principal = request.headers['x-amzn-principal'] as string | undefined;
    const path = decodeURIComponent(url.pathname);
    calls.push({ method: request.method ?? '', path, query: Object.fromEntries(url.searchParams), principal, body });
    const send = (status: number, payload: unknown, errorType?: string): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      response.end(JSON.stringify(payload));
    };
    const [, first, second, third] = path.split('/');
    const key = `${request.method} /${first}${third ? '/x/' + third : second !== undefined ? '/x' : ''}`;
    switch (key) {
      case 'GET /endpoint':
        return send(200, { endpointAddress: 'abc123-ats.iot.eu-west-1.amazonaws.com' });
      case 'GET /policies/x':
        return policies.has(second) ? send(200, { policyName: second, policyDocument: policies.get(second) }) : send(404, { message: 'no such policy' }, 'ResourceNotFoundException');
      case 'POST /policies/x':
        policies.set(second, String(body?.policyDocument));
        return send(200, { policyName: second, policyArn: `arn:aws:iot:eu-west-1:123456789012:policy/${second}` });
      case 'POST /thing-groups/x':
        if (groups.has(second)) return send(409, { message: 'exists' }, 'ResourceAlreadyExistsException');
        groups.add(second);
        return send(200, { thingGroupName: second, thingGroupArn: `arn:aws:iot:eu-west-1:123456789012:thinggroup/${second}` });
      case 'PUT /thing-groups/x':
        return send(200, {});
      case 'POST /things/x':
        things.set(second, new Set());
        return send(200, { thingName: second, thingArn: `arn:aws:iot:eu-west-1:123456789012:thing/${second}` });
      case 'POST /keys-and-certificate': {
        certificates += 1;
        const certificateId = `cert${certificates}`.padEnd(64, '0');
        return send(200, {
          certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${certificateId}`,
          certificateId,
          certificatePem: `-----BEGIN CERTIFICATE-----\nfake${certificates}\n-----END CERTIFICATE-----\n`,
          keyPair: { PublicKey: 'pub', PrivateKey: `-----BEGIN RSA PRIVATE KEY-----\nfake${certificates}\n-----END RSA PRIVATE KEY-----\n` },
        });
      }
      case 'PUT /target-policies/x':
        return send(200, {});
      case 'PUT /things/x/principals':
        things.get(second)?.add(principal ?? '');
        return send(200, {});
      case 'GET /things/x/principals':
        return send(200, { principals: [...(things.get(second) ?? [])] });
      case 'DELETE /things/x/principals':
        things.get(second)?.delete(principal ?? '');
        return send(200, {});
      case 'PUT /certificates/x':
        return send(200, {});
      default:
        return send(400, { message: `unexpected ${key}` }, 'InvalidRequestException');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, policies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
