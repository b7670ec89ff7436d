// Shared by the tracking-dial test files.

/** A multi-ring Dial step with screening (press 1 after a beep, 2 s to do it) and a whisper, to `recipients`. */
export function screenedMultiRing(recipients: unknown[], whisper: Record<string, unknown>) {
  return {
    module: 'dial',
    data: { connection: 'multi_ring', screen: true, screen_prompt: 'beep', screen_timeout: 2, whisper, recipients },
  };
}
