import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import type { ModuleDefinition } from '../../lib/engine/module.ts';
import { ARIFLOW_MODULES, buildRegistry, definitions, getModule, moduleNames, registry } from '../../callflows/index.ts';
import { compileStored } from '../../lib/validation/ajv.ts';

// Every module of the reference's §2.0 index (74 callflow-app modules + 4 ACDc), typed out by hand.
const KAZOO_MODULES = [
  'acdc_agent', 'acdc_member', 'acdc_queue', 'acdc_wait_time', 'after_bridge', 'answer',
  'audio_macro', 'branch_bnumber', 'branch_variable', 'call_forward', 'call_waiting', 'callflow',
  'camping_feature', 'check_cid', 'cidlistmatch', 'collect_dtmf', 'conference', 'conference_feature',
  'dead_air', 'device', 'directory', 'disa', 'do_not_disturb', 'dynamic_cid', 'eavesdrop',
  'eavesdrop_feature', 'edr', 'fax_detect', 'faxbox', 'flush_dtmf', 'function', 'group',
  'group_pickup', 'group_pickup_feature', 'hangup', 'hotdesk', 'intercept', 'intercept_feature',
  'intercom', 'language', 'lookupcidname', 'manual_presence', 'menu', 'missed_call_alert', 'move',
  'nomorobo', 'noop', 'notification', 'offnet', 'page_group', 'park', 'pivot', 'play', 'prepend_cid',
  'privacy', 'receive_fax', 'record_call', 'record_caller', 'resources', 'response', 'ring_group',
  'ring_group_toggle', 'route_to_cid', 'send_dtmf', 'set', 'set_alert_info', 'set_cid',
  'set_variable', 'set_variables', 'skel', 'sleep', 'temporal_route', 'transfer', 'tts', 'user',
  'voicemail', 'wait_for_hangup', 'webhook',
];

const callflowsDir = new URL('../../callflows/', import.meta.url);

describe('callflow module registry', () => {

  it('knows all 78 modules of the Kazoo index, plus its own call-tracking modules, and nothing else', () => {
    expect(KAZOO_MODULES).to.have.length(78);
    for (const name of KAZOO_MODULES) expect(registry.has(name), name).to.equal(true);
    expect(moduleNames()).to.deep.equal([...KAZOO_MODULES, ...ARIFLOW_MODULES].sort());
  });

  it('does not register informal names that are not Kazoo modules', () => {
    for (const name of ['set_cav', 'check_voicemail', 'dnd', 'cf_user', '', '__proto__', 'constructor', 'toString']) {
      expect(getModule(name), name).to.equal(undefined);
    }
  });

  it('keys every definition by its own name', () => {
    for (const [key, def] of registry) {
      if (key === def.name) continue;
      expect(def.aliases ?? [], `${key} must be an alias of ${def.name}`).to.include(key);
    }
  });

  for (const name of KAZOO_MODULES) {
    describe(name, () => {
      const def = registry.get(name)!;

      it('is a complete definition: implemented with run(), or marked not implemented without one', () => {
        expect(def.name).to.equal(name);
        expect(def.summary).to.be.a('string').and.have.length.greaterThan(10);
        expect(def.implemented).to.be.a('boolean');
        expect(typeof def.run).to.equal(def.implemented ? 'function' : 'undefined');
        expect(def.children).to.be.an('array');
        for (const key of def.children) expect(key).to.be.a('string').and.not.equal('');
      });

      it('has an object schema for data that accepts skip_module and compiles', () => {
        const schema = def.schema as { type?: unknown; properties?: Record<string, { type?: unknown }> };
        expect(schema.type).to.equal('object');
        expect(schema.properties?.skip_module?.type).to.equal('boolean');
        expect(schema).not.to.have.property('additionalProperties');
        expect(() => compileStored(def.schema)).not.to.throw();
      });

      it('lives in callflows/<name>.ts, which starts with two comment lines and default-exports it', async () => {
        const url = new URL(`${name}.ts`, callflowsDir);
        const lines = readFileSync(url, 'utf8').split('\n');
        expect(lines[0]).to.match(/^\/\/ \S/);
        expect(lines[1]).to.match(/^\/\/ Kazoo: .*`/);
        const mod = (await import(url.href)) as { default: ModuleDefinition };
        expect(mod.default.name).to.equal(name);
        // The registry holds this very definition (functions compare by identity, so compare the parts).
        const { run: fileRun, ...fileDef } = mod.default;
        const { run: regRun, ...regDef } = def;
        expect(fileDef).to.deep.equal(regDef);
        expect(typeof fileRun).to.equal(typeof regRun);
      });
    });
  }

  it('holds only module files plus index.ts and schema-parts.ts in callflows/', () => {
    const files = readdirSync(callflowsDir).filter((f) => f.endsWith('.ts'));
    const expected = [...KAZOO_MODULES, ...ARIFLOW_MODULES].map((n) => `${n}.ts`).concat('index.ts', 'schema-parts.ts').sort();
    expect(files.sort()).to.deep.equal(expected);
  });

  it('lists the children each family of modules can take', () => {
    const childrenOf = (n: string) => registry.get(n)!.children;
    expect(childrenOf('menu')).to.include.members(['*', 'timeout', 'max_retries', '_']);
    expect(childrenOf('temporal_route')).to.include.members(['*', 'rule_set', '_']);
    expect(childrenOf('check_cid')).to.include.members(['match', 'nomatch', '_']);
    expect(childrenOf('cidlistmatch')).to.deep.equal(['match', 'nomatch', '_']);
    expect(childrenOf('fax_detect')).to.deep.equal(['ON_FAX', 'ON_VOICE', '_']);
    expect(childrenOf('park')).to.include('MAX_SLOT_EXCEEDED');
    for (const bridge of ['user', 'device', 'ring_group', 'group', 'route_to_cid']) {
      expect(childrenOf(bridge), bridge).to.include.members(['_', 'USER_BUSY', 'NO_ANSWER', 'sip:*']);
    }
    // Kazoo never follows `_` after a carrier failure.
    for (const carrier of ['resources', 'offnet']) {
      expect(childrenOf(carrier), carrier).to.include('USER_BUSY').and.not.include('_');
    }
    // A conference that cannot be joined (wrong PIN, full, missing) takes `_` where Kazoo hangs up: the
    // same call for a Kazoo flow, which has no child there.
    expect(childrenOf('conference')).to.deep.equal(['_']);
    for (const terminal of ['hangup', 'response', 'dead_air', 'wait_for_hangup', 'transfer', 'move']) {
      expect(childrenOf(terminal), terminal).to.deep.equal([]);
    }
    expect(childrenOf('nomorobo')).to.include.members(['0', '10', '_']);
  });

  describe('buildRegistry', () => {
    const base = definitions.find((d) => d.name === 'skel')!;

    it('resolves aliases to the same definition', () => {
      const aliased: ModuleDefinition = { ...base, name: 'primary', aliases: ['secondary', 'tertiary'] };
      const map = buildRegistry([aliased]);
      expect(map.get('primary')).to.equal(aliased);
      expect(map.get('secondary')).to.equal(aliased);
      expect(map.get('tertiary')).to.equal(aliased);
      expect(map.size).to.equal(3);
    });

    it('refuses a name or alias claimed twice', () => {
      expect(() => buildRegistry([base, base])).to.throw(/claimed by both/);
      const a: ModuleDefinition = { ...base, name: 'a', aliases: ['x'] };
      const b: ModuleDefinition = { ...base, name: 'b', aliases: ['x'] };
      expect(() => buildRegistry([a, b])).to.throw(/"x"/);
    });
  });
});
