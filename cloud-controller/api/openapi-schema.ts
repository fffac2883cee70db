import type { FastifySchema } from 'fastify';
import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { apiErrorBodySchema } from './error-body.js';

/** A JSON Schema object as @fastify/swagger reads it. */
type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (OpenAPI 3.0 dialect: `nullable`, no `$schema`) of a zod schema, inlined (no
 * `$ref`s, which @fastify/swagger would look up among fastify's shared schemas). Refinements
 * document their input; fields with a default are optional; objects that zod strips stay open
 * (`additionalProperties` only for `.strict()`), so the document never promises a rejection
 * that zod would not make.
 */
export function jsonSchemaOf(schema: z.ZodTypeAny, description?: string): JsonSchema {
  const converted = zodToJsonSchema(schema, { target: 'openApi3', $refStrategy: 'none', removeAdditionalStrategy: 'strict' }) as JsonSchema;
  return description ? { ...converted, description } : converted;
}

/** Body of a binary upload (`application/octet-stream`), e.g. a signed bundle. */
export const binaryBody: JsonSchema = { type: 'string', format: 'binary' };

/** A binary download response (@fastify/swagger reads `content` for OpenAPI 3 media types). */
export const binaryResponse: JsonSchema = { content: { 'application/octet-stream': { schema: binaryBody } } };

const RESPONSE_DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted, waiting for a second operator',
  204: 'No content',
  206: 'Partial content (Range request)',
};

/** What one route documents; every zod schema is the one its handler validates with. */
export interface RouteDoc {
  /** Groups routes in the UI. */
  tags: string[];
  summary: string;
  /** Path parameters (`:name` segments). */
  params?: z.ZodTypeAny;
  querystring?: z.ZodTypeAny;
  /** JSON request body (zod), or a raw JSON Schema for non-JSON bodies (see `consumes`). */
  body?: z.ZodTypeAny | JsonSchema;
  /** Request content types when the body is not JSON. */
  consumes?: string[];
  /** Success responses by status: zod for JSON, a raw JSON Schema for binary bodies, `null` for none (204). */
  responses: Record<number, z.ZodTypeAny | JsonSchema | null>;
  /** Overrides the document-wide bearer requirement (e.g. device HTTP Basic). */
  security?: Array<Record<string, string[]>>;
}

function isZod(value: z.ZodTypeAny | JsonSchema): value is z.ZodTypeAny {
  return typeof (value as { safeParse?: unknown }).safeParse === 'function';
}

/**
 * Fastify route `schema` generated from the route's zod schemas (issue #6 "OpenAPI docs").
 * The server installs no-op validator and plain JSON serializer compilers, so these schemas
 * only document: zod in the handler stays the single validator and its `FC_ERR_*` codes stay
 * the API's behaviour. Every route also documents the coded error body for 4XX and 5XX.
 */
export function routeSchema(doc: RouteDoc): FastifySchema {
  const response: Record<string, JsonSchema> = {};
  for (const [status, schema] of Object.entries(doc.responses)) {
    const description = RESPONSE_DESCRIPTIONS[Number(status)] ?? 'OK';
    response[status] = schema === null ? { type: 'null', description } : isZod(schema) ? jsonSchemaOf(schema, description) : { ...schema, description };
  }
  response['4XX'] = jsonSchemaOf(apiErrorBodySchema, 'Coded client error (FC_ERR_*): bad input, 401/403 auth, 404, 409 conflict, 413, 422 bundle verification');
  response['5XX'] = jsonSchemaOf(apiErrorBodySchema, 'Coded server error (FC_ERR_*)');
  return {
    tags: doc.tags,
    summary: doc.summary,
    ...(doc.params ? { params: jsonSchemaOf(doc.params) } : {}),
    ...(doc.querystring ? { querystring: jsonSchemaOf(doc.querystring) } : {}),
    ...(doc.body ? { body: isZod(doc.body) ? jsonSchemaOf(doc.body) : doc.body } : {}),
    ...(doc.consumes ? { consumes: doc.consumes } : {}),
    ...(doc.security ? { security: doc.security } : {}),
    response,
  };
}
