// Validation through the API, driven by the module registry: every Kazoo module's data is accepted
// (own example per module, fixture module-data.json), a wrong value in any module's data is refused
// naming the field path and rule, modules not implemented yet are saved and reported as such.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { definitions } from '../../callflows/index.ts';
import { startApi, type Harness } from './harness.ts';

const bundle = JSON.parse(readFileSync(new URL('../fixtures/api/kazoo-export.json', import.meta.url), 'utf8'));
const moduleData = JSON.parse(readFileSync(new URL('../fixtures/api/module-data.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; enum?: unknown[] };

/** A property of the module's data schema and a value of the wrong type for it, if any. */
function wrongValueFor(schema: Schema): { key: string; value: unknown; rule: string } | undefined {
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (key === 'skip_module') continue;
    const types = Array.isArray(prop.type) ? prop.type : prop.type ? [prop.type] : [];
    if (prop.enum) return { key, value: '__not_in_enum__', rule: 'enum' };
    if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) return { key, value: 'abc', rule: 'type' };
    if (types.length === 1 && types[0] === 'object') return { key, value: 42, rule: 'type' };
    if (types.length === 1 && types[0] === 'array') return { key, value: 'not-a-list', rule: 'type' };
    if (types.length === 1 && types[0] === 'boolean') return { key, value: 'perhaps', rule: 'type' };
  }
  return undefined;
}

describe('API: validation driven by the module registry', function () {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startApi();
    const acct = await h.childAccount(h.masterId, 'Validation');
    base = `/v2/accounts/${acct.id}`;
    const imported = await h.request('PUT', `${base}/import`, { json: { data: bundle } });
    expect(imported.body.data.summary.failed).to.equal(0);
  });
  after(async () => h?.close());

  it('has an example in the fixture for every module of the registry', () => {
    expect(Object.keys(moduleData).sort()).to.deep.equal(definitions.map((d) => d.name).sort());
  });

  definitions.forEach((def, i) => {
    it(`${def.name}: its data is accepted and GETs back as sent${def.implemented ? '' : ' (reported as not implemented)'}`, async () => {
      const doc = {
        name: `module ${def.name}`,
        numbers: [`4${String(i).padStart(3, '0')}`],
        flow: { module: def.name, data: moduleData[def.name], children: { _: { module: 'hangup', data: {} } } },
      };
      const res = await h.request('PUT', `${base}/callflows`, { json: { data: doc } });
      expect(res.status, JSON.stringify(res.body.data)).to.equal(201);
      const got = await h.request('GET', `${base}/callflows/${res.body.data.id}`);
      expect(got.body.data).to.deep.equal({ ...doc, id: res.body.data.id });
      const warned = (res.body.warnings ?? []).some((w: { path: string }) => w.path === 'flow');
      expect(warned).to.equal(!def.implemented);
    });

    const wrong = wrongValueFor(def.schema as Schema);
    if (wrong) {
      it(`${def.name}: a wrong ${wrong.key} is refused naming flow.children._.data.${wrong.key} and rule ${wrong.rule}`, async () => {
        const data = { ...moduleData[def.name], [wrong.key]: wrong.value };
        const res = await h.request('PUT', `${base}/callflows`, {
          json: { data: { name: 'bad', numbers: [`5${String(i).padStart(3, '0')}`], flow: { module: 'answer', children: { _: { module: def.name, data } } } } },
        });
        expect(res.status).to.equal(400);
        const failure = res.body.data[`flow.children._.data.${wrong.key}`]?.[wrong.rule];
        expect(failure, JSON.stringify(res.body.data)).to.be.an('object');
        expect(failure.message).to.be.a('string').and.not.equal('');
      });
    }
  });

  it('reports every failing field of a document at once, each with its rule and a message', async () => {
    const res = await h.request('PUT', `${base}/callflows`, {
      json: {
        data: {
          name: 7,
          numbers: ['6001', 42],
          flow: {
            module: 'user',
            data: { id: bundle.users[0].id, timeout: 'abc', strategy: 'sometimes' },
            children: { _: { module: 'voicemail', data: { id: 'f'.repeat(32), max_message_length: -1 } }, '1': { data: {} } },
          },
        },
      },
    });
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ error: '400', message: 'validation error', status: 'error' });
    const d = res.body.data;
    expect(d.name.type.message).to.equal('must be a string');
    expect(d['numbers.1'].type.message).to.equal('must be a string');
    expect(d['flow.data.timeout'].type).to.deep.include({ message: 'must be an integer', value: 'abc' });
    expect(d['flow.data.strategy'].enum.message).to.include('simultaneous');
    expect(d['flow.children._.data.max_message_length'].minimum.message).to.be.a('string');
    expect(d['flow.children._.data.id'].reference.message).to.include('vmboxes');
    expect(d['flow.children.1.module'].required.message).to.equal('is required');
  });

  it('accepts what the Kazoo runtime accepts: integers and booleans written as strings, unknown keys', async () => {
    const doc = {
      numbers: ['6100'],
      legacy_ui_key: { anything: ['goes'] },
      flow: { module: 'disa', data: { pin: '1234', retries: '3', use_account_caller_id: 'true', some_future_option: 1 } },
    };
    const res = await h.request('PUT', `${base}/callflows`, { json: { data: doc } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect((await h.request('GET', `${base}/callflows/${res.body.data.id}`)).body.data).to.deep.equal({ ...doc, id: res.body.data.id });
  });

  it('checks the other collections with their schemas', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['users', { first_name: 'No last name' }, 'last_name', 'required'],
      ['devices', { name: 'x', sip: { username: 'has space', password: 'secret99' } }, 'sip.username', 'pattern'],
      ['vmboxes', { name: 'vm', mailbox: '100', pin: 'abcd' }, 'pin', 'pattern'],
      ['temporal_rules', { name: 'r', cycle: 'fortnightly' }, 'cycle', 'enum'],
      ['menus', { name: 'm', max_extension_length: 99 }, 'max_extension_length', 'maximum'],
      ['groups', { name: 'g', endpoints: { abc: { type: 'fax' } } }, 'endpoints.abc.type', 'enum'],
      ['media', { name: 'm', media_source: 'radio' }, 'media_source', 'enum'],
      ['conferences', { name: 'c', member: { pins: ['12a'] } }, 'member.pins.0', 'pattern'],
      ['directories', { name: 'd', min_dtmf: 0 }, 'min_dtmf', 'minimum'],
      ['temporal_rules_sets', { name: 's', temporal_rules: ['f'.repeat(32)] }, 'temporal_rules.0', 'reference'],
    ];
    for (const [collection, data, field, rule] of cases) {
      const res = await h.request('PUT', `${base}/${collection}`, { json: { data } });
      expect(res.status, collection).to.equal(400);
      expect(res.body.data[field]?.[rule]?.message, `${collection}: ${JSON.stringify(res.body.data)}`).to.be.a('string');
    }
  });
});
