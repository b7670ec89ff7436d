// GET /v2/openapi.json: an OpenAPI 3.1 document generated from the same schemas that validate.
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { definitions } from '../../callflows/index.ts';
import { documentSchemas } from '../../lib/validation/documents/index.ts';
import { startApi, type Harness } from './harness.ts';

describe('API: OpenAPI document', function () {
  let h: Harness;
  let doc: any;
  before(async () => {
    h = await startApi();
    const res = await h.request('GET', '/v2/openapi.json', { token: null });
    expect(res.status).to.equal(200);
    doc = res.body;
  });
  after(async () => h?.close());

  it('is OpenAPI 3.1 with the token scheme and every route family', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.components.securitySchemes.authToken).to.deep.equal({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
    for (const p of ['/api_auth', '/accounts/{account_id}', '/accounts/{account_id}/api_key', '/accounts/{account_id}/import', '/accounts/{account_id}/export', '/accounts/{account_id}/callflows/{id}/duplicate', '/accounts/{account_id}/devices/{id}/status', '/accounts/{account_id}/media/{id}/raw']) {
      expect(doc.paths, p).to.have.property(p);
    }
    for (const p of ['parked_calls', 'camping', 'faxes/inbox/{id}/attachment', 'webhook_deliveries/{id}', 'visitor_sessions/{id}', 'calls/{id}/tags', 'callflows/{id}/stats', 'tracking_numbers/{id}', 'number_pools']) {
      expect(doc.paths, p).to.have.property(`/accounts/{account_id}/${p}`);
    }
    for (const c of ['callflows', 'devices', 'users', 'groups', 'menus', 'temporal_rules', 'temporal_rules_sets', 'vmboxes', 'media', 'directories', 'conferences', 'resources', 'faxboxes']) {
      expect(doc.paths[`/accounts/{account_id}/${c}`]).to.have.keys('parameters', 'get', 'put');
      expect(doc.paths[`/accounts/{account_id}/${c}/{id}`]).to.include.keys('get', 'post', 'patch', 'delete');
    }
  });

  it('has one schema per collection and one per module, from the validation schemas and the registry', () => {
    for (const [c, schema] of Object.entries(documentSchemas)) {
      expect(doc.components.schemas[c].properties).to.deep.equal(JSON.parse(JSON.stringify((schema as { properties: unknown }).properties)));
    }
    for (const def of definitions) {
      const s = doc.components.schemas[`module.${def.name}`];
      expect(s, def.name).to.be.an('object');
      expect(s['x-implemented']).to.equal(def.implemented);
      expect(s.properties).to.deep.equal(JSON.parse(JSON.stringify((def.schema as { properties?: unknown }).properties ?? undefined)));
    }
    expect(doc.components.schemas.callflow_node.properties.module.enum).to.include.members(definitions.map((d) => d.name));
  });

  it('has schemas a JSON Schema 2020-12 validator compiles', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile({ ...(schema as object), $id: undefined }), name).not.to.throw();
    }
  });
});
