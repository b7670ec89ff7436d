// Fax test kit: a real fax machine calling ariflow (SendFAX in the ariflow-fax context's `send` extension,
// sending a TIFF written by tiff-writer.ts into the shared media folder), the API with a token, waits.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineHarness } from '../../helpers/engine-harness.ts';
import { bilevelTiff } from './tiff-writer.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaxSender {
  /** The sending fax machine's channel (`;1`). */
  id: string;
  /** ariflow's channel (`;2`): the call record's id. */
  peerId: string;
  hangup(): Promise<void>;
}

/** A TIFF of `pages` pages in the media folder (Asterisk reads it by the same path). */
export async function faxDocument(h: EngineHarness, pages: number): Promise<string> {
  const dir = path.join(h.app.config.mediaDir, 'test-fax');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.tiff`);
  await writeFile(file, bilevelTiff(pages));
  return file;
}

/** Calls `number` from a fax machine that sends `file` as soon as the call is answered. */
export async function sendFax(h: EngineHarness, number: string, file: string, callerId = '"Fax Machine" <5550100>'): Promise<FaxSender> {
  const id = randomUUID();
  const peerId = randomUUID();
  await h.driver.rest(
    'POST',
    '/channels',
    { endpoint: `Local/${number}@inbound`, context: 'ariflow-fax', extension: 'send', priority: 1, channelId: id, otherChannelId: peerId, callerId, timeout: 30, formats: 'ulaw' },
    { variables: { __ARIFLOW_APP: h.app.config.ariApp, ARIFLOW_FAX_SEND: file } },
  );
  return {
    id,
    peerId,
    hangup: () => h.driver.rest('DELETE', `/channels/${id}`).then(() => {}, () => {}),
  };
}

export async function apiToken(h: EngineHarness): Promise<string> {
  const res = await fetch(`${h.baseUrl}/v2/api_auth`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { api_key: h.app.config.masterApiKey } }),
  });
  return ((await res.json()) as { auth_token: string }).auth_token;
}

export function api(h: EngineHarness, token: string) {
  return (p: string, init: RequestInit = {}) =>
    fetch(`${h.baseUrl}/v2/accounts/${h.accountId}${p}`, { ...init, headers: { 'X-Auth-Token': token, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}
