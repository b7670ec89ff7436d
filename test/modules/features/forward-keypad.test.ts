// call_forward's keypad actions on real calls placed "by a device" (sim-device context): activate by keypad,
// deactivate, a too-short number three times, toggle with a stored number. Each is a different user's call,
// run at the same time (the prompts are long).
import { expect } from 'chai';
import { callAs, docOf, enterWrong, phoneDevice, useHarness } from './helpers.ts';

describe('feature codes: call_forward by keypad', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('call_forward activate by keypad; deactivate keeps the number; too short three times saves nothing; toggle switches a stored number on', async () => {
    const { h } = $;
    const deskOf = async (callForward: Record<string, unknown>) => {
      const user = await h.doc('users', { first_name: 'Kay', call_forward: { require_keypress: false, ...callForward } });
      return { user, desk: await phoneDevice(h, 'answer', { owner_id: user }) };
    };
    const flow = (action: string) => h.callflow({ module: 'call_forward', data: { action } });
    const [activate, deactivate, update, toggle] = await Promise.all(['activate', 'deactivate', 'update', 'toggle'].map(flow));

    const byKeypad = async () => {
      const { user, desk } = await deskOf({});
      const c = await callAs(h, desk.username, activate);
      await c.waitUp();
      await c.waitPlayback('PlaybackStarted', undefined, 5000);
      // Three digits: the shortest number taken.
      await c.sendDtmf('555#');
      await c.waitEnded(15_000);
      expect((await docOf(h, 'users', user)).call_forward).to.deep.equal({ require_keypress: false, enabled: true, number: '555' });
    };
    const off = async () => {
      const { user, desk } = await deskOf({ enabled: true, number: '5551234' });
      const c = await callAs(h, desk.username, deactivate);
      await c.waitEnded(8000);
      expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: false, number: '5551234' });
    };
    const tooShort = async () => {
      // Two digits are too few (3 at least), three times: nothing changes.
      const { user, desk } = await deskOf({ enabled: false, number: '5551234' });
      const c = await callAs(h, desk.username, update);
      await c.waitUp();
      await enterWrong(c, 'sound:vm-enter-num-to-call', '12#', 3);
      await c.waitEnded(15_000);
      expect((await h.record(c.peerId)).trace[0].reason).to.equal('call forward unchanged');
      expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: false, number: '5551234' });
    };
    const toggleOn = async () => {
      // Toggle with a stored number switches it on again without asking.
      const { user, desk } = await deskOf({ enabled: false, number: '555' });
      const c = await callAs(h, desk.username, toggle);
      await c.waitEnded(10_000);
      expect((await h.record(c.peerId)).trace[0].reason).to.equal(`call forward on to 555 for user ${user}`);
      expect((await docOf(h, 'users', user)).call_forward).to.include({ enabled: true, number: '555' });
    };
    await Promise.all([byKeypad(), off(), tooShort(), toggleOn()]);
  });
});
