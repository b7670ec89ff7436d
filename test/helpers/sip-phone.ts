// Test helper: a real SIP phone (baresip 1.1, run inside the local stack's chroot) controlled over its
// ctrl_tcp interface (JSON in netstrings). It registers to Asterisk on 127.0.0.1:5060 as a PJSIP endpoint
// the test pushed beforehand, and can dial, answer, send DTMF and hang up.
//
// API
//   const phone = await SipPhone.start({ username, password, answermode?: 'auto' | 'manual', registrar?, root? })
//                                                registrar: Asterisk's SIP host:port, default env ARIFLOW_SIP or 127.0.0.1:5060
//   phone.sipPort / phone.ctrlPort               where it listens (127.0.0.1)
//   await phone.waitRegistered()                 its registration is OK (polls `reginfo`)
//   await phone.command('reginfo')               any baresip command → { ok, data }
//   await phone.dial('5551234')                  calls sip:5551234@<registrar> (or a full sip: URI)
//   await phone.accept() / phone.hangup() / phone.sendDtmf('5')
//   await phone.sendDigits('1234#', gapMs?)      several DTMF digits, one at a time
//   await phone.nextEvent('CALL_CLOSED', from, timeoutMs?)   the next such event after phone.events[from]
//   await phone.waitEvent('CALL_ESTABLISHED', timeoutMs?)   baresip events (type, id, peeruri, param ...)
//   phone.events                                  every event so far
//   await phone.stop()                            SIGKILL (SIGTERM can hang 30 s) and removes its config
//   stackToolAvailable('baresip' | 'sipp')        false without root or the stack: `if (!...) this.skip()`
//
// Needs root (chroot) and the local stack (asterisk/stack.sh); `root` defaults to ARIFLOW_STACK_ROOT or
// `bash asterisk/stack.sh root`. The microphone is a 2-minute 8 kHz tone: baresip ends a call when its
// audio file ends, and its own tone generator needs 48 kHz.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stackRoot } from '../../lib/cli/local-stack.ts';


export interface PhoneEvent {
  event: true;
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
  [k: string]: unknown;
}

interface Response {
  ok: boolean;
  data: string;
}

export { stackRoot };

/** True when this process can run `tool` inside the local stack's chroot (root, a stack, the binary in it). */
export function stackToolAvailable(tool: 'baresip' | 'sipp'): boolean {
  let root = '';
  try {
    root = stackRoot();
  } catch {
    /* no local stack */
  }
  return process.getuid?.() === 0 && !!root && fs.existsSync(path.join(root, 'usr/bin', tool));
}

async function freeTcpPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function tcpPortFree(port: number): Promise<boolean> {
  const srv = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => srv.close(() => resolve()));
  return ok;
}

/**
 * baresip binds its sip_listen port for UDP and TCP, and the next port for TLS: all three must be free,
 * or a phone started beside other tests' phones dies with "Address already in use".
 */
async function freeSipPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freeUdpPort();
    if (port < 65535 && (await tcpPortFree(port)) && (await tcpPortFree(port + 1))) return port;
  }
  throw new Error('no free SIP port triple for baresip');
}

/** A UDP port on 127.0.0.1 that is free right now. */
export async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

export class SipPhone {
  readonly events: PhoneEvent[] = [];
  private proc?: ChildProcess;
  private ctrl?: net.Socket;
  private buf = Buffer.alloc(0);
  private nextToken = 1;
  private readonly pending = new Map<string, (r: Response) => void>();
  private readonly waiters = new Set<{ pred: (e: PhoneEvent) => boolean; resolve: (e: PhoneEvent) => void }>();
  private output = '';

  private constructor(
    readonly username: string,
    readonly sipPort: number,
    readonly ctrlPort: number,
    private readonly root: string,
    private readonly dir: string,
    readonly registrar: string,
  ) {}

  /**
   * sipAutoanswer: answer by itself when the INVITE asks for it (Call-Info `answer-after`, Alert-Info
   * `info=alert-autoanswer`, Answer-Mode: Auto), whatever the answermode (paging, intercom).
   */
  static async start(opts: { username: string; password: string; answermode?: 'auto' | 'manual'; sipAutoanswer?: boolean; registrar?: string; root?: string }): Promise<SipPhone> {
    const registrar = opts.registrar ?? process.env.ARIFLOW_SIP ?? '127.0.0.1:5060';
    const root = opts.root ?? stackRoot();
    const dir = `/tmp/ariflow-phone-${randomUUID().slice(0, 8)}`; // inside the chroot
    const hostDir = path.join(root, dir);
    fs.mkdirSync(hostDir, { recursive: true });
    const sipPort = await freeSipPort();
    let ctrlPort = await freeTcpPort();
    while (ctrlPort === sipPort || ctrlPort === sipPort + 1) ctrlPort = await freeTcpPort();
    execFileSync('chroot', [root, 'sox', '-n', '-r', '8000', '-c', '1', '-b', '16', `${dir}/mic.wav`, 'synth', '120', 'sine', '440', 'vol', '0.2']);
    fs.writeFileSync(
      path.join(hostDir, 'config'),
      [
        `sip_listen 127.0.0.1:${sipPort}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        `audio_player aufile,${dir}/speaker.wav`,
        `audio_source aufile,${dir}/mic.wav`,
        `audio_alert aufile,${dir}/alert.wav`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(hostDir, 'accounts'),
      `<sip:${opts.username}@${registrar};transport=udp>;auth_pass=${opts.password};answermode=${opts.answermode ?? 'manual'};regint=300;audio_codecs=PCMU,PCMA${opts.sipAutoanswer ? ';sip_autoanswer=yes' : ''}\n`,
    );
    const phone = new SipPhone(opts.username, sipPort, ctrlPort, root, dir, registrar);
    phone.proc = spawn('chroot', [root, 'baresip', '-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      phone.output = (phone.output + d.toString()).slice(-4000);
    };
    phone.proc.stdout?.on('data', keep);
    phone.proc.stderr?.on('data', keep);
    try {
      await phone.connectCtrl();
    } catch (err) {
      await phone.stop();
      throw err;
    }
    return phone;
  }

  /** What the phone heard so far (a wav file baresip keeps writing), as a path on the host. */
  get speakerFile(): string {
    return path.join(this.root, this.dir, 'speaker.wav');
  }

  /** baresip's recent console output (for failure messages). */
  get log(): string {
    return this.output;
  }

  private async connectCtrl(): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        this.ctrl = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(this.ctrlPort, '127.0.0.1');
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline || this.proc?.exitCode !== null) throw new Error(`baresip ctrl_tcp not reachable: ${(err as Error).message}\n${this.output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.ctrl.on('error', () => {});
    this.ctrl.on('data', (d: Buffer) => this.onData(d));
  }

  // Netstrings: "<len>:<json>,".
  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const colon = this.buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString());
      if (this.buf.length < colon + 1 + len + 1) return;
      const msg = JSON.parse(this.buf.subarray(colon + 1, colon + 1 + len).toString()) as Record<string, unknown>;
      this.buf = this.buf.subarray(colon + 1 + len + 1);
      if (msg.response) {
        const done = this.pending.get(String(msg.token));
        this.pending.delete(String(msg.token));
        done?.({ ok: Boolean(msg.ok), data: String(msg.data ?? '') });
      } else if (msg.event) {
        const e = msg as PhoneEvent;
        this.events.push(e);
        for (const w of [...this.waiters]) {
          if (w.pred(e)) {
            this.waiters.delete(w);
            w.resolve(e);
          }
        }
      }
    }
  }

  command(command: string, params?: string, timeoutMs = 5000): Promise<Response> {
    const token = String(this.nextToken++);
    const json = JSON.stringify(params === undefined ? { command, token } : { command, params, token });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip: no answer to ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ctrl!.write(`${Buffer.byteLength(json)}:${json},`);
    });
  }

  waitEvent(type: string, timeoutMs = 5000, pred: (e: PhoneEvent) => boolean = () => true): Promise<PhoneEvent> {
    const seen = this.events.find((e) => e.type === type && pred(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = {
        pred: (e: PhoneEvent) => e.type === type && pred(e),
        resolve: (e: PhoneEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`baresip ${this.username}: no ${type} within ${timeoutMs} ms\n${this.output}`));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Polls `reginfo` until the account says OK (the REGISTER_OK event may come before ctrl_tcp is connected). */
  async waitRegistered(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.command('reginfo');
      if (/\sOK\s/.test(info.data.replace(/\x1b\[[0-9;]*m/g, ''))) return;
      if (Date.now() > deadline) throw new Error(`baresip ${this.username} not registered within ${timeoutMs} ms: ${info.data}\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  dial(target: string): Promise<Response> {
    return this.command('dial', target.startsWith('sip:') ? target : `sip:${target}@${this.registrar}`);
  }

  accept(): Promise<Response> {
    return this.command('accept');
  }

  hangup(): Promise<Response> {
    return this.command('hangup');
  }

  sendDtmf(digit: string): Promise<Response> {
    return this.command('sndcode', digit);
  }

  /** Sends several DTMF digits one at a time (RFC 4733 events), `gapMs` apart. */
  async sendDigits(digits: string, gapMs = 250): Promise<void> {
    for (const [i, d] of [...digits].entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
      const r = await this.sendDtmf(d);
      if (!r.ok) throw new Error(`baresip ${this.username}: DTMF ${d} refused: ${r.data}`);
    }
  }

  /** The next event of `type` after the first `from` events (phone.events.length taken before acting). */
  nextEvent(type: string, from: number, timeoutMs = 5000): Promise<PhoneEvent> {
    return this.waitEvent(type, timeoutMs, (e) => this.events.indexOf(e) >= from);
  }

  async stop(): Promise<void> {
    this.ctrl?.destroy();
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    }
    fs.rmSync(path.join(this.root, this.dir), { recursive: true, force: true });
  }
}
