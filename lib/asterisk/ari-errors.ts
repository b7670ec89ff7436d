// Errors at the ARI boundary, and how ari-client's errors are read. ari-client drops the HTTP status and
// rejects with `new Error(<response body>)`, so ARI's own message ({"message":"Channel not found"}) is what we have.

/** ARI cannot be reached (start-up gave up, or credentials refused). The message names ARI and the URL. */
export class AriUnreachableError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`ARI unreachable at ${url}: ${reason}`);
    this.name = 'AriUnreachableError';
  }
}

/** ARI answered a REST call with an error that is not "the call is gone" (bad request, unknown object, ...). */
export class AriRequestError extends Error {
  constructor(readonly operation: string, readonly ariMessage: string) {
    super(`ARI ${operation} failed: ${ariMessage}`);
    this.name = 'AriRequestError';
  }

  /** ARI's 404 messages all say "not found" (Playback not found, Provided variable was not found, ...). */
  get notFound(): boolean {
    return /not found/i.test(this.ariMessage);
  }
}

/** ARI's message from an ari-client rejection (its body, or a network error's code/message). */
export function ariErrorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const text = err.message;
    if (text.startsWith('{')) {
      try {
        const body = JSON.parse(text) as { message?: unknown; error?: unknown };
        if (typeof body.message === 'string') return body.message;
        if (typeof body.error === 'string') return body.error;
      } catch {
        /* not JSON: use as is */
      }
    }
    return text || err.name;
  }
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const o = err as { status?: unknown; statusText?: unknown; data?: unknown };
    if (o.status !== undefined) return `HTTP ${String(o.status)} ${String(o.statusText ?? '')}`.trim();
  }
  return String(err);
}

// What ARI says when a channel operation targets a channel that hung up or left the application meanwhile.
const channelGone = new Set(['Channel not found', 'Provided channel was not found', 'Channel not in Stasis application']);

export function isChannelGoneMessage(message: string): boolean {
  return channelGone.has(message);
}
