// The OpenAPI 3.1 description of the API (GET /v2/openapi.json), generated from the same schemas
// that validate requests: one component per collection (lib/validation/documents) and one per
// callflow module's `data` (the registry in callflows/), so the document cannot drift from the code.
import type { ModuleDefinition } from '../engine/module.ts';
import { version } from '../version.ts';
import { flowNodeSchema } from '../validation/callflow.ts';
import { documentSchemas } from '../validation/documents/index.ts';
import { DOCUMENT_COLLECTIONS } from './documents.ts';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function envelope(dataSchema: Json): Json {
  return {
    type: 'object',
    properties: {
      data: dataSchema,
      status: { const: 'success' },
      request_id: { type: 'string' },
      revision: { type: 'string' },
      auth_token: { type: 'string' },
    },
  };
}

const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, dataSchema: Json) => ({ description, ...json(envelope(dataSchema)) });
const errors = {
  '400': { description: 'Invalid request or document: `data` is keyed by field path, then rule', ...json(ref('Error')) },
  '401': { description: 'Missing, invalid or expired X-Auth-Token', ...json(ref('Error')) },
  '404': { description: 'No such account or document within the token\'s reach', ...json(ref('Error')) },
};
const body = (dataSchema: Json) => ({ required: true, ...json({ type: 'object', required: ['data'], properties: { data: dataSchema } }) });
const accountParam = { name: 'account_id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{32}$' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const listParams = [
  { name: 'page_size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
  { name: 'start_key', in: 'query', schema: { type: 'string' }, description: 'The next_start_key of the previous page.' },
  { name: 'paginate', in: 'query', schema: { type: 'string', enum: ['false'] } },
  { name: 'filter_{field}', in: 'query', schema: { type: 'string' }, description: 'Keep documents whose (dotted) field equals the value; also filter_not_, has_key, key_missing, has_value, created_from/_to, modified_from/_to.' },
];

function collectionPaths(c: string): Record<string, Json> {
  const doc = ref(c);
  const tag = [c];
  return {
    [`/accounts/{account_id}/${c}`]: {
      parameters: [accountParam],
      get: { tags: tag, summary: `List ${c} (summaries)`, parameters: listParams, responses: { '200': ok('A page of summaries', { type: 'array', items: { type: 'object' } }), ...errors } },
      put: { tags: tag, summary: `Create a ${c} document (POST accepted too)`, requestBody: body(doc), responses: { '201': ok('Created', doc), ...errors } },
    },
    [`/accounts/{account_id}/${c}/{id}`]: {
      parameters: [accountParam, idParam],
      get: { tags: tag, summary: 'Read one document', responses: { '200': ok('The document', doc), ...errors } },
      post: { tags: tag, summary: 'Replace a document (If-Match / data._rev: 409 when stale)', requestBody: body(doc), responses: { '200': ok('Saved', doc), '409': { description: 'Stale revision', ...json(ref('Error')) }, ...errors } },
      patch: { tags: tag, summary: 'Merge into a document (RFC 7396)', requestBody: body({ type: 'object' }), responses: { '200': ok('Saved', doc), ...errors } },
      delete: { tags: tag, summary: 'Delete a document', responses: { '200': ok('Deleted', doc), ...errors } },
    },
  };
}

/** Per-call records (read-only; `cdrs` is an alias of `calls`). */
function callRecordPaths(c: string): Record<string, Json> {
  const tag = ['calls'];
  const timeParams = [
    { name: 'created_from', in: 'query', schema: { type: 'integer' }, description: 'Calls started at or after (Gregorian seconds, as Kazoo cdrs).' },
    { name: 'created_to', in: 'query', schema: { type: 'integer' }, description: 'Calls started at or before (Gregorian seconds).' },
  ];
  return {
    [`/accounts/{account_id}/${c}`]: {
      parameters: [accountParam],
      get: { tags: tag, summary: 'List call records, newest first (summaries)', parameters: [...listParams, ...timeParams], responses: { '200': ok('A page of call summaries', { type: 'array', items: { type: 'object' } }), ...errors } },
    },
    [`/accounts/{account_id}/${c}/{id}`]: {
      parameters: [accountParam, idParam],
      get: { tags: tag, summary: 'One call record with its trace (id = the call id)', responses: { '200': ok('The call record', { type: 'object' }), ...errors } },
    },
  };
}

function moduleSchema(def: ModuleDefinition): Json {
  return {
    ...def.schema,
    title: def.name,
    description: def.summary,
    'x-implemented': def.implemented,
    'x-children': def.children,
    ...(def.aliases?.length ? { 'x-aliases': def.aliases } : {}),
  };
}

/** Call tracking: tracking numbers and pools (document-like), visitor sessions, tags, stats. */
function trackingPaths(): Json {
  const out: Json = {};
  for (const c of ['tracking_numbers', 'number_pools']) {
    out[`/accounts/{account_id}/${c}`] = {
      parameters: [accountParam],
      get: { tags: ['tracking'], summary: `List ${c}`, responses: { '200': ok('Documents', { type: 'array' }), ...errors } },
      put: { tags: ['tracking'], summary: `Create one of ${c} (its numbers are added to its callflow; POST accepted too)`, requestBody: body({ type: 'object' }), responses: { '201': ok('Created', { type: 'object' }), ...errors } },
    };
    out[`/accounts/{account_id}/${c}/{id}`] = {
      parameters: [accountParam, idParam],
      get: { tags: ['tracking'], summary: 'Read one', responses: { '200': ok('The document', { type: 'object' }), ...errors } },
      post: { tags: ['tracking'], summary: 'Replace', requestBody: body({ type: 'object' }), responses: { '200': ok('Saved', { type: 'object' }), ...errors } },
      patch: { tags: ['tracking'], summary: 'Merge', requestBody: body({ type: 'object' }), responses: { '200': ok('Saved', { type: 'object' }), ...errors } },
      delete: { tags: ['tracking'], summary: 'Delete (its numbers leave the callflow)', responses: { '200': ok('Deleted', { type: 'object' }), ...errors } },
    };
  }
  out['/accounts/{account_id}/visitor_sessions'] = {
    parameters: [accountParam],
    get: { tags: ['tracking'], summary: 'Visitor sessions (`active=true`, `pool_id=`)', responses: { '200': ok('Sessions', { type: 'array' }), ...errors } },
    put: { tags: ['tracking'], summary: 'Start a session: assigns a pool number for its window (POST accepted too)', requestBody: body({ type: 'object' }), responses: { '201': ok('The session and its number', { type: 'object' }), ...errors } },
  };
  out['/accounts/{account_id}/visitor_sessions/{id}'] = {
    parameters: [accountParam, idParam],
    get: { tags: ['tracking'], summary: 'Read a session', responses: { '200': ok('The session', { type: 'object' }), ...errors } },
    post: { tags: ['tracking'], summary: 'Update the active page / extend the window', requestBody: body({ type: 'object' }), responses: { '200': ok('The session', { type: 'object' }), ...errors } },
  };
  out['/accounts/{account_id}/calls/{id}/tags'] = {
    parameters: [accountParam, idParam],
    post: { tags: ['tracking'], summary: 'Add or remove tags of a live or ended call', requestBody: body({ type: 'object' }), responses: { '200': ok('The tags', { type: 'object' }), ...errors } },
  };
  out['/accounts/{account_id}/callflows/{id}/stats'] = {
    parameters: [accountParam, idParam, { name: 'from', in: 'query', schema: { type: 'string' } }, { name: 'to', in: 'query', schema: { type: 'string' } }],
    get: { tags: ['tracking'], summary: 'Totals, answered, missed, voicemails, qualified, per source and per node', responses: { '200': ok('Stats', { type: 'object' }), ...errors } },
  };
  return out;
}

export function buildOpenApi(registry: ReadonlyMap<string, ModuleDefinition>): Json {
  const defs = [...new Set(registry.values())].sort((a, b) => a.name.localeCompare(b.name));
  const schemas: Json = {
    Error: {
      type: 'object',
      properties: { data: { type: 'object' }, error: { type: 'string' }, message: { type: 'string' }, status: { const: 'error' }, request_id: { type: 'string' } },
    },
  };
  for (const [c, schema] of Object.entries(documentSchemas)) schemas[c] = { ...schema, title: c };
  schemas.callflow_node = {
    ...flowNodeSchema,
    description: 'One node of a callflow tree; `data` is described by the module.<name> schema of its `module`.',
    properties: { ...(flowNodeSchema.properties as Json), module: { type: 'string', enum: defs.flatMap((d) => [d.name, ...(d.aliases ?? [])]) } },
  };
  for (const def of defs) schemas[`module.${def.name}`] = moduleSchema(def);

  const paths: Json = {
    '/api_auth': {
      put: {
        tags: ['auth'],
        summary: 'Exchange an account API key for an auth token (POST accepted too)',
        security: [],
        requestBody: body({ type: 'object', required: ['api_key'], properties: { api_key: { type: 'string' } } }),
        responses: { '201': ok('Token in `auth_token`', { type: 'object' }), ...errors },
      },
    },
    '/token_auth': {
      get: { tags: ['auth'], summary: 'The calling token', responses: { '200': ok('Token info', { type: 'object' }), ...errors } },
      delete: { tags: ['auth'], summary: 'Revoke the calling token', responses: { '200': ok('Revoked', { type: 'object' }), ...errors } },
    },
    '/openapi.json': { get: { tags: ['meta'], summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
    '/accounts/{account_id}': {
      parameters: [accountParam],
      get: { tags: ['accounts'], summary: 'Read an account', responses: { '200': ok('The account', ref('accounts')), ...errors } },
      put: { tags: ['accounts'], summary: 'Create a child account', requestBody: body(ref('accounts')), responses: { '201': ok('Created', ref('accounts')), ...errors } },
      post: { tags: ['accounts'], summary: 'Replace an account\'s fields', requestBody: body(ref('accounts')), responses: { '200': ok('Saved', ref('accounts')), ...errors } },
      patch: { tags: ['accounts'], summary: 'Merge into an account', requestBody: body({ type: 'object' }), responses: { '200': ok('Saved', ref('accounts')), ...errors } },
      delete: { tags: ['accounts'], summary: 'Delete an account and its documents', responses: { '200': ok('Deleted', ref('accounts')), '403': { description: 'Own or master account', ...json(ref('Error')) }, ...errors } },
    },
    '/accounts/{account_id}/children': { parameters: [accountParam], get: { tags: ['accounts'], summary: 'Direct children', parameters: listParams.slice(0, 3), responses: { '200': ok('Accounts', { type: 'array' }), ...errors } } },
    '/accounts/{account_id}/descendants': { parameters: [accountParam], get: { tags: ['accounts'], summary: 'All descendants', parameters: listParams.slice(0, 3), responses: { '200': ok('Accounts', { type: 'array' }), ...errors } } },
    '/accounts/{account_id}/api_key': {
      parameters: [accountParam],
      get: { tags: ['accounts'], summary: 'Whether an API key is set (keys are stored hashed; never returned here)', responses: { '200': ok('Key status', { type: 'object' }), ...errors } },
      put: { tags: ['accounts'], summary: 'Create a new API key (returned once)', responses: { '201': ok('The key', { type: 'object', properties: { api_key: { type: 'string' } } }), ...errors } },
    },
    '/accounts/{account_id}/pivot_secret': {
      parameters: [accountParam],
      get: { tags: ['accounts'], summary: 'The secret pivot requests are signed with (made on first use)', responses: { '200': ok('The secret and the signing scheme', { type: 'object', properties: { pivot_secret: { type: 'string' } } }), ...errors } },
      put: { tags: ['accounts'], summary: 'Rotate the pivot signing secret', responses: { '201': ok('The new secret', { type: 'object', properties: { pivot_secret: { type: 'string' } } }), ...errors } },
    },
    '/accounts/{account_id}/import': {
      parameters: [accountParam],
      put: {
        tags: ['transfer'],
        summary: 'Import a bundle of Kazoo documents; per-document results (POST accepted too)',
        requestBody: body({ oneOf: [{ type: 'object', additionalProperties: { type: 'array' } }, { type: 'array', items: { type: 'object' } }] }),
        responses: { '200': ok('Per-document results', { type: 'object' }), ...errors },
      },
    },
    '/accounts/{account_id}/export': {
      parameters: [accountParam, { name: 'collections', in: 'query', schema: { type: 'string' } }],
      get: { tags: ['transfer'], summary: 'Export the account\'s documents as an import bundle', responses: { '200': ok('Bundle', { type: 'object' }), ...errors } },
    },
    '/accounts/{account_id}/callflows/{id}/duplicate': {
      parameters: [accountParam, idParam],
      put: { tags: ['callflows'], summary: 'Copy a callflow ("Copy of <name>", no numbers)', responses: { '201': ok('The copy', ref('callflows')), ...errors } },
    },
    '/accounts/{account_id}/callflows/{id}/numbers': {
      parameters: [accountParam, idParam],
      put: {
        tags: ['callflows'],
        summary: 'Add many numbers/patterns at once (all or nothing)',
        requestBody: body({ type: 'object', properties: { numbers: { type: 'array', items: { type: 'string' } }, patterns: { type: 'array', items: { type: 'string' } } } }),
        responses: { '200': ok('The callflow', ref('callflows')), ...errors },
      },
    },
    '/accounts/{account_id}/devices/status': {
      parameters: [accountParam],
      get: { tags: ['devices'], summary: 'Registration state of every SIP device', responses: { '200': ok('States', { type: 'array' }), ...errors } },
    },
    '/accounts/{account_id}/devices/{id}/status': {
      parameters: [accountParam, idParam],
      get: { tags: ['devices'], summary: 'Registration state of one device (registered, contact, user_agent)', responses: { '200': ok('State', { type: 'object' }), ...errors } },
    },
    '/accounts/{account_id}/media/{id}/raw': {
      parameters: [accountParam, idParam],
      get: { tags: ['media'], summary: 'Download the audio', responses: { '200': { description: 'Audio bytes' }, ...errors } },
      post: {
        tags: ['media'],
        summary: 'Upload audio (audio/wav, audio/x-wav, audio/mpeg, audio/gsm; ≤ 20 MiB; PUT accepted too)',
        requestBody: { required: true, content: { 'audio/wav': {}, 'audio/x-wav': {}, 'audio/mpeg': {}, 'audio/gsm': {} } },
        responses: { '200': ok('The media document', ref('media')), '413': { description: 'Too large' }, '415': { description: 'Not an accepted audio type' }, ...errors },
      },
    },
    ...trackingPaths(),
    '/accounts/{account_id}/parked_calls': {
      parameters: [accountParam],
      get: { tags: ['calls'], summary: 'Parked calls by slot (caller, status, lamp presence id)', responses: { '200': ok('Slots', { type: 'object' }), ...errors } },
    },
    '/accounts/{account_id}/camping': {
      parameters: [accountParam],
      get: { tags: ['calls'], summary: 'Pending camp-on requests (expired ones hidden)', responses: { '200': ok('Requests', { type: 'object' }), ...errors } },
    },
    '/accounts/{account_id}/faxes/inbox': {
      parameters: [accountParam, { name: 'faxbox_id', in: 'query', schema: { type: 'string' } }, { name: 'owner_id', in: 'query', schema: { type: 'string' } }],
      get: { tags: ['faxes'], summary: 'Received faxes, newest first (alias: faxes/incoming)', responses: { '200': ok('Faxes', { type: 'array' }), ...errors } },
    },
    '/accounts/{account_id}/faxes/inbox/{id}': {
      parameters: [accountParam, idParam],
      get: { tags: ['faxes'], summary: 'One received fax (from, to, pages)', responses: { '200': ok('The fax', { type: 'object' }), ...errors } },
      delete: { tags: ['faxes'], summary: 'Delete a received fax and its TIFF', responses: { '200': ok('Deleted', { type: 'object' }), ...errors } },
    },
    '/accounts/{account_id}/faxes/inbox/{id}/attachment': {
      parameters: [accountParam, idParam],
      get: { tags: ['faxes'], summary: 'The received document', responses: { '200': { description: 'image/tiff' }, ...errors } },
    },
    '/accounts/{account_id}/webhook_deliveries': {
      parameters: [accountParam, ...['callflow_id', 'call_id', 'status'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })), ...listParams.slice(0, 2)],
      get: { tags: ['webhooks'], summary: 'Post-call webhook deliveries, newest first', responses: { '200': ok('Deliveries', { type: 'array' }), ...errors } },
    },
    '/accounts/{account_id}/webhook_deliveries/{id}': {
      parameters: [accountParam, idParam],
      get: { tags: ['webhooks'], summary: 'One delivery with every attempt and the payload sent', responses: { '200': ok('The delivery', { type: 'object' }), ...errors } },
    },
  };
  for (const c of DOCUMENT_COLLECTIONS) Object.assign(paths, collectionPaths(c));
  for (const c of ['calls', 'cdrs']) Object.assign(paths, callRecordPaths(c));

  return {
    openapi: '3.1.0',
    info: {
      title: 'ariflow API',
      version,
      description: 'Kazoo Crossbar-style API: request bodies are {"data": {...}}; responses {"data", "status", "request_id", "revision", "auth_token"}.',
    },
    servers: [{ url: '/v2' }],
    security: [{ authToken: [] }],
    paths,
    components: {
      securitySchemes: { authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      schemas,
    },
  };
}
