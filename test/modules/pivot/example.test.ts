// The README's round trip with examples/pivot-server.js, run as its own process: a real call hears the
// server's prompt, presses a key, and the server's second answer says it back (Kazoo JSON and TwiML).
// The example checks signatures with the account's secret, so this also proves they verify.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { SECRET_FIELD } from '../../../lib/pivot/signature.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('examples/pivot-server.js round trip', function () {
  this.timeout(30_000);
  let h: EngineHarness;
  let child: ChildProcess;
  let base: string;
  const lines: string[] = [];
  const secret = 'c0ffee'.repeat(10) + 'beef';

  before(async () => {
    h = await EngineHarness.start();
    await h.db.collection('accounts').updateOne({ _id: h.accountId as never }, { $set: { [SECRET_FIELD]: secret } });
    child = spawn(process.execPath, [path.join(repo, 'examples/pivot-server.js')], { env: { ...process.env, PORT: '0', PIVOT_SECRET: secret }, stdio: ['ignore', 'pipe', 'inherit'] });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the example server did not start')), 5000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        lines.push(...chunk.split('\n').filter(Boolean));
        const m = /listening on (http:\/\/\S+)/.exec(chunk);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await h?.stop();
  });

  it('refuses requests that are not signed with the account secret', async () => {
    expect((await fetch(`${base}/kazoo`)).status).to.equal(401);
  });

  it('Kazoo JSON: prompt, a key, and the key said back', async () => {
    const number = await h.callflow({ module: 'pivot', data: { voice_url: `${base}/kazoo`, req_format: 'kazoo' } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted');
    await caller.sendDtmf('7');
    await caller.waitEnded(15_000);
    const rec = await h.record(caller.peerId);
    expect(rec.trace.map((s) => s.module)).to.deep.equal(['pivot', 'tts', 'collect_dtmf', 'pivot', 'tts', 'hangup']);
    expect(rec.trace[4].data).to.include('You pressed 7');
    expect(lines.filter((l) => l.includes(caller.peerId))).to.deep.equal([`GET /kazoo from call ${caller.peerId}`, `POST /kazoo/choice from call ${caller.peerId}`]);
  });

  it('TwiML: Gather, a key, and the Say that answers it', async () => {
    const number = await h.callflow({ module: 'pivot', data: { voice_url: `${base}/twiml`, method: 'post', debug: true } });
    const caller = await h.call(number);
    await caller.waitPlayback('PlaybackStarted');
    await caller.sendDtmf('5');
    await caller.waitEnded(15_000);
    const rec = await h.record(caller.peerId);
    const exchanges = rec.attributes.pivot as Array<Record<string, any>>;
    expect(exchanges.map((e) => [e.url.replace(base, ''), e.status, e.result])).to.deep.equal([
      ['/twiml', 200, 'twiml'],
      ['/twiml/choice', 200, 'twiml'],
    ]);
    expect(exchanges[1].response_body).to.include('You pressed 5');
    expect(exchanges[1].twiml).to.deep.equal(['Say "You pressed 5. Goodbye."']);
  });
});
