// round_robin ring groups on real calls: each call starts with the next member, the rotation lives in the
// database (ring_group_state, advanced atomically), so 30 calls spread 10/10/10 across calls made at the
// same time and across a restart of the engine (a second instance on the same database).
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { simDevice } from './helpers.ts';

describe('ringing: round_robin ring group', function () {
  this.timeout(60_000);
  let first: EngineHarness | undefined;
  let second: EngineHarness | undefined;
  let mongoUrl = '';
  after(async () => {
    await second?.stop();
    await first?.driver.close().catch(() => {});
    await first?.app.close().catch(() => {});
    if (mongoUrl) {
      const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 3000 });
      await client.db().dropDatabase().catch(() => {});
      await client.close();
    }
  });

  /** One call to the group, answered by one member: which. */
  const answeredBy = async (h: EngineHarness, number: string): Promise<string> => {
    const caller = await h.call(number);
    await caller.waitUp(5000);
    await caller.hangup();
    return String((await h.record(caller.peerId)).attributes.bridged_to);
  };

  it('spreads 30 calls 10/10/10, in turn, also across a restart and with calls at the same time', async () => {
    first = await EngineHarness.start();
    mongoUrl = first.app.config.mongoUrl;
    const members = [await simDevice(first, 'answer-now'), await simDevice(first, 'answer-now'), await simDevice(first, 'answer-now')];
    const number = await first.callflow({ module: 'ring_group', data: { strategy: 'round_robin', endpoints: members.map((id) => ({ id })) } });
    const winners: string[] = [];
    for (let i = 0; i < 12; i++) winners.push(await answeredBy(first, number));
    // Strictly in turn: each call starts one member further.
    const start = members.indexOf(winners[0]);
    expect(winners).to.deep.equal(winners.map((_, i) => members[(start + i) % 3]));

    // Restart: a new engine instance on the same database carries on where the first stopped.
    second = await EngineHarness.start({ mongoUrl });
    await first.driver.close();
    await first.app.close();
    first = undefined;
    expect(await answeredBy(second, number)).to.equal(members[(start + 12) % 3]);
    for (let i = 0; i < 11; i++) winners.push(await answeredBy(second, number));
    winners.unshift(members[(start + 12) % 3]);

    // Six calls at once each take their own turn.
    winners.push(...(await Promise.all(Array.from({ length: 6 }, () => answeredBy(second!, number)))));
    expect(winners).to.have.length(30);
    const counts = members.map((m) => winners.filter((w) => w === m).length);
    expect(counts).to.deep.equal([10, 10, 10]);
    const state = await second.db.collection('ring_group_state').find({ account_id: second.accountId }).toArray();
    expect(state.map((s) => s.calls)).to.deep.equal([30]);
  });
});
