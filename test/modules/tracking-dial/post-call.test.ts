// The `dial` module's post-call flow on real calls (issue #7): the recipient presses the post-call key during
// the conversation and the caller goes on to the post-call flow (a survey, post_call_for `caller`); a key that is
// not the post-call key changes nothing; with post_call_for `recipient` (a disposition menu) the recipient's line
// runs the post-call flow as a new call, both when it presses the key (the caller is hung up) and when the
// caller hangs up; a recipient post-call callflow without a number cannot be reached and says so.
// Recipients are simulated phones (asterisk/etc/extensions.conf [sim]): `answer-star` answers, talks 2 s,
// presses `*` and stays on the line; `answer-now` answers and echoes.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { CallRecord } from '../../../lib/engine/call-records.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { beep, legsAlive, simDevice, until } from '../ringing/helpers.ts';
import type { DialRecord } from '../../../lib/tracking-dial/run.ts';

describe('tracking dial: the post-call flow (post_call_key, post_call_for)', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  const dev: Record<string, string> = {};
  const sip = (id: string) => ({ type: 'sip', device_id: id });
  const dialOf = (rec: CallRecord) => rec.attributes.dial as DialRecord;

  before(async () => {
    h = await EngineHarness.start();
    for (const b of ['answer-star', 'answer-now']) dev[b] = await simDevice(h, b);
  });
  after(async () => h?.stop());

  /** A post-call callflow that plays a beep; `numbers: []` stores it without a number. */
  async function postCallFlow(numbers?: string[]): Promise<{ id: string; number: string }> {
    const id = randomBytes(16).toString('hex');
    const number = await h.callflow(beep, { id, ...(numbers ? { numbers } : {}) });
    return { id, number };
  }

  it('post_call_for caller: the recipient presses the key → it leaves, the caller goes on to the post-call flow', async () => {
    const post = await postCallFlow();
    const number = await h.callflow({
      module: 'dial',
      data: { recipients: [sip(dev['answer-star'])], post_call: post.id, post_call_key: '*' },
      children: { _: { module: 'play', data: { id: 'tt-weasels' } } },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitPlayback('PlaybackFinished', 'sound:beep', 8000);
    // The recipient's line was hung up when it pressed the key.
    await until('the recipient hung up', async () => (await legsAlive(h, caller.peerId)).length === 0, 3000);
    // The post-call flow's last node has no child: ariflow ends the call (a hangup from the caller here could
    // land before the executor looks for a child and make the trace say `_` instead).
    await caller.waitEnded();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['dial', 'replace'],
      ['play', '_ (no child)'],
    ]);
    expect(dialOf(rec)).to.deep.include({ answered_by: `device:${dev['answer-star']}`, ended_by: 'recipient', recipient_key: '*' });
    expect(h.logs.some((l) => l.call === caller.peerId && l.msg === 'leg pressed an end key' && l.digit === '*')).to.equal(true);
  });

  it('another key than post_call_key does not end the conversation; the caller hanging up then ends the call', async () => {
    const post = await postCallFlow();
    const number = await h.callflow({ module: 'dial', data: { recipients: [sip(dev['answer-star'])], post_call: post.id, post_call_key: '#' } });
    const caller = await h.call(number);
    await caller.waitUp();
    // The recipient presses `*` 2 s after answering: still bridged a while later.
    await new Promise((r) => setTimeout(r, 3500));
    expect(await legsAlive(h, caller.peerId)).to.not.be.empty;
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['dial', 'stop']]);
    expect(dialOf(rec)).to.deep.include({ ended_by: 'caller' });
    expect(dialOf(rec).recipient_key).to.equal(undefined);
  });

  it('post_call_for recipient: the caller hangs up → the recipient’s line runs the post-call flow as a new call', async () => {
    const post = await postCallFlow();
    const number = await h.callflow({ module: 'dial', data: { recipients: [sip(dev['answer-now'])], post_call: post.id, post_call_for: 'recipient' } });
    const caller = await h.call(number, { callerId: '"Visitor" <5550142>' });
    await caller.waitUp();
    await until('bridged', () => h.logs.some((l) => l.call === caller.peerId && l.msg === 'bridged'), 3000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['dial', 'stop']]);
    const d = dialOf(rec);
    expect(d).to.deep.include({ answered_by: `device:${dev['answer-now']}`, ended_by: 'caller' });
    expect(d.post_call?.for).to.equal('recipient');
    const legCall = d.post_call?.call_id;
    expect(legCall, JSON.stringify(d)).to.be.a('string');
    // The recipient's line is a call of its own to the post-call callflow, showing the caller it talked to.
    const inner = await h.record(legCall!);
    expect(inner).to.deep.include({ callflow_id: post.id, callee: post.number, caller_id_number: '5550142' });
    expect(inner.trace.map((s) => [s.module, s.result])).to.deep.equal([['play', '_ (no child)']]);
  });

  it('post_call_for recipient: the recipient presses the key → the caller is hung up, the recipient runs the post-call flow', async () => {
    const post = await postCallFlow();
    const number = await h.callflow({
      module: 'dial',
      data: { recipients: [sip(dev['answer-star'])], post_call: post.id, post_call_key: '*', post_call_for: 'recipient' },
    });
    const caller = await h.call(number);
    await caller.waitUp();
    await caller.waitEnded(8000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([['dial', 'stop']]);
    const d = dialOf(rec);
    expect(d).to.deep.include({ ended_by: 'recipient', recipient_key: '*' });
    const inner = await h.record(d.post_call!.call_id!);
    expect(inner).to.deep.include({ callflow_id: post.id, callee: post.number });
    expect(inner.trace.map((s) => s.module)).to.deep.equal(['play']);
  });

  it('post_call_for recipient with a post-call callflow that has no number: the record says so, the recipient is hung up', async () => {
    const post = await postCallFlow([]);
    const number = await h.callflow({ module: 'dial', data: { recipients: [sip(dev['answer-now'])], post_call: post.id, post_call_for: 'recipient' } });
    const caller = await h.call(number);
    await caller.waitUp();
    await until('bridged', () => h.logs.some((l) => l.call === caller.peerId && l.msg === 'bridged'), 3000);
    await caller.hangup();
    const rec = await h.record(caller.peerId);
    expect(dialOf(rec).post_call).to.deep.equal({ for: 'recipient', error: `post-call callflow ${post.id} not found or has no number` });
    await until('no leg left', async () => (await legsAlive(h, caller.peerId)).length === 0, 3000);
  });
});
