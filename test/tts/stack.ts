// Where the TTS tests find espeak-ng/sox and a media folder Asterisk shares: the local stack's chroot
// (ARIFLOW_STACK_ROOT, else `asterisk/stack.sh root`) unless the binaries are on PATH (Docker image).
import { execFileSync } from 'node:child_process';
import { stackRoot as localStackRoot } from '../../lib/cli/local-stack.ts';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';


function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, bin)));
}

let root: string | undefined | null = null;

/** The chroot to run espeak-ng/sox in, or undefined when they are on PATH. */
export function stackRoot(): string | undefined {
  if (root !== null) return root;
  if (process.env.ARIFLOW_STACK_ROOT) root = process.env.ARIFLOW_STACK_ROOT;
  else if (onPath('espeak-ng') && onPath('sox')) root = undefined;
  else root = localStackRoot();
  if (root && !existsSync(path.join(root, 'usr/bin/espeak-ng'))) throw new Error(`no espeak-ng in the stack chroot ${root}: run asterisk/stack.sh up`);
  return root;
}

/** Runs a stack binary (sox...) where Asterisk would, with arguments, never through a shell. */
export function inStack(bin: string, args: string[]): string {
  const r = stackRoot();
  return execFileSync(r ? 'chroot' : bin, r ? [r, bin, ...args] : args, { encoding: 'utf8' }).trim();
}

/** sox's view of a file, as Asterisk's side of the world sees it. */
export function soxInfo(file: string): { rate: number; channels: number; bits: number; seconds: number } {
  return {
    rate: Number(inStack('sox', ['--i', '-r', file])),
    channels: Number(inStack('sox', ['--i', '-c', file])),
    bits: Number(inStack('sox', ['--i', '-b', file])),
    seconds: Number(inStack('sox', ['--i', '-D', file])),
  };
}

/** A fresh folder under the shared media folder (bind-mounted into the chroot at the same path). */
export async function scratchMediaDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const base = path.resolve(process.env.ARIFLOW_MEDIA_DIR || '/var/cache/ariflow/media');
  const dir = path.join(base, `test-tts-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const r = stackRoot();
  if (r && !existsSync(path.join(r, dir))) throw new Error(`${base} is not bind-mounted into ${r}: run asterisk/stack.sh up`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
