import { expect } from 'chai';
import { COLLECTIONS, type Collection } from '../../lib/validation/documents/index.ts';
import { referencesOf, type DocumentReference } from '../../lib/validation/references.ts';
import { idOf, loadFixture, type Doc } from './fixtures.ts';

const refs = (collection: Collection, doc: unknown) => referencesOf(collection, doc).map((r) => `${r.collection}:${r.id}@${r.path}`);

describe('referencesOf', () => {
  const fixtures = Object.fromEntries(COLLECTIONS.map((c) => [c, loadFixture(`${c}.json`)])) as Record<Collection, Doc[]>;
  const ids = Object.fromEntries(COLLECTIONS.map((c) => [c, new Set(fixtures[c].map(idOf))])) as Record<Collection, Set<string>>;
  const resolves = (r: DocumentReference) => [r.collection, ...(r.alternatives ?? [])].some((c) => ids[c].has(r.id));

  it('finds only references that resolve inside the fixture account (no dangling ids)', () => {
    let count = 0;
    for (const c of COLLECTIONS) {
      for (const d of fixtures[c]) {
        for (const r of referencesOf(c, d)) {
          count += 1;
          expect(resolves(r), `${c}/${idOf(d)} → ${JSON.stringify(r)}`).to.equal(true);
        }
      }
    }
    expect(count).to.be.greaterThan(80);
  });

  it('reports a dangling id with its path', () => {
    const cf = { numbers: ['1'], flow: { module: 'user', data: { id: 'b1000000000000000000000000000009' } } };
    const dangling = referencesOf('callflows', cf).filter((r) => !resolves(r));
    expect(dangling).to.deep.equal([{ collection: 'users', id: 'b1000000000000000000000000000009', path: 'flow.data.id' }]);
  });

  describe('callflow modules', () => {
    const node = (module: string, data: Doc, children: Doc = {}) => ({ numbers: ['1'], flow: { module, data, children } });
    const table: Array<[title: string, doc: Doc, expected: string[]]> = [
      ['user', node('user', { id: 'u1' }), ['users:u1@flow.data.id']],
      ['device', node('device', { id: 'd1' }), ['devices:d1@flow.data.id']],
      ['callflow', node('callflow', { id: 'c1' }), ['callflows:c1@flow.data.id']],
      ['menu', node('menu', { id: 'm1' }), ['menus:m1@flow.data.id']],
      ['voicemail', node('voicemail', { id: 'v1', action: 'check' }), ['vmboxes:v1@flow.data.id']],
      ['directory', node('directory', { id: 'dir' }), ['directories:dir@flow.data.id']],
      ['conference', node('conference', { id: 'conf' }), ['conferences:conf@flow.data.id']],
      ['hotdesk', node('hotdesk', { id: 'u1' }), ['users:u1@flow.data.id']],
      ['check_cid', node('check_cid', { user_id: 'u1' }), ['users:u1@flow.data.user_id']],
      ['receive_fax', node('receive_fax', { owner_id: 'u1' }), ['users:u1@flow.data.owner_id']],
      ['ring_group_toggle', node('ring_group_toggle', { action: 'login', callflow_id: 'c1' }), ['callflows:c1@flow.data.callflow_id']],
      [
        'ring_group members by type (device by default)',
        node('ring_group', { endpoints: [{ id: 'd1' }, { id: 'u1', endpoint_type: 'user' }, { id: 'g1', endpoint_type: 'group' }, { id: 'd2', endpoint_type: 'device' }] }),
        ['devices:d1@flow.data.endpoints.0.id', 'users:u1@flow.data.endpoints.1.id', 'groups:g1@flow.data.endpoints.2.id', 'devices:d2@flow.data.endpoints.3.id'],
      ],
      ['page_group members', node('page_group', { endpoints: [{ id: 'g1', endpoint_type: 'group' }] }), ['groups:g1@flow.data.endpoints.0.id']],
      ['group id and legacy string endpoints', node('group', { id: 'g1', endpoints: ['d1'] }), ['groups:g1@flow.data.id', 'devices:d1@flow.data.endpoints.0']],
      [
        'temporal_route rules, rule set and id-like child keys',
        node('temporal_route', { rules: ['r1'], rule_set: 's1' }, { f1000000000000000000000000000001: { module: 'skel' }, _: { module: 'skel' }, rule_set: { module: 'skel' } }),
        ['temporal_rules:r1@flow.data.rules.0', 'temporal_rules_sets:s1@flow.data.rule_set', 'temporal_rules:f1000000000000000000000000000001@flow.children.f1000000000000000000000000000001'],
      ],
      ['do_not_disturb', node('do_not_disturb', { id: 'x' }), ['users:x@flow.data.id']],
      [
        'pickup scope and approvals',
        node('group_pickup', { device_id: 'd1', user_id: 'u1', group_id: 'g1', approved_device_id: 'd2', approved_user_id: 'u2', approved_group_id: 'g2' }),
        ['devices:d1@flow.data.device_id', 'users:u1@flow.data.user_id', 'groups:g1@flow.data.group_id', 'devices:d2@flow.data.approved_device_id', 'users:u2@flow.data.approved_user_id', 'groups:g2@flow.data.approved_group_id'],
      ],
      ['eavesdrop_feature', node('eavesdrop_feature', { group_id: 'g1' }), ['groups:g1@flow.data.group_id']],
      ['play: media id only', node('play', { id: '81000000000000000000000000000001' }), ['media:81000000000000000000000000000001@flow.data.id']],
      ['play: prompts, URLs and tones are not documents', node('play', { id: 'system_media/vm-goodbye' }), []],
      ['play: http URL', node('play', { id: 'http://example.com/81000000000000000000000000000001.mp3' }), []],
      [
        'audio_macro play items',
        node('audio_macro', { macros: [{ macro: 'play', id: '81000000000000000000000000000002' }, { macro: 'prompt', id: '81000000000000000000000000000003' }] }),
        ['media:81000000000000000000000000000002@flow.data.macros.0.id'],
      ],
      [
        'missed_call_alert user recipients only',
        node('missed_call_alert', { recipients: [{ type: 'user', id: 'u1' }, { type: 'user', id: ['u2', 'u3'] }, { type: 'email', id: 'a@b.c' }] }),
        ['users:u1@flow.data.recipients.0.id', 'users:u2@flow.data.recipients.1.id.0', 'users:u3@flow.data.recipients.1.id.1'],
      ],
      ['stores nothing for match lists, queues, faxboxes, functions', node('cidlistmatch', { id: 'l1' }), []],
      [
        'nested children',
        node('skel', {}, { _: { module: 'menu', data: { id: 'm1' }, children: { '1': { module: 'user', data: { id: 'u1' } } } } }),
        ['menus:m1@flow.children._.data.id', 'users:u1@flow.children._.children.1.data.id'],
      ],
      [
        'document-level ids',
        { numbers: ['1'], owner_id: 'u1', group_id: 'g1', ringback: { early: '81000000000000000000000000000004' }, flow: { module: 'skel' } },
        ['media:81000000000000000000000000000004@ringback.early', 'users:u1@owner_id', 'groups:g1@group_id'],
      ],
    ];
    for (const [title, doc, expected] of table) {
      it(title, () => expect(refs('callflows', doc)).to.deep.equal(expected));
    }

    it('marks temporal_route ids as "rule or rule set"', () => {
      const [ref] = referencesOf('callflows', node('temporal_route', { rules: ['x'] }));
      expect(ref.alternatives).to.deep.equal(['temporal_rules_sets']);
    });
  });

  describe('other documents', () => {
    const table: Array<[Collection, Doc, string[]]> = [
      ['devices', { owner_id: 'u1', hotdesk: { users: { u2: {} } } }, ['users:u1@owner_id', 'users:u2@hotdesk.users.u2']],
      ['users', { directories: { dir1: 'cf1' } }, ['directories:dir1@directories.dir1', 'callflows:cf1@directories.dir1']],
      ['groups', { endpoints: { u1: { type: 'user' }, d1: { type: 'device' }, d2: {} } }, ['users:u1@endpoints.u1', 'devices:d1@endpoints.d1', 'devices:d2@endpoints.d2']],
      ['menus', { media: { greeting: '81000000000000000000000000000001', invalid_media: true, exit_media: 'system_media/menu-exit' } }, ['media:81000000000000000000000000000001@media.greeting']],
      ['temporal_rules_sets', { temporal_rules: ['r1', 'r2'] }, ['temporal_rules:r1@temporal_rules.0', 'temporal_rules:r2@temporal_rules.1']],
      ['vmboxes', { owner_id: 'u1', media: { unavailable: '81000000000000000000000000000003' } }, ['users:u1@owner_id', 'media:81000000000000000000000000000003@media.unavailable']],
      ['directories', { users: ['u1'] }, ['users:u1@users.0']],
      ['conferences', { owner_id: 'u1' }, ['users:u1@owner_id']],
      ['accounts', { preflow: { always: 'cf1' } }, ['callflows:cf1@preflow.always']],
      ['media', { name: 'm' }, []],
      ['temporal_rules', { name: 'r', cycle: 'daily' }, []],
    ];
    for (const [collection, doc, expected] of table) {
      it(collection, () => expect(refs(collection, doc)).to.deep.equal(expected));
    }
  });

  it('skips malformed parts instead of throwing', () => {
    const weird = [null, 'x', 42, [], { flow: 'x' }, { flow: { module: 'user', data: 'x' } }, { flow: { module: 'ring_group', data: { endpoints: 'x' } } }];
    for (const d of weird) expect(() => referencesOf('callflows', d)).not.to.throw();
    expect(referencesOf('devices', { owner_id: 5, hotdesk: 'x' })).to.deep.equal([]);
    expect(referencesOf('callflows', JSON.parse('{"flow":{"module":"__proto__","data":{}},"__proto__":{"owner_id":"u"}}'))).to.deep.equal([]);
  });
});
