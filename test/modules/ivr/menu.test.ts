// The `menu` module on real calls: digit children, `timeout`, `max_retries`, `_`, hunting, prompts, hangups.
import { expect } from 'chai';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import type { CallflowNode } from '../../../lib/engine/module.ts';

const hangup: CallflowNode = { module: 'hangup', data: {} };
const noop: CallflowNode = { module: 'noop', data: {} };

describe('menu on real calls', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  before(async () => {
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  async function menu(doc: Record<string, unknown>, children: Record<string, CallflowNode>, data: Record<string, unknown> = {}) {
    const id = await h.doc('menus', { name: 'Test menu', ...doc });
    return h.callflow({ module: 'menu', data: { id, ...data }, children });
  }

  const steps = (rec: { trace: { module: string; result: string }[] }) => rec.trace.map((s) => [s.module, s.result]);
  const playbacks = (caller: { events(): { type: string; playback?: { media_uri: string } }[] }) =>
    caller.events().filter((e) => e.type === 'PlaybackStarted').map((e) => e.playback!.media_uri);

  it('pressing 2 reaches the node under child 2', async () => {
    const number = await menu({ media: { greeting: 'beep' }, timeout: 5000, interdigit_timeout: 800 }, { '1': noop, '2': hangup, '21': noop, timeout: noop });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('2');
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    // '2' alone is ambiguous with '21': the inter-digit timeout decides.
    expect(steps(rec)).to.deep.equal([
      ['menu', '2'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/pressed 2 → 2/);
    expect(rec.answered_at).to.be.instanceOf(Date);
  });

  it('takes a key at once when no other key can follow it, and multi-digit keys', async () => {
    const number = await menu({ media: { greeting: 'beep' }, timeout: 5000, interdigit_timeout: 5000 }, { '1': noop, '2': hangup, '21': hangup });
    const one = await h.call(number);
    await one.waitUp();
    const t0 = Date.now();
    await one.sendDtmf('1');
    await one.waitEnded(8000);
    // noop then the end of the flow hangs up: well before the 5 s inter-digit timeout.
    expect(Date.now() - t0).to.be.lessThan(4000);
    expect(steps(await h.record(one.peerId))).to.deep.equal([
      ['menu', '1'],
      ['noop', '_ (no child)'],
    ]);

    const two = await h.call(number);
    await two.waitUp();
    await two.sendDtmf('21');
    await two.waitEnded(8000);
    expect(steps(await h.record(two.peerId))[0]).to.deep.equal(['menu', '21']);
  });

  it('silence takes `timeout` on the first timeout', async () => {
    const number = await menu({ media: { greeting: 'beep' }, timeout: 400, retries: 3 }, { '1': noop, timeout: hangup, max_retries: noop });
    const caller = await h.call(number);
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['menu', 'timeout'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/no input → timeout/);
    // One greeting only: the timeout child is taken at once.
    expect(playbacks(caller)).to.deep.equal(['sound:beep']);
  });

  it('three wrong digits take `max_retries`', async () => {
    const number = await menu(
      { media: { greeting: 'beep', invalid_media: 'beep', exit_media: false }, timeout: 4000, retries: 3 },
      { '1': noop, max_retries: hangup, _: noop },
    );
    const caller = await h.call(number);
    await caller.waitUp();
    for (let i = 0; i < 3; i++) {
      await caller.sendDtmf('9');
      // The invalid-entry prompt of this attempt, then the next greeting.
      await caller.waitFor('PlaybackFinished', () => caller.events().filter((e) => e.type === 'PlaybackFinished').length >= 2 * (i + 1), 5000);
    }
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['menu', 'max_retries'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/9 invalid .*; 9 invalid .*; 9 invalid .*retries exhausted → max_retries/);
  });

  it('silences without a `timeout` child cost retries, then `_` after the transfer prompt', async () => {
    const number = await menu(
      { media: { greeting: 'beep', exit_media: false, transfer_media: 'silence/1' }, timeout: 300, retries: 2 },
      { '1': noop, _: hangup },
    );
    const caller = await h.call(number);
    await caller.waitEnded(10_000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['menu', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/no input; no input; retries exhausted → _/);
    expect(playbacks(caller)).to.deep.equal(['sound:beep', 'sound:beep', 'sound:silence/1']);
  });

  it('without `max_retries` nor `_`, says goodbye and the call ends', async () => {
    const number = await menu({ media: { greeting: 'beep', exit_media: 'hello-world' }, timeout: 300, retries: 1 }, { '1': noop });
    const caller = await h.call(number);
    await caller.waitEnded(10_000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['menu', '_ (no child)']]);
    expect(rec.end).to.equal('hangup');
    expect(rec.trace[0].reason).to.match(/goodbye/);
    expect(playbacks(caller)).to.deep.equal(['sound:beep', 'sound:hello-world', 'sound:vm-goodbye']);
  });

  it('the caller hanging up mid-prompt leaves a record whose trace ends at the menu', async () => {
    const number = await menu({ media: { greeting: 'tt-monkeys' } }, { '1': noop, timeout: noop, max_retries: noop, _: noop });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([['menu', 'caller_hangup']]);
    expect(rec.end).to.equal('caller_hangup');
  });

  it('a digit pressed during the greeting stops it and counts', async () => {
    const number = await menu({ media: { greeting: 'tt-monkeys' } }, { '2': hangup });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted', 'sound:tt-monkeys');
    await caller.sendDtmf('2');
    // tt-monkeys lasts far longer: it finishes here only because the key stopped it.
    await caller.waitPlayback('PlaybackFinished', 'sound:tt-monkeys', 3000);
    await caller.waitEnded(5000);
    expect(steps(await h.record(caller.peerId))).to.deep.equal([
      ['menu', '2'],
      ['hangup', 'hard_stop'],
    ]);
  });

  it('`#` ends the entry, and max_extension_length caps it', async () => {
    const number = await menu({ media: { greeting: 'beep' }, interdigit_timeout: 5000, max_extension_length: 2 }, { '1': hangup, '12': noop, '123': noop });
    const hash = await h.call(number);
    await hash.waitUp();
    await hash.sendDtmf('1#');
    await hash.waitEnded(4000);
    expect(steps(await h.record(hash.peerId))[0]).to.deep.equal(['menu', '1']);

    const long = await h.call(number);
    await long.waitUp();
    await long.sendDtmf('123');
    await long.waitEnded(4000);
    expect(steps(await h.record(long.peerId))[0]).to.deep.equal(['menu', '12']);
  });

  it('a lone `#` counts as no input', async () => {
    const number = await menu({ media: { greeting: 'beep' }, timeout: 5000 }, { '1': noop, timeout: hangup });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('#');
    await caller.waitEnded(4000);
    expect(steps(await h.record(caller.peerId))[0]).to.deep.equal(['menu', 'timeout']);
  });

  it('hunts a dialled extension into its callflow, honouring hunt_allow / hunt_deny', async () => {
    await h.callflow({ module: 'play', data: { id: 'beep' }, children: { _: hangup } }, { numbers: ['2001'] });
    const number = await menu(
      { media: { greeting: 'beep', transfer_media: false }, hunt: true, hunt_deny: '^29', max_extension_length: 4, retries: 1, exit_media: false },
      { '1': noop, _: noop },
    );
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('2001');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)).to.deep.equal([
      ['menu', 'branch'],
      ['play', '_'],
      ['hangup', 'hard_stop'],
    ]);
    expect(rec.trace[0].reason).to.match(/dialled 2001 → callflow \w+ \(number\)/);

    await h.callflow({ module: 'hangup', data: {} }, { numbers: ['2901'] });
    const denied = await h.call(number);
    await denied.waitUp();
    await denied.sendDtmf('2901');
    // Any key cuts the invalid-entry prompt short.
    await denied.waitPlayback('PlaybackStarted', 'sound:pm-invalid-option', 5000);
    await denied.sendDtmf('*');
    await denied.waitEnded(6000);
    const rec2 = await h.record(denied.peerId);
    expect(steps(rec2)).to.deep.equal([
      ['menu', '_'],
      ['noop', '_ (no child)'],
    ]);
    expect(rec2.trace[0].reason).to.match(/2901 invalid \(hunt_allow\/hunt_deny refuse it\)/);
    // Kazoo's default invalid-entry prompt, mapped to a sound Asterisk has.
    const invalid = denied.events().find((e) => e.type === 'PlaybackFinished' && e.playback?.media_uri === 'sound:pm-invalid-option');
    expect(invalid?.playback?.state).to.be.oneOf(['done', 'stopped', 'canceled']);
  });

  it('record_pin records, reviews and saves a new greeting, which the menu then plays', async () => {
    const menuId = await h.doc('menus', { name: 'Recorded', media: { greeting: 'beep' }, record_pin: '1234', allow_record_from_offnet: true, timeout: 5000 });
    const number = await h.callflow({ module: 'menu', data: { id: menuId }, children: { '1': hangup, '12': noop } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('1234');
    // Any key cuts the instructions short (and is not kept: it must not end the take).
    await caller.waitPlayback('PlaybackStarted', 'sound:vm-rec-unv', 8000);
    await caller.sendDtmf('9');
    await caller.waitPlayback('PlaybackFinished', 'sound:vm-rec-unv', 8000);
    // The caller speaks (a prompt played into their leg) for a while, then ends the take with a key.
    const talk = await h.driver.rest('POST', `/channels/${caller.id}/play`, { media: 'sound:tt-monkeys' });
    await new Promise((r) => setTimeout(r, 2200));
    await h.driver.rest('DELETE', `/playbacks/${talk.id}`).catch(() => {});
    await caller.sendDtmf('#');
    await caller.waitPlayback('PlaybackStarted', 'sound:vm-review', 5000);
    await caller.sendDtmf('1');
    await caller.waitPlayback('PlaybackFinished', 'sound:vm-msgsaved', 8000);
    const stored = await h.db.collection('menus').findOne({ _id: menuId as never });
    const greeting = (stored?.media as { greeting?: string })?.greeting;
    expect(greeting).to.match(/^[0-9a-f]{32}$/);
    // The menu goes on with the new greeting: it is played, and 1 still selects child 1.
    await caller.waitFor('PlaybackStarted', (e) => e.playback?.media_uri.includes(greeting!) ?? false, 5000);
    await caller.sendDtmf('1');
    await caller.waitEnded(5000);
    const media = await h.db.collection('media').findOne({ _id: greeting as never });
    expect(media).to.deep.include({ media_source: 'recording', source_type: 'menu', source_id: menuId, name: 'Recorded menu greeting' });
    const rec = await h.record(caller.peerId);
    expect(steps(rec)[0]).to.deep.equal(['menu', '1']);
    expect(rec.trace[0].reason).to.contain(`record_pin: new greeting ${greeting}; pressed 1 → 1`);
  });

  it('record_pin is an invalid entry for carrier calls unless allow_record_from_offnet', async () => {
    const number = await menu({ media: { greeting: 'beep', invalid_media: false, exit_media: false }, record_pin: '1234', retries: 1 }, { _: hangup });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('1234');
    await caller.waitEnded(6000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)[0]).to.deep.equal(['menu', '_']);
    // Without recording the PIN is no option: its first key is already an invalid entry.
    expect(rec.trace[0].reason).to.match(/: 1 invalid \(no such option\); retries exhausted → _/);
    expect(playbacks(caller)).not.to.include('sound:vm-rec-unv');
  });

  it('runs the default menu when the document is missing', async () => {
    const number = await h.callflow({ module: 'menu', data: { id: 'f'.repeat(32) }, children: { '1': hangup } });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.sendDtmf('1');
    await caller.waitEnded(5000);
    const rec = await h.record(caller.peerId);
    expect(steps(rec)[0]).to.deep.equal(['menu', '1']);
    expect(rec.trace[0].reason).to.match(/not found, default menu/);
    // Kazoo's menu-no_prompt, mapped to an Asterisk sound.
    expect(playbacks(caller)[0]).to.equal('sound:please-try-again');
  });

  it('speaks a TTS media document as the greeting', async () => {
    const greeting = await h.doc('media', { name: 'greeting', media_source: 'tts', tts: { text: 'Press one for sales.' } });
    const number = await menu({ media: { greeting }, timeout: 300 }, { timeout: hangup });
    const caller = await h.call(number);
    await caller.waitEnded(10_000);
    const [uri] = playbacks(caller);
    expect(uri).to.match(/^sound:\//);
    expect(uri).not.to.contain(greeting);
    const finished = caller.events().find((e) => e.type === 'PlaybackFinished');
    expect(finished?.playback?.state).to.equal('done');
    expect(steps(await h.record(caller.peerId))[0]).to.deep.equal(['menu', 'timeout']);
  });
});
