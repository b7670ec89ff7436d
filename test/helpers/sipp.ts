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
import fs from 'node:fs';
import path from 'node:path';
import { freeUdpPort, stackRoot } from './sip-phone.ts';

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

const TO_TAG = ';tag=[pid]SIPpTag01[call_number]';
const CONTACT = 'Contact: <sip:[local_ip]:[local_port];transport=[transport]>';

/** SIPp receiving a message, e.g. recv('request="ACK"'). */
const recv = (what: string) => `
  <recv ${what}/>`;

/**
 * A response to the last request received (its Via, From, To, Call-ID and CSeq): `tag` adds our To tag
 * (default), `contact` our Contact, `sdp` the answer's SDP, `retrans` retransmits it until acknowledged.
 */
function respond(status: string, opts: { tag?: boolean; contact?: boolean; sdp?: boolean; retrans?: boolean; cseq?: string } = {}): string {
  const headers = [`SIP/2.0 ${status}`, '[last_Via:]', '[last_From:]', `[last_To:]${opts.tag === false ? '' : TO_TAG}`, '[last_Call-ID:]', opts.cseq ?? '[last_CSeq:]'];
  if (opts.contact) headers.push(CONTACT);
  const body = opts.sdp ? `Content-Type: application/sdp\nContent-Length: [len]\n\n${SDP}\n` : 'Content-Length: 0\n\n';
  return `
  <send${opts.retrans ? ' retrans="500"' : ''}><![CDATA[
${headers.join('\n')}
${body}]]></send>`;
}

const INVITE = recv('request="INVITE" crlf="true"');
const RINGING = respond('180 Ringing', { contact: true });
const ANSWER = respond('200 OK', { contact: true, sdp: true, retrans: true });

const reject = (code: number, reason: string) => INVITE + respond('100 Trying') + respond(`${code} ${reason}`) + recv('request="ACK"');

const SCENARIOS: Record<SippBehaviour, string> = {
  answer: INVITE + RINGING + ANSWER + recv('request="ACK" crlf="true"') + recv('request="BYE"') + respond('200 OK', { tag: false }),
  // Answers, then hangs up itself 1.5 s later (its BYE goes to the caller's Contact, From and To swapped).
  'answer-hangup': `
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/></action>
  </recv>${ANSWER}
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

]]></send>${recv('response="200"')}`,
  busy: reject(486, 'Busy Here'),
  unavailable: reject(503, 'Service Unavailable'),
  notfound: reject(404, 'Not Found'),
  // Rings until cancelled: 200 to the CANCEL, 487 to the INVITE.
  noanswer: INVITE + RINGING + recv('request="CANCEL"') + respond('200 OK') + respond('487 Request Terminated', { cseq: 'CSeq: [cseq] INVITE' }) + recv('request="ACK"'),
};

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

/** The SIPp servers of one test file: started on demand, all stopped by stopAll() (in afterEach). */
export class SippPool {
  private readonly running: Sipp[] = [];

  async start(behaviour: SippBehaviour): Promise<Sipp> {
    const s = await Sipp.start(behaviour);
    this.running.push(s);
    return s;
  }

  async stopAll(): Promise<void> {
    for (const s of this.running.splice(0)) await s.stop();
  }
}
