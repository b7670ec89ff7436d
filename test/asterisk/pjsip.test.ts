// Devices pushed into PJSIP through ARI's dynamic configuration, read back over ARI, and deleted.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AriRequestError } from '../../lib/asterisk/ari-errors.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import { settle, startAriflow, type Ariflow } from './harness.ts';

describe('asterisk: dynamic PJSIP objects (real Asterisk)', function () {
  this.timeout(20000);
  let flow: Ariflow;
  let driver: AriDriver;
  const id = `it${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  before(async () => {
    flow = await startAriflow();
    driver = await AriDriver.start();
  });
  after(async () => {
    for (const type of ['endpoint', 'aor', 'auth'] as const) await flow.conn.pjsip.deletePjsipObject(type, id).catch(() => {});
    await driver?.close();
    await flow?.close();
  });

  it('pushes auth, aor and endpoint, reads the endpoint, then deletes them', async () => {
    const { pjsip } = flow.conn;
    const auth = await pjsip.pushPjsipObject('auth', id, { auth_type: 'userpass', username: id, password: 's3cret-pw' });
    expect(auth).to.include({ auth_type: 'userpass', username: id });
    const aor = await pjsip.pushPjsipObject('aor', id, { max_contacts: '1', remove_existing: 'yes' });
    expect(aor).to.include({ max_contacts: '1', remove_existing: 'true' });
    const endpoint = await pjsip.pushPjsipObject('endpoint', id, {
      auth: id,
      aors: id,
      context: 'from-devices',
      disallow: 'all',
      allow: 'ulaw,alaw',
      callerid: '"Desk 12" <1012>',
    });
    expect(endpoint).to.include({ auth: id, aors: id, context: 'from-devices', callerid: '"Desk 12" <1012>' });

    // ARI itself sees the endpoint (not only our wrapper).
    const raw = await driver.rest('GET', `/endpoints/PJSIP/${id}`);
    expect(raw).to.include({ technology: 'PJSIP', resource: id });
    expect(await pjsip.getEndpointState(id)).to.deep.equal({ id, state: 'offline', channelIds: [] });
    expect(await pjsip.getEndpointState(id, { contacts: true })).to.deep.equal({ id, state: 'offline', channelIds: [], contacts: [] });
    expect(await pjsip.getPjsipObject('aor', id)).to.include({ max_contacts: '1' });
    expect(await pjsip.getPjsipObject('aor', `${id}-none`)).to.equal(undefined);

    // An update merges the given fields into the object.
    const updated = await pjsip.pushPjsipObject('endpoint', id, { context: 'inbound' });
    expect(updated).to.include({ context: 'inbound', auth: id });
    const tuples = await driver.rest<{ attribute: string; value: string }[]>('GET', `/asterisk/config/dynamic/res_pjsip/endpoint/${id}`);
    expect(tuples.find((t) => t.attribute === 'context')?.value).to.equal('inbound');

    expect(await pjsip.deletePjsipObject('endpoint', id)).to.equal(true);
    expect(await pjsip.deletePjsipObject('aor', id)).to.equal(true);
    expect(await pjsip.deletePjsipObject('auth', id)).to.equal(true);
    expect(await pjsip.getEndpointState(id)).to.equal(undefined);
    expect(await pjsip.deletePjsipObject('endpoint', id)).to.equal(false);
  });

  it('rejects an unknown attribute with AriRequestError', async () => {
    const r = await settle(flow.conn.pjsip.pushPjsipObject('endpoint', `${id}x`, { no_such_option: 'yes' }));
    expect(r.ok ? undefined : r.error).to.be.instanceOf(AriRequestError);
    expect((r.ok ? undefined : (r.error as Error))?.message).to.match(/failed field value validation/);
    expect(await flow.conn.pjsip.getEndpointState(`${id}x`)).to.equal(undefined);
  });
});
