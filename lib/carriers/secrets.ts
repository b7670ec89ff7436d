// Carrier gateway passwords are write-only: the API never shows them (GET, listings, exports), and an
// update that leaves a gateway's password out keeps the stored one, as long as the gateway still names
// the same server and user — so a client can GET, edit and POST a carrier without knowing its secret.
type Doc = Record<string, unknown>;

function gatewaysOf(doc: Doc): Doc[] {
  return Array.isArray(doc.gateways) ? doc.gateways.filter((g): g is Doc => g !== null && typeof g === 'object' && !Array.isArray(g)) : [];
}

/** A copy of a carrier document without gateway passwords (`has_password: true` says one is set). */
export function hideGatewayPasswords(doc: Doc): Doc {
  if (!Array.isArray(doc.gateways)) return doc;
  return {
    ...doc,
    gateways: doc.gateways.map((g) => {
      if (g === null || typeof g !== 'object' || Array.isArray(g)) return g;
      const { password, ...rest } = g as Doc;
      return typeof password === 'string' && password !== '' ? { ...rest, has_password: true } : rest;
    }),
  };
}

/** Puts the stored password back into gateways of `fields` that omit it and still name the same server and user. */
export function keepGatewayPasswords(fields: Doc, current: Doc): void {
  const before = gatewaysOf(current);
  for (const g of gatewaysOf(fields)) {
    delete g.has_password;
    if (g.password !== undefined) continue;
    const same = before.find((b) => b.server === g.server && (b.username ?? '') === (g.username ?? '') && typeof b.password === 'string');
    if (same) g.password = same.password;
  }
}
