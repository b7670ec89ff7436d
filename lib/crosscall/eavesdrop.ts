// Eavesdrop modes and Kazoo's in-call DTMF control. Kazoo eavesdrops with DTMF enabled on the media server
// (FreeSWITCH `eavesdrop` with eavesdrop_enable_dtmf), whose digits are: 0 listen again, 1 speak with the
// other half, 2 speak with the target ("the uuid"), 3 three-way, `*` the next channel (here: the target's
// next answered call, when it has several).
import type { EavesdropMode } from '../callcontrol/port.ts';

export const EAVESDROP_MODES: readonly EavesdropMode[] = ['listen', 'whisper', 'whisper_other', 'full'];

/** While eavesdropping: move to the target's next call. */
export const NEXT_CHANNEL_DIGIT = '*';

/** Digit → mode while eavesdropping. */
export const EAVESDROP_DIGITS: Readonly<Record<string, EavesdropMode>> = {
  '0': 'listen',
  '1': 'whisper_other',
  '2': 'whisper',
  '3': 'full',
};

/** The mode a digit switches to; undefined for the other digits (ignored). */
export function modeForDigit(digit: string): EavesdropMode | undefined {
  return Object.hasOwn(EAVESDROP_DIGITS, digit) ? EAVESDROP_DIGITS[digit] : undefined;
}

/** A node's `mode` (the starting mode), `listen` when absent or unknown (Kazoo always starts listening). */
export function startMode(v: unknown): EavesdropMode {
  return EAVESDROP_MODES.includes(v as EavesdropMode) ? (v as EavesdropMode) : 'listen';
}

/**
 * The snoop's whisper direction on the TARGET's channel: `out` is what the target's phone hears, `in` is
 * what the channel sends into its conversation (the other party hears it).
 */
export function whisperOf(mode: EavesdropMode): 'none' | 'in' | 'out' | 'both' {
  return mode === 'whisper' ? 'out' : mode === 'whisper_other' ? 'in' : mode === 'full' ? 'both' : 'none';
}
