// Linear step flows over the API and on a real call: stored and returned as written (steps, no compiled
// flow), refused with errors named by step, and run as the tree they compile to (a step that fails falls
// through to the next).
import { expect } from 'chai';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { EngineHarness } from '../helpers/engine-harness.ts';
import { simDevice } from '../modules/ringing/helpers.ts';

describe('steps: callflows written as steps, over the API and on a call', function () {
  this.timeout(20_000);
  let h: EngineHarness;
  let client: ApiClient;
  const api = (method: string, p: string, data?: unknown) => client.api(method, p, data);

  before(async () => {
    h = await EngineHarness.start();
    client = await apiClient(h);
  });
  after(async () => h?.stop());

  it('is stored and returned as steps, and a call falls through a busy forward to the next step', async () => {
    const busy = await simDevice(h, 'busy');
    const steps = [
      { type: 'greeting', data: { play: 'beep' } },
      { type: 'forward', data: { device_id: busy, timeout: 5 } },
      { type: 'greeting', name: 'after hours', data: { play: 'silence/1' } },
    ];
    const created = await api('PUT', '/callflows', { name: 'tracking line', numbers: ['5557001'], steps });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = String(created.body.data.id);
    const got = await api('GET', `/callflows/${id}`);
    expect(got.body.data.steps).to.deep.equal(steps);
    expect(got.body.data).to.not.have.property('flow');

    const caller = await h.call('5557001');
    await caller.waitPlayback('PlaybackFinished', 'sound:silence/1');
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => [s.module, s.result])).to.deep.equal([
      ['play', '_'],
      ['dial', '_'],
      ['play', '_ (no child)'],
    ]);
    expect(rec.trace[1].reason).to.match(/USER_BUSY/);
  });

  it('refuses a broken step list with errors named by step', async () => {
    const res = await api('PUT', '/callflows', {
      name: 'broken',
      numbers: ['5557002'],
      steps: [{ type: 'greeting', data: { play: 'beep' } }, { type: 'round_robin', data: { recipients: [{ type: 'phone', number: '+15551230000' }], timeout: 'soon' } }, { type: 'fly' }],
    });
    expect(res.status).to.equal(400);
    expect(res.body.data).to.have.property('steps.2.type');
  });

  it('refuses flow and steps together', async () => {
    const res = await api('PUT', '/callflows', { numbers: ['5557003'], flow: { module: 'noop' }, steps: [{ type: 'voicemail', data: { id: 'x' } }] });
    expect(res.status).to.equal(400);
    expect(res.body.data.steps).to.have.property('exclusive');
  });
});
