// Acceptance (issue #4) on a real SIP phone: a menu callflow called by a baresip phone registered as a
// device created over the API (context from-devices). Pressing 2 reaches the node under child `2`; silence
// takes `timeout`; three wrong digits take `max_retries`; the caller hanging up mid-prompt leaves a call
// record whose trace ends at the menu.
import { expect } from 'chai';
import type { CallflowNode } from '../../lib/engine/module.ts';
import { PhoneKit, phonesAvailable, sleep } from './phone-kit.ts';

const play = (id: string): CallflowNode => ({ module: 'play', data: { id } });
const steps = (rec: { trace: { module: string; result: string }[] }) => rec.trace.map((s) => [s.module, s.result]);

describe('acceptance: a menu called from a real SIP phone', function () {
  this.timeout(40_000);
  // baresip 1.1 may crash right after a call: the phone is restarted before the next attempt.
  this.retries(1);
  let kit: PhoneKit;

  before(async function () {
    if (!phonesAvailable()) this.skip();
    kit = await PhoneKit.start();
  });
  beforeEach(async () => kit.restartPhoneIfGone());
  after(async () => kit?.stop());

  async function menuFlow(doc: Record<string, unknown>, children: Record<string, CallflowNode>): Promise<string> {
    const id = String((await kit.api('PUT', '/menus', { name: 'Main menu', ...doc })).id);
    return kit.h.callflow({ module: 'menu', data: { id }, children });
  }

  it('pressing 2 on the phone reaches the node under child `2`', async () => {
    const number = await menuFlow({ media: { greeting: 'beep' }, timeout: 8000 }, { '1': play('hello-world'), '2': play('tt-weasels'), timeout: play('vm-goodbye') });
    const call = await kit.dial(number);
    await call.established();
    await call.playback('PlaybackFinished', 'sound:beep');
    await kit.phone.sendDigits('2');
    // The node under `2` plays to the phone.
    await call.playback('PlaybackStarted', 'sound:tt-weasels');
    await kit.phone.hangup();
    const rec = await call.record();
    expect(steps(rec)[0]).to.deep.equal(['menu', '2']);
    expect(rec.trace[1].module).to.equal('play');
    expect(rec.trace[0].reason).to.match(/pressed 2 → 2/);
    expect(call.played()).to.not.include('sound:hello-world');
  });

  it('silence takes `timeout`', async () => {
    const number = await menuFlow({ media: { greeting: 'beep' }, timeout: 1500, retries: 3 }, { '2': play('tt-weasels'), timeout: play('beep') });
    const call = await kit.dial(number);
    await call.established();
    await call.closed(10_000);
    const rec = await call.record();
    expect(steps(rec)).to.deep.equal([
      ['menu', 'timeout'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[0].reason).to.match(/no input → timeout/);
  });

  it('three wrong digits take `max_retries`', async () => {
    const number = await menuFlow(
      { media: { greeting: 'beep', invalid_media: 'beep', exit_media: false }, timeout: 6000, retries: 3 },
      { '2': play('tt-weasels'), max_retries: play('vm-goodbye'), timeout: play('tt-weasels') },
    );
    const call = await kit.dial(number);
    await call.established();
    let after = -1;
    for (let i = 0; i < 3; i++) {
      // Each attempt's greeting, then a wrong key.
      const greeting = await call.playback('PlaybackFinished', 'sound:beep', 8000, after);
      await kit.phone.sendDigits('9');
      // The invalid-entry prompt.
      after = (await call.playback('PlaybackFinished', 'sound:beep', 8000, greeting.at)).at;
    }
    await call.playback('PlaybackStarted', 'sound:vm-goodbye');
    await call.closed(10_000);
    const rec = await call.record();
    expect(steps(rec)).to.deep.equal([
      ['menu', 'max_retries'],
      ['play', '_ (no child)'],
    ]);
    expect(call.played()).to.not.include('sound:tt-weasels');
  });

  it('the phone hanging up mid-prompt leaves a call record whose trace ends at the menu', async () => {
    const number = await menuFlow({ media: { greeting: 'tt-monkeys' }, timeout: 5000 }, { '2': play('tt-weasels'), timeout: play('beep') });
    const call = await kit.dial(number);
    await call.established();
    // The greeting (tt-monkeys, about 14 s) is playing; it may have started before the driver followed the call.
    await sleep(1500);
    await kit.phone.hangup();
    const rec = await call.record();
    expect(rec.end).to.equal('caller_hangup');
    expect(rec.trace).to.have.length(1);
    expect(rec.trace[0].module).to.equal('menu');
    expect(rec.trace[0].result).to.equal('caller_hangup');
    expect(rec.trace[0].durationMs).to.be.below(6000);
    expect(rec.callee).to.equal(number);
    expect(rec.ended_at).to.be.instanceOf(Date);
  });
});
