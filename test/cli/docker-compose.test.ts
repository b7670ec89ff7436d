// docker-compose.yml must be a valid compose file (checked by Debian's docker-compose when installed).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const haveCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  (haveCompose ? it : it.skip)('passes `docker-compose config` and shares the media volume by one path', () => {
    const r = spawnSync('docker-compose', ['config'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ARI_PASSWORD: 'x', ARIFLOW_MASTER_API_KEY: 'y' },
    });
    expect(r.status, r.stderr).to.equal(0);
    const mounts = r.stdout.match(/media:\/var\/lib\/ariflow\/media|target: \/var\/lib\/ariflow\/media/g) ?? [];
    expect(mounts.length, r.stdout).to.equal(2);
  });

  (haveCompose ? it : it.skip)('refuses to start without the secrets it needs', () => {
    const r = spawnSync('docker-compose', ['config'], { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/ARI_PASSWORD|ARIFLOW_MASTER_API_KEY/);
  });
});
