// Fax test kit: a real fax machine calling ariflow (SendFAX in the ariflow-fax context's `send` extension,
// sending a TIFF written by tiff-writer.ts into the shared media folder), a harness mailing to an SMTP sink
// with the API (startFaxEnv), waits.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiClient, type ApiClient } from '../../helpers/api-client.ts';
import { EngineHarness } from '../../helpers/engine-harness.ts';
import { SmtpSink } from '../notify/smtp-sink.ts';
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

export interface FaxEnv {
  h: EngineHarness;
  /** The mail server of this ariflow (ARIFLOW_SMTP_URL points at it until stop()). */
  smtp: SmtpSink;
  /** A raw API request under the account, with a token: `call('/faxes/inbox', { method: 'DELETE' })`. */
  call: ApiClient['fetch'];
  stop(): Promise<void>;
}

/** An EngineHarness that mails to an SMTP sink, and the API. stop() restores ARIFLOW_SMTP_URL. */
export async function startFaxEnv(): Promise<FaxEnv> {
  const saved = process.env.ARIFLOW_SMTP_URL;
  const smtp = await SmtpSink.start();
  let h: EngineHarness | undefined;
  const stop = async () => {
    if (saved === undefined) delete process.env.ARIFLOW_SMTP_URL;
    else process.env.ARIFLOW_SMTP_URL = saved;
    await h?.stop();
    await smtp.close();
  };
  try {
    process.env.ARIFLOW_SMTP_URL = smtp.url;
    h = await EngineHarness.start();
    const client = await apiClient(h);
    return { h, smtp, call: client.fetch, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
