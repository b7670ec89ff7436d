import { expect } from 'chai';
import { COLLECTIONS, documentSchemas, isCollection, runtimeDocument, validateDocument, type Collection } from '../../lib/validation/documents/index.ts';
import type { ValidationResult } from '../../lib/validation/errors.ts';
import { loadFixture, type Doc } from './fixtures.ts';

const STORED: Collection[] = [
  'accounts', 'callflows', 'conferences', 'devices', 'directories', 'faxboxes', 'groups', 'media', 'menus', 'resources',
  'temporal_rules', 'temporal_rules_sets', 'users', 'vmboxes',
];

function errorKeys(result: ValidationResult): Record<string, string[]> {
  expect(result.ok, 'expected validation to fail').to.equal(false);
  return result.ok ? {} : Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, Object.keys(v)]));
}

describe('stored documents', () => {
  it('lists the collections the API stores, each with a schema', () => {
    expect([...COLLECTIONS]).to.deep.equal(STORED);
    for (const c of STORED) {
      expect(isCollection(c)).to.equal(true);
      expect(documentSchemas[c]).to.have.property('type', 'object');
    }
    for (const c of ['lists', '__proto__', 'constructor', '']) expect(isCollection(c), c).to.equal(false);
    expect(() => validateDocument('lists' as Collection, {})).to.throw(TypeError);
  });

  for (const collection of STORED.filter((c) => c !== 'callflows')) {
    describe(collection, () => {
      const docs = loadFixture(`${collection}.json`);

      it('has fixtures', () => expect(docs).to.be.an('array').that.is.not.empty);

      for (const d of docs) {
        it(`accepts ${String(d.name ?? d.first_name)} and leaves it untouched`, () => {
          const before = JSON.stringify(d);
          expect(validateDocument(collection, d)).to.deep.equal({ ok: true });
          expect(JSON.stringify(d)).to.equal(before);
        });
      }

      it('keeps and accepts unknown fields', () => {
        const d = { ...docs[0], pvt_vendor_field: { a: [1] }, ui_metadata: { version: '4.3' } };
        expect(validateDocument(collection, d)).to.deep.equal({ ok: true });
        expect(d).to.have.property('pvt_vendor_field');
      });

      it('refuses a non-object document', () => {
        expect(errorKeys(validateDocument(collection, ['x']))).to.deep.equal({ '': ['type'] });
      });
    });
  }

  describe('legacy UI documents (strings for integers and booleans)', () => {
    const legacy = loadFixture<Record<string, Doc[]>>('legacy-kazoo-ui.json');
    for (const [collection, docs] of Object.entries(legacy)) {
      for (const d of docs) {
        it(`${collection}: ${String(d.name)}`, () => {
          const before = JSON.stringify(d);
          expect(validateDocument(collection as Collection, d)).to.deep.equal({ ok: true });
          expect(JSON.stringify(d)).to.equal(before);
        });
      }
    }
  });

  describe('key type checks', () => {
    const device = { name: 'Desk phone' };
    const user = { first_name: 'Ada', last_name: 'Quayle' };
    const table: Array<[Collection, Doc, string, string]> = [
      ['devices', {}, 'name', 'required'],
      ['devices', { ...device, sip: { username: 12345 } }, 'sip.username', 'type'],
      ['devices', { ...device, sip: { password: 12345 } }, 'sip.password', 'type'],
      ['devices', { ...device, sip: { password: 'abc' } }, 'sip.password', 'minLength'],
      ['devices', { ...device, sip: { username: { a: 1 } } }, 'sip.username', 'type'],
      ['devices', { ...device, sip: { invite_format: 'uri' } }, 'sip.invite_format', 'enum'],
      ['devices', { ...device, sip: { realm: 'bad realm!' } }, 'sip.realm', 'pattern'],
      ['devices', { ...device, sip: 'ada:secret' }, 'sip', 'type'],
      ['devices', { ...device, call_forward: 'on' }, 'call_forward', 'type'],
      ['devices', { ...device, call_forward: { enabled: 'yes' } }, 'call_forward.enabled', 'type'],
      ['devices', { ...device, call_forward: { number: 'x'.repeat(36) } }, 'call_forward.number', 'maxLength'],
      ['devices', { ...device, do_not_disturb: { enabled: 'maybe' } }, 'do_not_disturb.enabled', 'type'],
      ['devices', { ...device, call_restriction: { international: { action: 'block' } } }, 'call_restriction.international.action', 'enum'],
      ['devices', { ...device, caller_id: { external: { number: 4155550100 } } }, 'caller_id.external.number', 'type'],
      ['devices', { ...device, media: { encryption: { methods: ['dtls'] } } }, 'media.encryption.methods.0', 'enum'],
      ['devices', { ...device, hotdesk: { users: { b1: 'yes' } } }, 'hotdesk.users.b1', 'type'],
      ['devices', { ...device, enabled: 'no' }, 'enabled', 'type'],
      ['users', {}, 'first_name', 'required'],
      ['users', { first_name: 'Ada' }, 'last_name', 'required'],
      ['users', { ...user, hotdesk: { pin: '12' } }, 'hotdesk.pin', 'minLength'],
      ['users', { ...user, directories: { dir1: 42 } }, 'directories.dir1', 'type'],
      ['users', { ...user, priv_level: 'root' }, 'priv_level', 'enum'],
      ['users', { ...user, caller_id: { internal: { name: 'x'.repeat(36) } } }, 'caller_id.internal.name', 'maxLength'],
      ['groups', {}, 'name', 'required'],
      ['groups', { name: 'G', endpoints: ['d1'] }, 'endpoints', 'type'],
      ['groups', { name: 'G', endpoints: { d1: { type: 'phone' } } }, 'endpoints.d1.type', 'enum'],
      ['groups', { name: 'G', endpoints: { d1: { type: 'device', weight: 0 } } }, 'endpoints.d1.weight', 'minimum'],
      ['menus', {}, 'name', 'required'],
      ['menus', { name: 'M', max_extension_length: 7 }, 'max_extension_length', 'maximum'],
      ['menus', { name: 'M', retries: '0' }, 'retries', 'minimum'],
      ['menus', { name: 'M', retries: 11 }, 'retries', 'maximum'],
      ['menus', { name: 'M', timeout: 60001 }, 'timeout', 'maximum'],
      ['menus', { name: 'M', hunt_deny: '(9' }, 'hunt_deny', 'format'],
      ['menus', { name: 'M', record_pin: '12' }, 'record_pin', 'minLength'],
      ['menus', { name: 'M', media: { invalid_media: 3 } }, 'media.invalid_media', 'type'],
      ['temporal_rules', { name: 'R' }, 'cycle', 'required'],
      ['temporal_rules', { name: 'R', cycle: 'hourly' }, 'cycle', 'enum'],
      ['temporal_rules', { name: 'R', cycle: 'weekly', wdays: ['mon'] }, 'wdays.0', 'enum'],
      ['temporal_rules', { name: 'R', cycle: 'monthly', days: [32] }, 'days.0', 'maximum'],
      ['temporal_rules', { name: 'R', cycle: 'yearly', month: 13 }, 'month', 'maximum'],
      ['temporal_rules', { name: 'R', cycle: 'weekly', ordinal: 'sixth' }, 'ordinal', 'enum'],
      ['temporal_rules', { name: 'R', cycle: 'daily', time_window_stop: 86401 }, 'time_window_stop', 'maximum'],
      ['temporal_rules', { name: 'R', cycle: 'daily', time_window_start: '-1' }, 'time_window_start', 'minimum'],
      ['temporal_rules', { name: 'R', cycle: 'daily', interval: 0 }, 'interval', 'minimum'],
      ['temporal_rules', { name: 'R', cycle: 'monthly', ordinal: 'first', wdays: ['monday', 'friday'] }, 'wdays', 'maxItems'],
      ['temporal_rules', { name: 'R', cycle: 'daily', enabled: 'on' }, 'enabled', 'type'],
      ['temporal_rules_sets', {}, 'name', 'required'],
      ['temporal_rules_sets', { name: 'S', temporal_rules: 'f1' }, 'temporal_rules', 'type'],
      ['vmboxes', { name: 'V' }, 'mailbox', 'required'],
      ['vmboxes', { name: 'V', mailbox: '2001', pin: '12' }, 'pin', 'minLength'],
      ['vmboxes', { name: 'V', mailbox: '2001', pin: 'abcd' }, 'pin', 'pattern'],
      ['vmboxes', { name: 'V', mailbox: '2001', media_extension: 'ogg' }, 'media_extension', 'enum'],
      ['vmboxes', { name: 'V', mailbox: 2001 }, 'mailbox', 'type'],
      ['media', {}, 'name', 'required'],
      ['media', { name: 'm', media_source: 'fax' }, 'media_source', 'enum'],
      ['directories', { name: 'D', sort_by: 'age' }, 'sort_by', 'enum'],
      ['directories', { name: 'D', min_dtmf: 0 }, 'min_dtmf', 'minimum'],
      ['conferences', { member: { pins: ['12ab'] } }, 'member.pins.0', 'pattern'],
      ['conferences', { max_participants: 'lots' }, 'max_participants', 'type'],
      ['accounts', {}, 'name', 'required'],
      ['accounts', { name: 'A', preflow: { always: 7 } }, 'preflow.always', 'type'],
      ['accounts', { name: 'A', timezone: 'UTC' }, 'timezone', 'minLength'],
      ['accounts', { name: 'A', realm: 'has space' }, 'realm', 'pattern'],
      ['callflows', { numbers: ['1'] }, 'flow', 'required'],
    ];
    for (const [collection, d, key, rule] of table) {
      it(`${collection} ${JSON.stringify(d).slice(0, 70)} → ${key} / ${rule}`, () => {
        const keys = errorKeys(validateDocument(collection, d));
        expect(keys, JSON.stringify(keys)).to.have.property(key).that.includes(rule);
      });
    }
  });

  it('accepts the ordinal forms Kazoo can evaluate', () => {
    const ok = [
      { name: 'R', cycle: 'yearly', month: 11, ordinal: 'fourth', wdays: ['thursday'] },
      { name: 'R', cycle: 'monthly', ordinal: 'every', wdays: ['monday'] },
      { name: 'R', cycle: 'monthly', days: [1, 15], wdays: ['monday', 'tuesday'] },
      { name: 'R', cycle: 'weekly', wdays: ['monday', 'tuesday'], ordinal: 'every' },
    ];
    for (const rule of ok) expect(validateDocument('temporal_rules', rule), JSON.stringify(rule)).to.deep.equal({ ok: true });
  });

  it('routes callflows through the flow validator', () => {
    const keys = errorKeys(validateDocument('callflows', { numbers: ['1'], flow: { module: 'nope', data: {} } }));
    expect(keys).to.deep.equal({ 'flow.module': ['enum'] });
  });

  describe('runtimeDocument', () => {
    it('gives modules coerced copies of legacy documents, without defaults', () => {
      const legacy = loadFixture<Record<string, Doc[]>>('legacy-kazoo-ui.json');
      const menu = legacy.menus[0];
      const before = JSON.stringify(menu);
      expect(runtimeDocument('menus', menu)).to.deep.include({ retries: 3, timeout: 10000, max_extension_length: 4, hunt: false });
      expect(runtimeDocument('menus', { name: 'M' })).to.deep.equal({ name: 'M' });
      expect(JSON.stringify(menu)).to.equal(before);
      const device = runtimeDocument('devices', legacy.devices[0]);
      expect(device).to.deep.include({ enabled: true, do_not_disturb: { enabled: false } });
      expect(device.sip).to.deep.include({ expire_seconds: 360, password: 'old-ui-secret' });
      expect(runtimeDocument('temporal_rules', legacy.temporal_rules[0])).to.deep.include({ interval: 1, time_window_start: 28800 });
    });

    it('drops nulls and tolerates junk', () => {
      expect(runtimeDocument('users', { first_name: 'A', email: null })).to.deep.equal({ first_name: 'A' });
      expect(runtimeDocument('users', 'junk')).to.deep.equal({});
      expect(() => runtimeDocument('lists' as Collection, {})).to.throw(TypeError);
    });
  });

  it('handles hostile keys in documents', () => {
    const d = JSON.parse('{"name":"x","__proto__":{"polluted":1},"sip":{"__proto__":{"username":5}},"constructor":{"prototype":{"polluted":1}}}');
    expect(validateDocument('devices', d)).to.deep.equal({ ok: true });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
