import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Fleet } from '../../fleet/fleet.js';
import { parseRequest } from '../parse.js';

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

/** Fleet routes: list/show devices, enrol (secret returned once), revoke (issue #6 "Fleet"). */
export function registerDeviceRoutes(app: FastifyInstance, fleet: Fleet): void {
  const tags = ['devices'];
  app.get('/v1/devices', { schema: { tags, summary: 'Devices, optionally filtered by ?selector=tag:pilot,region:eu-west' } }, async (request) => {
    const { selector } = parseRequest(z.object({ selector: z.string().optional() }), request.query);
    return { devices: fleet.listDevices(selector) };
  });

  app.get('/v1/devices/:id', { schema: { tags, summary: 'One device with its reported inventory', params: idParams } }, async (request) => {
    const { id } = parseRequest(z.object({ id: z.string() }), request.params);
    return fleet.getDevice(id);
  });

  app.post('/v1/devices', { schema: { tags, summary: 'Enrol a device; the response carries its secret, shown only this once' } }, async (request, reply) => {
    const enrolled = await fleet.enrolDevice(request.body);
    return reply.status(201).send(enrolled);
  });

  app.post('/v1/devices/:id/revoke', { schema: { tags, summary: 'Revoke a device’s credentials', params: idParams } }, async (request) => {
    const { id } = parseRequest(z.object({ id: z.string() }), request.params);
    return fleet.revokeDevice(id);
  });
}
