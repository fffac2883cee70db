import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Fleet } from '../../fleet/fleet.js';
import { deviceEnrolmentSchema, deviceSchema } from '../../fleet/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { enrolledDeviceSchema } from '../response-schemas.js';

const idParams = z.object({ id: z.string() });
const selectorQuery = z.object({ selector: z.string().optional() });

/** Fleet routes: list/show devices, enrol (secret returned once), revoke (issue #6 "Fleet"). */
export function registerDeviceRoutes(app: FastifyInstance, fleet: Fleet): void {
  const tags = ['devices'];
  app.get('/v1/devices', {
    schema: routeSchema({ tags, summary: 'Devices, optionally filtered by ?selector=tag:pilot,region:eu-west', querystring: selectorQuery, responses: { 200: z.object({ devices: z.array(deviceSchema) }) } }),
  }, async (request) => {
    const { selector } = parseRequest(selectorQuery, request.query);
    return { devices: fleet.listDevices(selector) };
  });

  app.get('/v1/devices/:id', { schema: routeSchema({ tags, summary: 'One device with its reported inventory', params: idParams, responses: { 200: deviceSchema } }) }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    return fleet.getDevice(id);
  });

  // Fleet.enrolDevice validates with deviceEnrolmentSchema itself (the CLI shares it).
  app.post('/v1/devices', {
    schema: routeSchema({ tags, summary: 'Enrol a device; the response carries its secret, shown only this once', body: deviceEnrolmentSchema, responses: { 201: enrolledDeviceSchema } }),
  }, async (request, reply) => {
    const enrolled = await fleet.enrolDevice(request.body);
    return reply.status(201).send(enrolled);
  });

  app.post('/v1/devices/:id/revoke', { schema: routeSchema({ tags, summary: 'Revoke a device’s credentials (no body)', params: idParams, responses: { 200: deviceSchema } }) }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    return fleet.revokeDevice(id);
  });
}
