import { expect } from 'chai';
import { moduleDataErrors, withDefaults } from '../../lib/validation/module-data.ts';

describe('module data', () => {
  describe('invalid data is reported per field and rule', () => {
    const table: Array<[module: string, data: Record<string, unknown>, key: string, rule: string]> = [
      ['ring_group', {}, 'data.endpoints', 'required'],
      ['ring_group', { endpoints: [] }, 'data.endpoints', 'minItems'],
      ['ring_group', { endpoints: [{ endpoint_type: 'user' }] }, 'data.endpoints.0.id', 'required'],
      ['ring_group', { endpoints: [{ id: 'x', endpoint_type: 'phone' }] }, 'data.endpoints.0.endpoint_type', 'enum'],
      ['ring_group', { endpoints: [{ id: 'x', weight: 101 }] }, 'data.endpoints.0.weight', 'maximum'],
      ['ring_group', { endpoints: [{ id: 'x' }], strategy: 'random' }, 'data.strategy', 'enum'],
      ['ring_group', { endpoints: [{ id: 'x' }], repeats: '0' }, 'data.repeats', 'minimum'],
      ['page_group', { endpoints: [{ id: 'x' }], audio: 'both' }, 'data.audio', 'enum'],
      ['user', { id: 'u', timeout: 'abc' }, 'data.timeout', 'type'],
      ['user', { id: 'u', timeout: '' }, 'data.timeout', 'type'],
      ['user', { id: 'u', timeout: null }, 'data.timeout', 'type'],
      ['user', { id: 42 }, 'data.id', 'type'],
      ['device', { can_call_self: 'yes' }, 'data.can_call_self', 'type'],
      ['device', { dial_strategy: 'weighted_random' }, 'data.dial_strategy', 'enum'],
      ['pivot', {}, 'data.voice_url', 'required'],
      ['pivot', { voice_url: 'ftp://x' }, 'data.voice_url', 'pattern'],
      ['pivot', { voice_url: 'http://x', method: 'PUT' }, 'data.method', 'pattern'],
      ['pivot', { voice_url: 'http://x', req_timeout_ms: 9000 }, 'data.req_timeout_ms', 'maximum'],
      ['language', {}, 'data.language', 'required'],
      ['language', { language: 'english' }, 'data.language', 'pattern'],
      ['tts', { text: 'x'.repeat(1001) }, 'data.text', 'maxLength'],
      ['tts', { text: '' }, 'data.text', 'minLength'],
      ['sleep', { duration: -1 }, 'data.duration', 'minimum'],
      ['sleep', { duration: 1, unit: 'days' }, 'data.unit', 'enum'],
      ['record_call', { time_limit: '4' }, 'data.time_limit', 'minimum'],
      ['record_call', { action: 'pause' }, 'data.action', 'enum'],
      ['check_cid', { regex: '^(+1' }, 'data.regex', 'format'],
      ['branch_bnumber', { hunt_allow: '[0-9' }, 'data.hunt_allow', 'format'],
      ['dynamic_cid', { whitelist_regex: '*' }, 'data.whitelist_regex', 'format'],
      ['audio_macro', { macros: [] }, 'data.macros', 'minItems'],
      ['audio_macro', { macros: [{ macro: 'tone', volume: 101 }] }, 'data.macros.0.volume', 'maximum'],
      ['audio_macro', { macros: [{ macro: 'say', type: 'colour' }] }, 'data.macros.0.type', 'enum'],
      ['audio_macro', { macros: [{ id: 'x' }] }, 'data.macros.0.macro', 'required'],
      ['missed_call_alert', {}, 'data.recipients', 'required'],
      ['missed_call_alert', { recipients: [{ id: 'x' }] }, 'data.recipients.0.type', 'required'],
      ['missed_call_alert', { recipients: [{ type: 'sms', id: 'x' }] }, 'data.recipients.0.type', 'enum'],
      ['response', { code: 99 }, 'data.code', 'minimum'],
      ['response', { code: '4x6' }, 'data.code', 'type'],
      ['collect_dtmf', { terminator: 'x' }, 'data.terminator', 'enum'],
      ['collect_dtmf', { max_digits: 0 }, 'data.max_digits', 'minimum'],
      ['set_variables', {}, 'data.custom_application_vars', 'required'],
      ['set_variables', { custom_application_vars: 'a=b' }, 'data.custom_application_vars', 'type'],
      ['send_dtmf', { digits: '12x' }, 'data.digits', 'pattern'],
      ['send_dtmf', {}, 'data.digits', 'required'],
      ['manual_presence', {}, 'data.presence_id', 'required'],
      ['nomorobo', { password: 'p' }, 'data.username', 'required'],
      ['ring_group_toggle', { action: 'login' }, 'data.callflow_id', 'required'],
      ['lookupcidname', { lists: 'abc' }, 'data.lists', 'type'],
      ['temporal_route', { rules: 'f1' }, 'data.rules', 'type'],
      ['temporal_route', { action: 'open' }, 'data.action', 'enum'],
      ['voicemail', { action: 'listen' }, 'data.action', 'enum'],
      ['play', { terminators: ['x'] }, 'data.terminators.0', 'enum'],
      ['play', { loop_count: 0 }, 'data.loop_count', 'minimum'],
      ['park', { slots: { '101': { ringback_timeout: 'soon' } } }, 'data.slots.101.ringback_timeout', 'type'],
      ['faxbox', { media: { fax_option: 'maybe' } }, 'data.media.fax_option', 'enum'],
      ['conference', { config: { member: { pins: ['12a'] } } }, 'data.config.member.pins.0', 'pattern'],
      ['conference', { welcome_prompt: { play: 'no' } }, 'data.welcome_prompt.play', 'type'],
      ['webhook', { uri: 'mailto:x' }, 'data.uri', 'pattern'],
      ['branch_variable', {}, 'data.variable', 'required'],
      ['skel', { skip_module: 'sometimes' }, 'data.skip_module', 'type'],
    ];
    for (const [module, data, key, rule] of table) {
      it(`${module} ${JSON.stringify(data).slice(0, 70)} → ${key} ${rule}`, () => {
        const errors = moduleDataErrors(module, data);
        expect(errors, JSON.stringify(errors)).to.have.property(key).that.has.property(rule);
        expect(errors[key][rule].message).to.be.a('string').and.not.equal('');
      });
    }
  });

  describe("values Kazoo's runtime accepts are valid", () => {
    const table: Array<[module: string, data: Record<string, unknown>]> = [
      ['user', { id: 'u', timeout: '30', delay: '0', can_call_self: 'false', suppress_clid: 'true' }],
      ['ring_group', { endpoints: [{ id: 'x', delay: '5', timeout: '20', weight: '50' }], timeout: '25', repeats: '3', ignore_forward: 'true' }],
      ['disa', { retries: '3', max_digits: '15', use_account_caller_id: 'true' }],
      ['record_call', { time_limit: '5' }],
      ['response', { code: '503' }],
      ['send_dtmf', { digits: '12#', duration_ms: '250' }],
      ['sleep', { duration: '10', unit: 'm' }],
      ['pivot', { voice_url: 'https://x', method: 'Post' }],
      ['after_bridge', { action: 'park', data: 'true' }],
      ['after_bridge', { action: 'transfer', data: '2001' }],
      ['group', { endpoints: ['d1', { id: 'd2', endpoint_type: 'device' }] }],
      ['branch_variable', { variable: ['caller_id', 'internal', 'number'], scope: 'merged' }],
      ['missed_call_alert', { recipients: [{ type: 'email', id: ['a@example.com', 'b@example.com'] }] }],
      ['conference', { play_entry_tone: 'tone_stream://%(200,0,480)', play_exit_tone: false }],
      ['receive_fax', { media: { fax_option: 'true' } }],
      ['skel', { skip_module: 'true' }],
      ['hangup', {}],
    ];
    for (const [module, data] of table) {
      it(`${module} ${JSON.stringify(data).slice(0, 80)}`, () => {
        expect(moduleDataErrors(module, data)).to.deep.equal({});
      });
    }
  });

  it('keeps unknown data fields (UIs write name, ui_metadata…) and accepts them', () => {
    const data = { id: 'u', name: 'Ada', ui_metadata: { origin: 'voip' }, future_option: [1, 2] };
    const before = JSON.stringify(data);
    expect(moduleDataErrors('user', data)).to.deep.equal({});
    expect(JSON.stringify(data)).to.equal(before);
    expect(withDefaults('user', data)).to.include({ name: 'Ada' }).and.have.deep.property('ui_metadata', { origin: 'voip' });
  });

  it('reports values as they were written, not as coerced', () => {
    const errors = moduleDataErrors('record_call', { time_limit: '4' }, 'flow.data');
    expect(errors['flow.data.time_limit'].minimum).to.deep.equal({ message: 'must be >= 5', value: '4', target: 5 });
  });

  it('never modifies the data it validates', () => {
    const data = { endpoints: [{ id: 'x', delay: '5' }], timeout: '30' };
    const before = JSON.stringify(data);
    moduleDataErrors('ring_group', data);
    withDefaults('ring_group', data);
    expect(JSON.stringify(data)).to.equal(before);
  });

  it('throws for a module it does not know (callers report unknown modules themselves)', () => {
    expect(() => moduleDataErrors('no_such_module', {})).to.throw(TypeError);
  });

  describe('withDefaults (run time)', () => {
    it("fills in Kazoo's run-time defaults and coerces, member by member", () => {
      const out = withDefaults('ring_group', { endpoints: [{ id: 'd1' }, { id: 'u1', endpoint_type: 'user', delay: '5' }], timeout: '30', ignore_forward: 'false' });
      expect(out).to.deep.equal({
        endpoints: [
          { id: 'd1', endpoint_type: 'device', delay: 0, timeout: 20 },
          { id: 'u1', endpoint_type: 'user', delay: 5, timeout: 20 },
        ],
        timeout: 30,
        ignore_forward: false,
        strategy: 'simultaneous',
        repeats: 1,
      });
    });

    it('treats null and "" as absent', () => {
      expect(withDefaults('user', { id: 'u', timeout: null, strategy: '' })).to.include({ timeout: 20, strategy: 'simultaneous' });
    });

    it('fills defaults inside default objects', () => {
      expect(withDefaults('conference', { id: 'c' })).to.deep.include({ welcome_prompt: { play: true } });
      expect(withDefaults('conference', { welcome_prompt: { media_id: 'm' } }).welcome_prompt).to.deep.equal({ media_id: 'm', play: true });
    });

    const table: Array<[module: string, data: Record<string, unknown>, expected: Record<string, unknown>]> = [
      ['device', {}, { timeout: 20, delay: 0, dial_strategy: 'simultaneous', can_call_self: false }],
      ['menu', { id: 'm' }, { id: 'm' }],
      ['voicemail', { id: 'v' }, { id: 'v', action: 'compose', single_mailbox_login: false, callerid_match_login: false }],
      // req_timeout_ms has no schema default: an old document's req_timeout (seconds) must still win at run time.
      ['pivot', { voice_url: 'http://x' }, { method: 'get', req_format: 'twiml', req_body_format: 'form', debug: false }],
      ['resources', {}, { use_local_resources: true, outbound_flags: [] }],
      ['offnet', {}, { use_local_resources: false }],
      ['play', { id: 'm' }, { answer: true, endless_playback: false, terminators: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] }],
      // No `terminator` default: when present it wins over `terminators` (Kazoo's get_first_defined).
      ['collect_dtmf', {}, { max_digits: 1, timeout: 5000, interdigit_timeout: 2000, collection_name: 'default' }],
      ['disa', { retries: '2' }, { pin: '', retries: 2, max_digits: 15, use_account_caller_id: true, preconnect_audio: 'dialtone' }],
      ['park', {}, { action: 'park', slots: {}, default_ringback_timeout: 120000, default_callback_timeout: 30000, default_presence_type: 'early' }],
      ['sleep', { duration: '3' }, { duration: 3, unit: 's' }],
      ['temporal_route', {}, { rules: [] }],
      ['transfer', {}, { captures: ['no_match'], transfer_type: 'blind' }],
      ['response', {}, { code: 486 }],
    ];
    for (const [module, data, expected] of table) {
      it(`${module}: ${JSON.stringify(expected).slice(0, 90)}`, () => {
        expect(withDefaults(module, data)).to.deep.include(expected);
      });
    }

    it('does not default fields whose value comes from another document first', () => {
      const vm = withDefaults('voicemail', {});
      expect(vm).not.to.have.property('max_message_length');
      expect(vm).not.to.have.property('interdigit_timeout');
      const group = withDefaults('group', { id: 'g' });
      for (const key of ['timeout', 'strategy', 'ignore_forward']) expect(group).not.to.have.property(key);
      expect(withDefaults('menu', {})).not.to.have.property('interdigit_timeout');
    });

    it('gives every call its own copy of array/object defaults', () => {
      const a = withDefaults('play', {});
      (a.terminators as string[]).push('X');
      expect(withDefaults('play', {}).terminators).to.have.length(12);
    });

    it('copies data of unknown modules and tolerates non-object data', () => {
      expect(withDefaults('no_such_module', { a: '1', b: null })).to.deep.equal({ a: '1' });
      expect(withDefaults('sleep', 'garbage')).to.deep.equal({ duration: 0, unit: 's' });
      expect(withDefaults('sleep', undefined)).to.deep.equal({ duration: 0, unit: 's' });
    });

    it('leaves values that cannot be coerced as they are', () => {
      expect(withDefaults('user', { timeout: 'soon' }).timeout).to.equal('soon');
    });

    it('keeps "__proto__" and "constructor" keys as plain data without polluting prototypes', () => {
      const data = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "timeout": "5"}');
      const out = withDefaults('user', data);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.hasOwn(out, '__proto__')).to.equal(true);
      expect(out.timeout).to.equal(5);
      expect(moduleDataErrors('user', data)).to.deep.equal({});
    });
  });
});
