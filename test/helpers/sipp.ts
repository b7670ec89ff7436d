// Test helper: SIPp (inside the local stack's chroot) as a carrier's SIP server (UAS). It answers,
// rejects (486 busy, 503, 404...) or lets INVITEs ring, and keeps every SIP message it received so a test
// can assert what the carrier got (Request-URI user, From/P-Asserted-Identity caller ID, headers).
//
//   const carrier = await Sipp.start('answer')         // or 'answer-hangup' (BYE after 1.5 s) | 'busy' | 'unavailable' | 'notfound' | 'noanswer'
//   carrier.port                                       // its UDP port on 127.0.0.1 (the gateway's port)
//   const invite = await carrier.waitInvite()          // { requestUri, user, headers: {from: ...}, raw }
//   carrier.invites()                                  // every INVITE so far
//   await carrier.stop()
//
// Needs root (chroot) and the local stack; the root defaults like SipPhone's (ARIFLOW_STACK_ROOT or stack.sh root).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { stackRoot } from './sip-phone.ts';

export type SippBehaviour = 'answer' | 'answer-hangup' | 'busy' | 'unavailable' | 'notfound' | 'noanswer';

export interface SipMessage {
  /** The request line, e.g. `INVITE sip:+14155550100@127.0.0.1:5099 SIP/2.0`. */
  requestLine: string;
  method: string;
  requestUri: string;
  /** The Request-URI's user part. */
  user: string;
  /** Header values by lower-case name (the first of each). */
  headers: Record<string, string>;
  raw: string;
}

const SDP = `v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

function reject(code: number, reason: string): string {
  return `
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 100 Trying
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <send><![CDATA[
SIP/2.0 ${code} ${reason}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <recv request="ACK"/>`;
}

const SCENARIOS: Record<SippBehaviour, string> = {
  answer: `
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

${SDP}
]]></send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>`,
  'answer-hangup': `
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/></action>
  </recv>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

${SDP}
]]></send>
  <recv request="ACK">
    <action>
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="mine"/>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="theirs"/>
    </action>
  </recv>
  <pause milliseconds="1500"/>
  <send retrans="500"><![CDATA[
BYE [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: [$mine]
To: [$theirs]
[last_Call-ID:]
CSeq: 2 BYE
Contact: <sip:[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>`,
  busy: reject(486, 'Busy Here'),
  unavailable: reject(503, 'Service Unavailable'),
  notfound: reject(404, 'Not Found'),
  noanswer: `
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Length: 0

]]></send>
  <recv request="CANCEL"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <send><![CDATA[
SIP/2.0 487 Request Terminated
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
CSeq: [cseq] INVITE
Content-Length: 0

]]></send>
  <recv request="ACK"/>`,
};

async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

/** Parses SIPp's -trace_msg file into the messages it received. */
export function parseReceived(log: string): SipMessage[] {
  const out: SipMessage[] = [];
  for (const part of log.split(/^-{10,}.*$/m)) {
    const m = /message received \[\d+\] bytes ?:\s*\n\s*\n?([\s\S]*)$/.exec(part);
    if (!m) continue;
    const raw = m[1].replace(/\r/g, '').trim();
    const [requestLine, ...rest] = raw.split('\n');
    const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(requestLine.trim());
    if (!req) continue;
    const headers: Record<string, string> = {};
    for (const line of rest) {
      if (line.trim() === '') break;
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] ??= line.slice(i + 1).trim();
    }
    const user = /^sips?:([^@;>]+)@/.exec(req[2])?.[1] ?? '';
    out.push({ requestLine: requestLine.trim(), method: req[1], requestUri: req[2], user: decodeURIComponent(user), headers, raw });
  }
  return out;
}

export class Sipp {
  private proc?: ChildProcess;
  private output = '';

  private constructor(
    readonly behaviour: SippBehaviour,
    readonly port: number,
    private readonly root: string,
    private readonly dir: string,
  ) {}

  readonly host = '127.0.0.1';

  static async start(behaviour: SippBehaviour, opts: { root?: string } = {}): Promise<Sipp> {
    const root = opts.root ?? stackRoot();
    const dir = `/tmp/ariflow-sipp-${randomUUID().slice(0, 8)}`;
    const hostDir = path.join(root, dir);
    fs.mkdirSync(hostDir, { recursive: true });
    fs.writeFileSync(path.join(hostDir, 'uas.xml'), `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${behaviour}">${SCENARIOS[behaviour]}\n</scenario>\n`);
    const port = await freeUdpPort();
    const sipp = new Sipp(behaviour, port, root, dir);
    sipp.proc = spawn(
      'chroot',
      [root, 'sipp', '-sf', `${dir}/uas.xml`, '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 2), '-nostdin', '-trace_msg', '-message_file', `${dir}/messages.log`, '-trace_err', '-error_file', `${dir}/errors.log`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    sipp.proc.stderr?.on('data', (d: Buffer) => {
      sipp.output = (sipp.output + d.toString()).slice(-4000);
    });
    // SIPp is listening once it created its message file.
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(path.join(hostDir, 'messages.log'))) {
      if (sipp.proc.exitCode !== null || Date.now() > deadline) {
        const out = sipp.output;
        await sipp.stop();
        throw new Error(`SIPp did not start: ${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return sipp;
  }

  /** Every message SIPp received so far. */
  received(): SipMessage[] {
    try {
      return parseReceived(fs.readFileSync(path.join(this.root, this.dir, 'messages.log'), 'utf8'));
    } catch {
      return [];
    }
  }

  invites(): SipMessage[] {
    return this.received().filter((m) => m.method === 'INVITE');
  }

  async waitInvite(timeoutMs = 5000, count = 1): Promise<SipMessage> {
    return this.waitFor('INVITE', timeoutMs, count);
  }

  async waitFor(method: string, timeoutMs = 5000, count = 1): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = this.received().filter((m) => m.method === method);
      if (list.length >= count) return list[count - 1];
      if (Date.now() > deadline) throw new Error(`SIPp (${this.behaviour}) got no ${method} #${count} within ${timeoutMs} ms\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    fs.rmSync(path.join(this.root, this.dir), { recursive: true, force: true });
  }
}
