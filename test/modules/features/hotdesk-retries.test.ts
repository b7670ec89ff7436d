// hotdesk's give-up branches on real calls placed "by a device": a wrong hot-desk id three times and a wrong
// PIN three times log nobody in. Each attempt plays Kazoo's long "invalid entry" prompt in full (it takes no
// keys), so the two independent calls run at the same time.
import { expect } from 'chai';
import { callAs, docOf, enterWrong, phoneDevice, useHarness } from './helpers.ts';

describe('feature codes: hotdesk retries', function () {
  this.timeout(30_000);
  const $ = useHarness();

  it('a wrong hot-desk id three times and a wrong PIN three times change nothing', async () => {
    const { h } = $;
    const wrongId = async () => {
      await h.doc('users', { first_name: 'Hot', hotdesk: { enabled: true, id: '4321' } });
      const desk = await phoneDevice(h, 'answer', { hotdesk: { users: {} } });
      const login = await h.callflow({ module: 'hotdesk', data: { action: 'login' } });
      const c = await callAs(h, desk.username, login);
      await c.waitUp();
      await enterWrong(c, 'sound:agent-user', '9999#', 3, 'sound:agent-incorrect');
      await c.waitEnded(10_000);
      expect((await h.record(c.peerId)).trace[0].reason).to.equal('no hot-desk user identified');
      expect((await docOf(h, 'devices', desk.id)).hotdesk).to.deep.equal({ users: {} });
    };
    const wrongPin = async () => {
      const user = await h.doc('users', { first_name: 'Pin', hotdesk: { id: '77', pin: '1234', require_pin: true } });
      const desk = await phoneDevice(h);
      const login = await h.callflow({ module: 'hotdesk', data: { action: 'toggle', id: user } });
      const c = await callAs(h, desk.username, login);
      await c.waitUp();
      await enterWrong(c, 'sound:agent-pass', '1111#', 3, 'sound:agent-incorrect');
      await c.waitEnded(10_000);
      expect((await h.record(c.peerId)).trace[0].reason).to.equal('wrong hot-desk PIN');
      expect((await docOf(h, 'devices', desk.id)).hotdesk).to.equal(undefined);
    };
    await Promise.all([wrongId(), wrongPin()]);
  });
});
