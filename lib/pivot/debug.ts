// Pivot exchanges on the call record (`attributes.pivot`, readable with the call over the API): every
// exchange gets a compact entry (URL without query, status, latency, result or error); with the node's
// `debug: true` (or ARIFLOW_PIVOT_DEBUG=always) the entry also keeps the request and response bodies,
// cut to a size. They live as long as the call record does. Signatures and secrets are never stored.

export interface ExchangeRecord {
  /** When the request started. */
  at: string;
  /** 1 for the call's first pivot request, 2 for the next... */
  seq: number;
  method: string;
  /** Origin and path only (a GET's query carries the call's parameters); the full URL with `debug`. */
  url: string;
  format: 'kazoo' | 'twiml';
  status?: number;
  content_type?: string;
  /** From the request start until the response was complete or failed. */
  latency_ms?: number;
  result?: 'flow' | 'twiml' | 'failed';
  error?: { kind: string; message: string; detail?: Record<string, unknown> };
  /** TwiML verbs run from this response, with what they did. */
  twiml?: string[];
  /** debug only */
  request_body?: string;
  response_body?: string;
  response_bytes?: number;
}

export interface DebugLimits {
  debugBodyChars: number;
  debugMaxExchanges: number;
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

export function publicUrl(url: URL, full: boolean): string {
  return full ? url.href : `${url.origin}${url.pathname}`;
}

/** Appends `entry` to attributes.pivot, keeping the latest `debugMaxExchanges` (older ones are counted). */
export function recordExchange(attributes: Record<string, unknown>, entry: ExchangeRecord, limits: DebugLimits): ExchangeRecord {
  const list = Array.isArray(attributes.pivot) ? (attributes.pivot as ExchangeRecord[]) : [];
  list.push(entry);
  while (list.length > limits.debugMaxExchanges) {
    list.shift();
    attributes.pivot_dropped = (Number(attributes.pivot_dropped) || 0) + 1;
  }
  attributes.pivot = list;
  return entry;
}
