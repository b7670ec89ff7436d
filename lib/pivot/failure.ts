// Why a pivot exchange failed: one error type for the pivot boundary, with a kind the trace and the
// call record show (every kind sends the call to the pivot node's `_` child, see callflows/pivot.ts).

export type FailureKind =
  /** voice_url (or a TwiML action) is not an absolute http(s) URL. */
  | 'bad_url'
  /** The target resolves to an address refused by ARIFLOW_PIVOT_DENY_PRIVATE. */
  | 'denied'
  /** The host name does not resolve. */
  | 'dns'
  /** Nothing listens on the target port. */
  | 'refused'
  /** Any other transport error (reset, TLS, protocol). */
  | 'network'
  /** No complete response within req_timeout_ms (covers slow headers and a trickling body). */
  | 'timeout'
  /** HTTP 4xx/5xx. */
  | 'http_status'
  /** HTTP 3xx: redirects are not followed (their target would escape the address checks). */
  | 'redirect'
  /** The body is larger than ARIFLOW_PIVOT_MAX_RESPONSE_BYTES. */
  | 'too_large'
  /** 2xx with an empty body. */
  | 'empty'
  /** Unparseable JSON/XML, or a flow/TwiML that fails validation. */
  | 'invalid'
  /** Valid, but asks for something this server cannot do (e.g. TwiML Dial without outbound legs). */
  | 'unsupported'
  /** The call made more pivot requests than its budget allows (a pivot loop). */
  | 'loop';

export class PivotFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Structured detail for the call record (validation errors, HTTP status...). */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PivotFailure';
  }
}
