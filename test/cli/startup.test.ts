// `npm run serve` against parts that are down: it retries for ARIFLOW_STARTUP_TIMEOUT_MS, then exits 1 with
// one line naming what is unreachable (and never prints a secret).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/serve.ts'], {
      cwd: repo,
      env: { ...process.env, LOG_LEVEL: 'silent', HTTP_PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - t0 }));
  });
}

describe('start with a part unreachable', function () {
  this.timeout(30_000);

  it('exits 1 naming ARI when Asterisk cannot be reached', async () => {
    const port = await closedPort();
    const r = await serve({ ARI_URL: `http://127.0.0.1:${port}`, ARI_PASSWORD: 'hunter2-secret', ARIFLOW_STARTUP_TIMEOUT_MS: '2000' });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(new RegExp(`^ariflow: cannot start: .*ARI unreachable at http://127\\.0\\.0\\.1:${port}`, 'm'));
    expect(r.stderr).to.not.contain('hunter2-secret');
    expect(r.stderr.trim().split('\n')).to.have.length(1);
  });

  it('exits 1 naming MongoDB when the database cannot be reached, without its password', async () => {
    const port = await closedPort();
    const r = await serve({ MONGO_URL: `mongodb://user:dbsecret@127.0.0.1:${port}/ariflow`, ARIFLOW_STARTUP_TIMEOUT_MS: '2000' });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^ariflow: cannot start: .*MongoDB unreachable at mongodb:\/\/user:xxxxx@127\.0\.0\.1/m);
    expect(r.stderr).to.not.contain('dbsecret');
  });

  it('rejects a malformed setting before connecting to anything', async () => {
    const r = await serve({ HTTP_PORT: 'eighty' });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('HTTP_PORT: must be an integer');
  });
});
