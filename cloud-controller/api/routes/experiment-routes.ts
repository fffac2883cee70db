import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../../protocols/ids.js';
import type { Experiments } from '../../experiments/experiments.js';
import { conclusionSchema, createExperimentSchema, experimentSchema, experimentStatusSchema } from '../../experiments/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { actorOf } from './operator-routes.js';

const idParams = z.object({ id: idSchema });

/** Experiment routes (issue #13): create, list, status (any time), conclude. */
export function registerExperimentRoutes(app: FastifyInstance, experiments: Experiments): void {
  const tags = ['experiments'];
  app.post('/v1/experiments', {
    schema: routeSchema({ tags, summary: 'Start a champion/challenger experiment (split or shadow) on the selected devices; idempotent by experimentId', body: createExperimentSchema, responses: { 201: experimentSchema } }),
  }, async (request, reply) => reply.status(201).send(await experiments.create(request.body, actorOf(request))));

  app.get('/v1/experiments', {
    schema: routeSchema({ tags, summary: 'Experiments, newest first', responses: { 200: z.object({ experiments: z.array(experimentSchema) }) } }),
  }, async () => ({ experiments: experiments.list() }));

  app.get('/v1/experiments/:id', {
    schema: routeSchema({ tags, summary: 'Daily differential series, Diebold–Mariano (HLN) and mSPRT results and the verdict so far', params: idParams, responses: { 200: experimentStatusSchema } }),
  }, async (request) => experiments.status(parseRequest(idParams, request.params).id));

  app.post('/v1/experiments/:id/conclude', {
    schema: routeSchema({ tags, summary: 'Promote the winner (champion alias) and archive the loser, recorded in the registry history', params: idParams, responses: { 200: conclusionSchema } }),
  }, async (request) => experiments.conclude(parseRequest(idParams, request.params).id, actorOf(request)));
}
