// Carrier gateway passwords are write-only (lib/api/write-only.ts): the API never shows them, and an update
// that leaves a gateway's password out keeps the stored one while the gateway names the same server and user.
import { hideSecrets, keepSecrets } from '../api/write-only.ts';

type Doc = Record<string, unknown>;

/** A copy of a carrier document without gateway passwords (`has_password: true` says one is set). */
export const hideGatewayPasswords = (doc: Doc): Doc => hideSecrets('resources', doc);

/** Puts the stored password back into gateways of `fields` that omit it and still name the same server and user. */
export const keepGatewayPasswords = (fields: Doc, current: Doc): void => keepSecrets('resources', fields, current);
