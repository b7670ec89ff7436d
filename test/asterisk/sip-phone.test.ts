// End to end with a real SIP phone (baresip in the stack's chroot): a device pushed through dynamic PJSIP
// registers and shows online over ARI, its call reaches onCall as a `device` call, and its DTMF is heard.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SipPhone, stackRoot } from '../helpers/sip-phone.ts';
import { startAriflow, type Ariflow } from './harness.ts';

describe('asterisk: a real SIP phone (baresip)', function () {
  this.timeout(30000);
  let flow: Ariflow;
  let phone: SipPhone | undefined;
  const id = `ph${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const password = randomUUID();

  before(async function () {
    // baresip runs in the local stack's chroot (root only; not with docker-compose).
    let root = '';
    try {
      root = stackRoot();
    } catch {
      /* no local stack */
    }
    if (process.getuid?.() !== 0 || !root || !fs.existsSync(path.join(root, 'usr/bin/baresip'))) this.skip();
    flow = await startAriflow();
    const { pjsip } = flow.conn;
    await pjsip.pushPjsipObject('auth', id, { auth_type: 'userpass', username: id, password });
    await pjsip.pushPjsipObject('aor', id, { max_contacts: '1', remove_existing: 'yes' });
    await pjsip.pushPjsipObject('endpoint', id, {
      auth: id,
      aors: id,
      context: 'from-devices',
      disallow: 'all',
      allow: 'ulaw,alaw',
      // The device's calls go to this test's app (overrides the dialplan global ARIFLOW_APP).
      set_var: `__ARIFLOW_APP=${flow.app}`,
    });
  });
  after(async () => {
    await phone?.stop();
    if (flow) {
      for (const type of ['endpoint', 'aor', 'auth'] as const) await flow.conn.pjsip.deletePjsipObject(type, id).catch(() => {});
      await flow.close();
    }
  });

  it('registers against a dynamically pushed endpoint, which ARI then shows online', async () => {
    expect((await flow.conn.pjsip.getEndpointState(id))?.state).to.equal('offline');
    phone = await SipPhone.start({ username: id, password });
    await phone.waitRegistered();
    const deadline = Date.now() + 5000;
    let state = await flow.conn.pjsip.getEndpointState(id);
    while (state?.state !== 'online' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await flow.conn.pjsip.getEndpointState(id);
    }
    expect(state).to.deep.equal({ id, state: 'online', channelIds: [] });
    const withContacts = await flow.conn.pjsip.getEndpointState(id, { contacts: true });
    expect(withContacts?.contacts).to.have.length(1);
    const [contact] = withContacts!.contacts!;
    expect(contact.uri).to.match(new RegExp(`^sip:${id}.*@127\\.0\\.0\\.1:${phone.sipPort}`));
    expect(contact.userAgent).to.match(/^baresip/);
    expect(contact.source).to.equal(`127.0.0.1:${phone.sipPort}`);
    expect(Date.parse(contact.expiresAt!)).to.be.greaterThan(Date.now());
  });

  it("places a call that reaches onCall as the device's, and ariflow hears its DTMF", async () => {
    if (!phone) throw new Error('the phone did not start');
    await phone.dial('5558000');
    const { call, incoming } = await flow.nextCall(5000);
    expect(incoming).to.deep.equal({ kind: 'device', exten: '5558000', endpoint: id });
    await call.answer();
    await phone.waitEvent('CALL_ESTABLISHED');
    expect(await call.play(['sound:beep'])).to.deep.equal({ status: 'done' });
    const collecting = call.collectDigits({ maxDigits: 1, timeoutMs: 5000, interdigitMs: 5000 });
    await phone.sendDtmf('5');
    expect(await collecting).to.deep.equal({ digits: '5', reason: 'max_digits' });
    await phone.hangup();
    await call.waitForHangup();
    expect(call.hangupCause).to.equal('NORMAL_CLEARING');
  });
});
