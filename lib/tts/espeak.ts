// Local speech: espeak-ng piped into sox (espeak speaks at 22.05 kHz; Asterisk wants 8 kHz).
// Runs inside a chroot when espeak-ng/sox live there (the local stack), else from PATH.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { TtsEngine } from './engine.ts';
import { TtsError } from './errors.ts';
import { espeakVoice, type VoiceRequest } from './voices.ts';
import type { PcmAudio } from './wav.ts';

export interface EspeakOptions {
  /** Run the binaries as `chroot <dir> espeak-ng ...` (the local stack's Debian sid root). */
  chrootDir?: string;
  espeakBin?: string;
  soxBin?: string;
  /** Output rate: 8000 (default) or 16000. */
  sampleRate?: 8000 | 16000;
}

type Proc = ChildProcessByStdio<Writable, Readable, Readable>;

const STDERR_LIMIT = 4096;

export function createEspeakEngine(opts: EspeakOptions = {}): TtsEngine {
  const espeakBin = opts.espeakBin ?? 'espeak-ng';
  const soxBin = opts.soxBin ?? 'sox';
  const rate = opts.sampleRate ?? 8000;

  // No shell anywhere: arguments go to execve as they are, and the text goes through stdin, so a
  // text such as `-x; rm -rf /` can be neither a shell command nor an option.
  function start(bin: string, args: string[]): Proc {
    const [cmd, argv] = opts.chrootDir ? ['chroot', [opts.chrootDir, bin, ...args]] : [bin, args];
    return spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  }

  function outcome(proc: Proc, label: string) {
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += d.toString('utf8');
    });
    // EPIPE when the other side of the pipe died first: its exit status tells the story.
    proc.stdin.on('error', () => {});
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      proc.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'ENOENT'
            ? new TtsError('engine_unavailable', `${opts.chrootDir ? 'chroot' : label} not found (${err.message})`, 'espeak', { cause: err })
            : new TtsError('synthesis_failed', `${label}: ${err.message}`, 'espeak', { cause: err }),
        );
      });
      proc.once('close', (code, signal) => resolve({ code, signal, stderr: stderr.trim() }));
    });
  }

  return {
    name: 'espeak',

    describe(voice: VoiceRequest): string {
      return `espeak-ng|${espeakVoice(voice)}|${rate}`;
    },

    async synthesize(text: string, voice: VoiceRequest, signal: AbortSignal): Promise<PcmAudio> {
      const v = espeakVoice(voice);
      if (signal.aborted) throw signal.reason;
      // -b 1: input is UTF-8. No -m: `<` is text, not SSML.
      const espeak = start(espeakBin, ['-b', '1', '-v', v, '--stdout']);
      const sox = start(soxBin, [
        '-q', '-t', 'wav', '-', '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '--endian', 'little', '-',
      ]);
      const kill = () => {
        espeak.kill('SIGKILL');
        sox.kill('SIGKILL');
      };
      signal.addEventListener('abort', kill, { once: true });
      const chunks: Buffer[] = [];
      sox.stdout.on('data', (d: Buffer) => chunks.push(d));
      espeak.stdout.pipe(sox.stdin);
      const done = Promise.all([outcome(espeak, espeakBin), outcome(sox, soxBin)]);
      espeak.stdin.end(text, 'utf8');
      try {
        const [e, s] = await done;
        if (signal.aborted) throw signal.reason;
        // chroot exits 125 when it cannot enter the root, 127 when the command is not there; the other
        // process then dies of SIGPIPE, so look for these first.
        for (const [r, bin] of [[e, espeakBin], [s, soxBin]] as const) {
          if (r.code === 125 || r.code === 127 || /failed to run command|cannot change root/.test(r.stderr)) {
            throw new TtsError('engine_unavailable', r.stderr || `${bin} not found`, 'espeak');
          }
        }
        if (e.code !== 0) {
          if (/voice does not exist/i.test(e.stderr)) throw new TtsError('unsupported_voice', `no espeak-ng voice "${v}"`, 'espeak');
          throw new TtsError('synthesis_failed', `${espeakBin} exited ${e.code ?? e.signal}: ${e.stderr}`, 'espeak');
        }
        if (s.code !== 0) throw new TtsError('synthesis_failed', `${soxBin} exited ${s.code ?? s.signal}: ${s.stderr}`, 'espeak');
        const pcm = Buffer.concat(chunks);
        if (pcm.length < 2) throw new TtsError('synthesis_failed', 'espeak-ng produced no audio', 'espeak');
        return { pcm: pcm.length % 2 ? pcm.subarray(0, pcm.length - 1) : pcm, sampleRate: rate };
      } catch (err) {
        kill();
        throw err;
      } finally {
        signal.removeEventListener('abort', kill);
      }
    },
  };
}
