// Load for the calls benchmark: SIPp (inside the local stack's chroot) placing real SIP calls into Asterisk,
// the way carriers and phones reach ariflow. Each call: INVITE with a G.711 µ-law offer → 200 → ACK, then
// it waits for the far end's BYE and answers it. The calling PJSIP endpoint is picked by the From user
// (endpoint_identifier_order = username), so each benchmarked app gets its own endpoint whose set_var
// ARIFLOW_APP sends the call to that app.
//
//   const load = await SippLoad.create(pjsip)
//   await load.endpointFor('bench-bare', app)
//   await load.run('bench-bare', '8800001', { seconds: 15, inflight: 24 })  // closed loop: as fast as it goes
//   await load.run('bench-bare', '8800001', { seconds: 10, rate: 150 })     // open loop at a fixed rate
//   await load.close()
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import type { PjsipConfig } from '../lib/asterisk/index.ts';
import { stackRoot } from '../lib/cli/local-stack.ts';

const FROM = '<sip:[ep]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]';
const SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="ariflow bench caller">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: ${FROM}
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:[ep]@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=bench 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000

]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: ${FROM}
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
`;

export interface LoadResult {
  completed: number;
  failed: number;
  /** Seconds from SIPp's start to its exit (new calls stop at `seconds`, the calls still up then finish). */
  elapsed: number;
  rate: number;
}

async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

export class SippLoad {
  private readonly endpoints: string[] = [];

  private constructor(
    private readonly pjsip: PjsipConfig,
    private readonly root: string,
    private readonly dir: string,
  ) {}

  /** Needs root and the local stack's chroot (with SIPp in it). */
  static async create(pjsip: PjsipConfig): Promise<SippLoad> {
    const root = stackRoot();
    if (process.getuid?.() !== 0 || !fs.existsSync(path.join(root, 'usr/bin/sipp'))) {
      throw new Error(`the calls benchmark runs SIPp inside the local stack (${root}) and needs root`);
    }
    const dir = `/tmp/ariflow-bench-${randomUUID().slice(0, 8)}`;
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.writeFileSync(path.join(root, dir, 'caller.xml'), SCENARIO);
    return new SippLoad(pjsip, root, dir);
  }

  /** A PJSIP endpoint named `name` whose calls go to Stasis app `app` (through the `inbound` context). */
  async endpointFor(name: string, app: string): Promise<void> {
    // Asterisk 22 cannot update an endpoint that has set_var: replace it.
    await this.pjsip.deletePjsipObject('endpoint', name);
    await this.pjsip.pushPjsipObject('endpoint', name, {
      transport: 'transport-udp',
      context: 'inbound',
      disallow: 'all',
      allow: 'ulaw',
      direct_media: 'no',
      set_var: `ARIFLOW_APP=${app}`,
    });
    this.endpoints.push(name);
  }

  /**
   * Calls `number` from endpoint `endpoint` for `seconds`: `inflight` calls up at once, each replaced as soon as
   * it ends (the highest rate the stack sustains), or new calls at a fixed `rate` per second.
   */
  async run(endpoint: string, number: string, opts: { seconds: number; inflight?: number; rate?: number }): Promise<LoadResult> {
    const port = await freeUdpPort();
    const stats = `${this.dir}/${endpoint}-${port}.csv`;
    const pace = opts.rate ? ['-r', String(opts.rate), '-l', '100000'] : ['-r', '100000', '-l', String(opts.inflight ?? 24)];
    const args = [this.root, 'sipp', '127.0.0.1:5060', '-sf', `${this.dir}/caller.xml`, '-s', number, '-key', 'ep', endpoint,
      '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 2), ...pace, '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1'];
    const t0 = performance.now();
    const proc = spawn('chroot', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    // SIGUSR1: SIPp stops placing calls and exits once the calls it has up are over.
    const stop = setTimeout(() => proc.kill('SIGUSR1'), opts.seconds * 1000);
    const kill = setTimeout(() => proc.kill('SIGKILL'), opts.seconds * 1000 + 30_000);
    await exited;
    clearTimeout(stop);
    clearTimeout(kill);
    const elapsed = (performance.now() - t0) / 1000;
    let lines: string[];
    try {
      lines = fs.readFileSync(path.join(this.root, stats), 'utf8').trim().split('\n');
    } catch {
      throw new Error(`SIPp wrote no statistics: ${stderr}`);
    }
    const head = lines[0].split(';');
    const last = lines[lines.length - 1].split(';');
    const count = (name: string) => Number(last[head.indexOf(name)] ?? NaN);
    const completed = count('SuccessfulCall(C)');
    return { completed, failed: count('FailedCall(C)'), elapsed, rate: completed / elapsed };
  }

  async close(): Promise<void> {
    for (const name of this.endpoints.splice(0)) await this.pjsip.deletePjsipObject('endpoint', name).catch(() => {});
    fs.rmSync(path.join(this.root, this.dir), { recursive: true, force: true });
  }
}
