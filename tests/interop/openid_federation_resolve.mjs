// Resolves trust chains with @openid-federation/core (an independent
// implementation) and prints, as JSON, the resolved leaf metadata of the
// chain that ends at the requested trust anchor.
//   node openid_federation_resolve.mjs ENTITY_ID TRUST_ANCHOR_ID
// Every request goes through a fetch that rejects any host but 127.0.0.1.
import { resolveTrustChains } from '@openid-federation/core';
import { importJWK, flattenedVerify } from 'jose';

const [entityId, trustAnchorId] = process.argv.slice(2);
if (!entityId || !trustAnchorId) {
  console.error('usage: node openid_federation_resolve.mjs ENTITY_ID TRUST_ANCHOR_ID');
  process.exit(2);
}

const realFetch = globalThis.fetch;
const requested = [];
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input.url);
  if (url.hostname !== '127.0.0.1') {
    throw new Error(`fetch rejected: ${url.hostname} is not 127.0.0.1`);
  }
  requested.push(url.toString());
  return realFetch(input, init);
};

// Verifies with npm jose: the library hands over the signing input, the
// signature and the key it selected by kid.
async function verifyJwtCallback({ jwt, jwk }) {
  const [protectedHeader, payload, signature] = jwt.split('.');
  const header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString());
  try {
    const key = await importJWK(jwk, header.alg);
    await flattenedVerify({ protected: protectedHeader, payload, signature }, key);
    return true;
  } catch {
    return false;
  }
}

try {
  const chains = await resolveTrustChains({
    entityId,
    trustAnchorEntityIds: [trustAnchorId],
    verifyJwtCallback,
  });
  const chain = chains.find((candidate) =>
    candidate.chain[candidate.chain.length - 1].iss === trustAnchorId);
  if (!chain) {
    console.log(JSON.stringify({ ok: false, error: 'no valid chain', requested }));
  } else {
    // Results are frozen proxies: copy them through JSON.
    const metadata = JSON.parse(JSON.stringify(chain.resolvedLeafMetadata));
    console.log(JSON.stringify({ ok: true, metadata, length: chain.chain.length, requested }));
  }
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error), requested }));
}
