// ARI unreachable or stuck: REST calls time out with UpstreamTimeoutError, start-up gives up after
// startupTimeoutMs with a message naming ARI and the URL, refused credentials fail at once.
import net from 'node:net';
import { expect } from 'chai';
import { AriRequestError, AriUnreachableError } from '../../lib/asterisk/ari-errors.ts';
import { connectAri } from '../../lib/asterisk/connection.ts';
import { AriCredentialsError } from '../../lib/asterisk/rest.ts';
import { UpstreamTimeoutError } from '../../lib/callcontrol/port.ts';
import { silentLogger } from '../../lib/log.ts';
import { AriDriver } from '../helpers/ari-driver.ts';
import { settle, startAriflow, testConfig } from './harness.ts';
import { TcpProxy } from './tcp-proxy.ts';

const ariPort = Number(new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088').port || 80);

describe('asterisk: ARI unreachable (real Asterisk behind a proxy)', function () {
  this.timeout(20000);

  it('a REST call to a stuck ARI rejects with UpstreamTimeoutError within the timeout, the call waits too', async () => {
    const proxy = await new TcpProxy(ariPort).start();
    const flow = await startAriflow(testConfig({ ariUrl: proxy.url, ariRequestTimeoutMs: 600 }), { pingIntervalMs: 0 });
    const driver = await AriDriver.start();
    try {
      const caller = await driver.call('5555000', { targetApp: flow.app });
      const { call } = await flow.callFor(caller.peerId);
      proxy.mode = 'blackhole'; // new connections (ari-client opens one per REST call) are accepted, never answered

      let t0 = Date.now();
      const listed = await settle(flow.conn.rest.call('channels.list', (c) => c.channels.list()));
      let took = Date.now() - t0;
      expect(listed.ok ? undefined : listed.error).to.be.instanceOf(UpstreamTimeoutError);
      expect((listed.ok ? undefined : (listed.error as Error))?.message).to.match(/ARI channels\.list did not complete within 600 ms/);
      expect(took).to.be.within(550, 3000);

      t0 = Date.now();
      const answered = await settle(call.answer());
      took = Date.now() - t0;
      expect(answered.ok ? undefined : answered.error).to.be.instanceOf(UpstreamTimeoutError);
      expect(took).to.be.within(550, 3000);
      expect(call.isEnded).to.equal(false); // a timeout is not "call gone"
      proxy.mode = 'forward';
      await call.hangup();
    } finally {
      await driver.close();
      await flow.close({ hangupCalls: false });
      await proxy.close();
    }
  });

  it('a REST call to an ARI that refuses connections fails with the socket error instead of waiting out the timeout; the next call after ARI is back works', async () => {
    const proxy = await new TcpProxy(ariPort).start();
    // A request timeout far beyond the test's own: only a failure at once passes.
    const flow = await startAriflow(testConfig({ ariUrl: proxy.url, ariRequestTimeoutMs: 120_000 }), { pingIntervalMs: 0 });
    try {
      const before = await flow.conn.rest.call('channels.list', (c) => c.channels.list());
      expect(before).to.be.an('array');
      proxy.mode = 'reset';
      proxy.dropAll(); // kept-alive REST connections too
      const down = await settle(flow.conn.rest.call('channels.list', (c) => c.channels.list()));
      const err = down.ok ? undefined : (down.error as Error);
      expect(err).to.be.instanceOf(AriRequestError);
      expect(err?.message).to.match(/^ARI channels\.list failed: (ECONNRESET|ECONNREFUSED|EPIPE)/);
      proxy.mode = 'forward';
      const after = await flow.conn.rest.call('channels.list', (c) => c.channels.list());
      expect(after).to.be.an('array');
    } finally {
      await flow.close({ hangupCalls: false });
      await proxy.close();
    }
  });

  it('connectAri gives up after startupTimeoutMs when nothing listens, naming ARI and the URL', async () => {
    const t0 = Date.now();
    const r = await settle(connectAri(testConfig({ ariUrl: 'http://127.0.0.1:1', startupTimeoutMs: 1500, ariRequestTimeoutMs: 500 }), silentLogger, { onCall: () => {} }));
    const took = Date.now() - t0;
    expect(r.ok).to.equal(false);
    const err = r.ok ? undefined : (r.error as Error);
    expect(err).to.be.instanceOf(AriUnreachableError);
    expect(err?.message).to.match(/^ARI unreachable at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
    expect(took).to.be.within(1000, 5000);
  });

  it('connectAri gives up after startupTimeoutMs when ARI accepts and never answers', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const t0 = Date.now();
      const r = await settle(connectAri(testConfig({ ariUrl: url, startupTimeoutMs: 1500, ariRequestTimeoutMs: 400 }), silentLogger, { onCall: () => {} }));
      const took = Date.now() - t0;
      const err = r.ok ? undefined : (r.error as Error);
      expect(err).to.be.instanceOf(AriUnreachableError);
      expect(err?.message).to.contain(`ARI unreachable at ${url}: no answer within 400 ms`);
      expect(took).to.be.within(1000, 5000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refused credentials fail at once instead of retrying', async () => {
    const t0 = Date.now();
    const r = await settle(connectAri(testConfig({ ariPassword: 'not-the-password', startupTimeoutMs: 10000 }), silentLogger, { onCall: () => {} }));
    const err = r.ok ? undefined : (r.error as Error);
    expect(err).to.be.instanceOf(AriCredentialsError);
    expect(err?.message).to.match(/^ARI unreachable at http:\/\/127\.0\.0\.1:\d+: credentials for user "ariflow" refused/);
    expect(Date.now() - t0).to.be.lessThan(3000);
  });
});
