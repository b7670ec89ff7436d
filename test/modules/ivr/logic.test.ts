// Table tests of the IVR modules' pure logic: menu profiles and entries, audio_macro item planning,
// collect_dtmf terminators and send_dtmf timing.
import { expect } from 'chai';
import { entryIsFinal, selectEntry } from '../../../lib/menu/entry.ts';
import { promptChoice, readMenuProfile } from '../../../lib/menu/profile.ts';
import { durationWords, planMacro, sayStep, toneStep } from '../../../lib/audio-macro/items.ts';
import { cutAtTerminator, terminatorsOf } from '../../../callflows/collect_dtmf.ts';
import { dtmfDurationMs } from '../../../callflows/send_dtmf.ts';

describe('IVR logic', () => {
  describe('readMenuProfile', () => {
    it('uses Kazoo code defaults for a missing document (no greeting, 3 retries, 10 s, 4 digits, no hunt)', () => {
      const p = readMenuProfile(undefined, {}, 'abc');
      expect(p).to.deep.include({ found: false, name: 'abc', retries: 3, timeoutMs: 10_000, interdigitMs: 2000, maxLength: 4, hunt: false });
      expect(p.greeting).to.deep.equal({ kind: 'system', prompt: 'menu-no_prompt' });
      expect(p.invalidMedia).to.deep.equal({ kind: 'system', prompt: 'menu-invalid_entry' });
      expect(p.transferMedia).to.deep.equal({ kind: 'system', prompt: 'menu-transferring_call' });
      expect(p.exitMedia).to.deep.equal({ kind: 'system', prompt: 'menu-exit' });
    });

    it('treats a soft-deleted document as missing', () => {
      expect(readMenuProfile({ name: 'x', pvt_deleted: true, retries: 5 }).found).to.equal(false);
      expect(readMenuProfile({ name: 'x', pvt_deleted: true, retries: 5 }).retries).to.equal(3);
    });

    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
      ['stored values', { name: 'M', retries: 5, timeout: 3000, max_extension_length: 2, hunt: true }, {}, { retries: 5, timeoutMs: 3000, maxLength: 2, hunt: true }],
      ['string numbers and booleans', { retries: '2', timeout: '1500', max_extension_length: '6', hunt: 'true', allow_record_from_offnet: 'true' }, {}, { retries: 2, timeoutMs: 1500, maxLength: 6, hunt: true, recordFromOffnet: true }],
      ['schema default of hunt is not the code default', { name: 'M' }, {}, { hunt: false }],
      ['interdigit from the document wins over the node', { interdigit_timeout: 700 }, { interdigit_timeout: 900 }, { interdigitMs: 700 }],
      ['interdigit from the node when the document has none', {}, { interdigit_timeout: 900 }, { interdigitMs: 900 }],
      ['non-positive timeout and length fall back', { timeout: 0, max_extension_length: -1 }, {}, { timeoutMs: 10_000, maxLength: 4 }],
      ['retries 0 is kept (straight to the exhausted path)', { retries: 0 }, {}, { retries: 0 }],
      ['garbage numbers fall back', { retries: 'many', timeout: 'soon' }, {}, { retries: 3, timeoutMs: 10_000 }],
      ['hunt regexes and pin', { hunt_allow: '^2', hunt_deny: '^9', record_pin: '1234' }, {}, { huntAllow: '^2', huntDeny: '^9', recordPin: '1234' }],
    ];
    for (const [name, doc, data, expected] of cases) {
      it(name, () => expect(readMenuProfile(doc, data)).to.deep.include(expected));
    }

    it('reads the greeting as a media reference', () => {
      expect(readMenuProfile({ media: { greeting: 'abc123' } }).greeting).to.deep.equal({ kind: 'media', ref: 'abc123' });
      expect(readMenuProfile({ media: { greeting: '' } }).greeting).to.deep.equal({ kind: 'system', prompt: 'menu-no_prompt' });
    });

    const choices: Array<[unknown, unknown]> = [
      [undefined, { kind: 'system', prompt: 'P' }],
      [true, { kind: 'system', prompt: 'P' }],
      ['true', { kind: 'system', prompt: 'P' }],
      [false, { kind: 'none' }],
      ['false', { kind: 'none' }],
      ['', { kind: 'system', prompt: 'P' }],
      [42, { kind: 'system', prompt: 'P' }],
      ['beep', { kind: 'media', ref: 'beep' }],
    ];
    for (const [value, expected] of choices) {
      it(`media choice ${JSON.stringify(value)}`, () => expect(promptChoice(value, 'P')).to.deep.equal(expected));
    }
  });

  describe('menu entries', () => {
    const keys = ['1', '2', '21', 'timeout', 'max_retries', '_'];
    const finals: Array<[string, Partial<{ hunt: boolean; recordPin: string }>, boolean]> = [
      ['1', {}, true],
      ['2', {}, false], // 21 extends it
      ['21', {}, true],
      ['5', {}, true], // nothing can make it valid
      ['', {}, false],
      ['1', { hunt: true }, false], // any extension could follow
      ['1', { recordPin: '123' }, false],
      ['123', { recordPin: '123' }, true],
    ];
    for (const [digits, extra, expected] of finals) {
      it(`entry ${JSON.stringify(digits)} ${JSON.stringify(extra)} final=${expected}`, () => {
        expect(entryIsFinal(digits, { childKeys: keys, hunt: false, ...extra })).to.equal(expected);
      });
    }

    const selections: Array<[string, Record<string, unknown>, unknown]> = [
      ['', {}, { kind: 'timeout' }],
      ['2', {}, { kind: 'child', key: '2' }],
      ['2', { hunt: true }, { kind: 'child', key: '2' }], // children win over hunting
      ['9', {}, { kind: 'invalid', why: 'no such option' }],
      ['2001', { hunt: true }, { kind: 'hunt', otherwise: { kind: 'invalid', why: 'no callflow has that number' } }],
      ['2001', { hunt: true, huntAllow: '^3' }, { kind: 'invalid', why: 'hunt_allow/hunt_deny refuse it' }],
      ['2001', { hunt: true, huntDeny: '^2' }, { kind: 'invalid', why: 'hunt_allow/hunt_deny refuse it' }],
      ['2001', { hunt: true, huntAllow: '^2', huntDeny: '^9' }, { kind: 'hunt', otherwise: { kind: 'invalid', why: 'no callflow has that number' } }],
      ['2001', { hunt: true, huntAllow: '(' }, { kind: 'invalid', why: 'hunt_allow/hunt_deny refuse it' }], // invalid allow denies
      ['2001', { hunt: true, huntDeny: '(' }, { kind: 'hunt', otherwise: { kind: 'invalid', why: 'no callflow has that number' } }], // invalid deny allows
      ['1234', { recordPin: '1234', allowRecord: true }, { kind: 'record' }],
      ['1234', { recordPin: '1234', allowRecord: false }, { kind: 'invalid', why: 'no such option' }],
      ['1234', { hunt: true, recordPin: '1234', allowRecord: true }, { kind: 'hunt', otherwise: { kind: 'record' } }],
    ];
    for (const [digits, extra, expected] of selections) {
      it(`select ${JSON.stringify(digits)} ${JSON.stringify(extra)}`, () => {
        expect(selectEntry(digits, { childKeys: keys, hunt: false, ...extra })).to.deep.equal(expected);
      });
    }
  });

  describe('audio_macro items', () => {
    const says: Array<[Record<string, unknown>, unknown]> = [
      [{ text: '123' }, { uri: 'number:123' }],
      [{ text: '123', type: 'number', method: 'pronounced' }, { uri: 'number:123' }],
      [{ text: '-5', type: 'items' }, { uri: 'number:-5' }],
      [{ text: '123', method: 'iterated' }, { uri: 'digits:123' }],
      [{ text: '3', type: 'number', method: 'counted' }, { text: '3rd' }],
      [{ text: '11', type: 'number', method: 'counted' }, { text: '11th' }],
      [{ text: '22', type: 'number', method: 'counted' }, { text: '22nd' }],
      [{ text: 'twelve', type: 'number' }, { text: 'twelve' }],
      [{ text: '+1 (415) 555-0100', type: 'telephone_number' }, { uri: 'digits:14155550100' }],
      [{ text: '2001', type: 'telephone_extension' }, { uri: 'digits:2001' }],
      [{ text: 'AB-12', type: 'account_number' }, { uri: 'characters:AB12' }],
      [{ text: 'bob', type: 'name_spelled' }, { uri: 'characters:bob' }],
      [{ text: '10.0.0.1', type: 'ip_address' }, { uri: 'characters:10.0.0.1' }],
      [{ text: 'Bo', type: 'name_phonetic' }, { text: 'bravo oscar' }],
      [{ text: '12.5', type: 'currency' }, { text: '12 dollars and 50 cents' }],
      [{ text: '1', type: 'currency' }, { text: '1 dollar' }],
      [{ text: '3725', type: 'time_measurement' }, { text: '1 hour 2 minutes 5 seconds' }],
      [{ text: 'a@b.c', type: 'e-mail_address' }, { text: 'a@b.c' }],
      [{ text: '', type: 'number' }, 'say without text'],
      [{ text: '()', type: 'telephone_number' }, 'say without digits'],
    ];
    for (const [item, expected] of says) {
      it(`say ${JSON.stringify(item)}`, () => expect(sayStep(item)).to.deep.equal(expected));
    }

    it('says current dates in the given zone and language', () => {
      const now = new Date('2024-03-05T17:30:00Z');
      expect(sayStep({ text: 'now', type: 'current_date' }, { now, zone: 'Europe/Paris' })).to.deep.equal({ text: 'Tuesday, March 5, 2024' });
      expect(sayStep({ text: 'x', type: 'current_time' }, { now, zone: 'Europe/Paris' })).to.deep.equal({ text: '6:30 PM' });
      expect(sayStep({ text: '0', type: 'current_date', language: 'fr' }, { now, zone: 'UTC' })).to.deep.equal({ text: 'mardi 5 mars 2024' });
      // A positive number is the instant to say (Unix seconds).
      expect(sayStep({ text: '86400', type: 'current_date' }, { now, zone: 'UTC' })).to.deep.equal({ text: 'Friday, January 2, 1970' });
    });

    const tones: Array<[Record<string, unknown>, unknown]> = [
      [{ frequencies: [440], duration_on: 500, duration_off: 100, repeat: 2 }, { uri: 'tone:440/500|0/100', durationMs: 1200 }],
      [{ frequencies: [350, 440], duration_on: 300 }, { uri: 'tone:350+440/300', durationMs: 300 }],
      [{ frequencies: [1, 2, 3], duration_on: 100 }, { uri: 'tone:1+2/100', durationMs: 100 }],
      [{ frequencies: ['440'] }, { uri: 'tone:440/1000', durationMs: 1000 }],
      [{ frequencies: [440], duration_on: 1000, repeat: 1000 }, { uri: 'tone:440/1000', durationMs: 60_000 }],
      [{ frequencies: [] }, 'tone without frequencies'],
      [{ frequencies: [440], duration_on: 0 }, 'tone with duration_on 0'],
    ];
    for (const [item, expected] of tones) {
      it(`tone ${JSON.stringify(item)}`, () => expect(toneStep(item)).to.deep.equal(expected));
    }

    it('words durations', () => {
      expect(durationWords(0)).to.equal('0 seconds');
      expect(durationWords(61)).to.equal('1 minute 1 second');
      expect(durationWords(7200)).to.equal('2 hours');
    });

    it('plans items in order with inherited language and terminators, dropping invalid ones', () => {
      const plan = planMacro(
        {
          language: 'fr',
          terminators: ['#'],
          macros: [
            { macro: 'play', id: 'beep' },
            { macro: 'prompt', id: 'vm-goodbye', language: 'en' },
            { macro: 'say', text: '42', terminators: ['1'] },
            { macro: 'tts', text: 'hello', voice: 'male' },
            { macro: 'tone', frequencies: [440], duration_on: 200 },
            { macro: 'play' },
            { macro: 'dance' },
            'junk',
          ],
        },
        { language: 'en' },
      );
      expect(plan.steps).to.deep.equal([
        { kind: 'media', ref: 'beep', terminators: ['#'], language: 'fr' },
        { kind: 'media', ref: 'vm-goodbye', terminators: ['#'], language: 'en' },
        { kind: 'uri', uri: 'number:42', terminators: ['1'], language: 'fr' },
        { kind: 'tts', text: 'hello', voice: 'male', terminators: ['#'], language: 'fr' },
        { kind: 'tone', uri: 'tone:440/200', durationMs: 200, terminators: ['#'], language: 'fr' },
      ]);
      expect(plan.dropped).to.deep.equal(['#6 play: no id', '#7 dance: unknown macro', '#8: not an object']);
    });

    it('defaults terminators to every key and the language to the call\'s', () => {
      const plan = planMacro({ macros: [{ macro: 'play', id: 'beep' }] }, { language: 'de' });
      expect(plan.steps[0]).to.deep.equal({ kind: 'media', ref: 'beep', terminators: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'], language: 'de' });
    });
  });

  describe('collect_dtmf and send_dtmf helpers', () => {
    it('reads terminator before terminators, defaulting to #', () => {
      expect(terminatorsOf({})).to.deep.equal(['#']);
      expect(terminatorsOf({ terminator: '*' })).to.deep.equal(['*']);
      expect(terminatorsOf({ terminators: ['*', '#', '*'] })).to.deep.equal(['*', '#']);
      expect(terminatorsOf({ terminator: '0', terminators: ['*'] })).to.deep.equal(['0']);
      expect(terminatorsOf({ terminators: [] })).to.deep.equal([]);
    });

    const cuts: Array<[string, string[], string]> = [
      ['1234#456#789', ['#', '*'], '1234'],
      ['1234', ['#'], '1234'],
      ['123#', ['#', '*'], '123'],
      ['1*2#3', ['#', '*'], '1'],
      ['#234', ['#'], ''],
    ];
    for (const [digits, terms, expected] of cuts) {
      it(`cuts ${digits} at ${terms.join('')}`, () => expect(cutAtTerminator(digits, terms)).to.equal(expected));
    }

    it('times DTMF with Asterisk pauses', () => {
      expect(dtmfDurationMs('12', 100)).to.equal(400);
      expect(dtmfDurationMs('1w2W', 100)).to.equal(200 + 500 + 200 + 1000);
    });
  });
});
