// Checks a demo federation's published artifacts with npm's jose and resolves
// a sample of its leaves with @openid-federation/core, comparing the metadata
// with what the leaves publish and with our anchor's /resolve response.
//   node main_job_verify.mjs        (DEMO_ANCHOR_ID, DEMO_INTERMEDIATE_ID,
//                                    DEMO_SUMMARY set by demo/run_federation.sh)
// Every request goes through a fetch that refuses any host but 127.0.0.1.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { resolveTrustChains } from '@openid-federation/core';

const anchor = process.env.DEMO_ANCHOR_ID;
const intermediate = process.env.DEMO_INTERMEDIATE_ID;
const summary = JSON.parse(readFileSync(process.env.DEMO_SUMMARY, 'utf8'));
const failures = [];
const fail = (message) => {
  failures.push(message);
  console.log(`FAIL ${message}`);
};

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input.url);
  if (url.hostname !== '127.0.0.1') {
    throw new Error(`fetch refused: ${url.hostname} is not 127.0.0.1`);
  }
  return realFetch(input, init);
};

async function get(url, form) {
  const init = form ? { method: 'POST', body: new URLSearchParams(form) } : {};
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get('content-type'),
    body: await response.text() };
}

// The payload when jose verifies `token` with `jwks` and the expected typ.
async function verified(token, jwks, what, typ) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { typ });
    if (protectedHeader.typ !== typ) fail(`${what}: typ ${protectedHeader.typ}`);
    return payload;
  } catch (error) {
    fail(`${what}: jose refuses it: ${error.code ?? error.message}`);
    return null;
  }
}

async function configuration(entityId) {
  const answer = await get(`${entityId}/.well-known/openid-federation`);
  const claims = await verified(answer.body, decodeJwt(answer.body).jwks,
    `${entityId} configuration`, 'entity-statement+jwt');
  if (claims?.iss !== entityId || claims?.sub !== entityId) fail(`${entityId}: iss/sub`);
  return claims ?? { jwks: { keys: [] } };
}

async function statements(issuer, keys, subs) {
  let count = 0;
  for (const sub of subs) {
    const answer = await get(`${issuer}/fetch?${new URLSearchParams({ sub })}`);
    if (answer.status !== 200) {
      fail(`${issuer}/fetch ${sub}: ${answer.status}`);
      continue;
    }
    const claims = await verified(answer.body, keys, `statement about ${sub}`,
      'entity-statement+jwt');
    if (claims && claims.sub === sub && claims.iss === issuer) count += 1;
  }
  return count;
}

async function trustMarks(keys) {
  const revoked = summary.revoked_trust_mark;
  let count = 0;
  for (const mark of summary.trust_marks) {
    const isRevoked = mark.id === revoked.id;
    const query = new URLSearchParams({ trust_mark_type: mark.type, sub: mark.sub });
    const answer = await get(`${anchor}/trust_mark?${query}`);
    if (isRevoked !== (answer.status === 404)) {
      fail(`mark ${mark.id} (revoked ${isRevoked}): /trust_mark returned ${answer.status}`);
    } else if (!isRevoked) {
      const claims = await verified(answer.body, keys, `trust mark ${mark.id}`,
        'trust-mark+jwt');
      if (claims?.trust_mark_type === mark.type && claims?.sub === mark.sub) count += 1;
    }
    const status = await get(`${anchor}/trust_mark_status`, { trust_mark: mark.mark });
    const claims = await verified(status.body, keys, `status of mark ${mark.id}`,
      'trust-mark-status-response+jwt');
    const expected = isRevoked ? 'revoked' : 'active';
    if (claims && claims.status !== expected) {
      fail(`status of mark ${mark.id}: ${claims.status}, expected ${expected}`);
    }
  }
  return count;
}

async function resolveResponses(keys) {
  let count = 0;
  for (const result of summary.resolved) {
    if (!result.response) continue;
    const claims = await verified(result.response, keys, `resolve ${result.entity_id}`,
      'resolve-response+jwt');
    if (!claims) continue;
    const chain = claims.trust_chain ?? [];
    for (let index = 0; index < chain.length; index += 1) {
      const issuerKeys = index + 1 < chain.length ? decodeJwt(chain[index + 1]).jwks : keys;
      await verified(chain[index], issuerKeys, `chain[${index}] of ${result.entity_id}`,
        'entity-statement+jwt');
    }
    for (const mark of claims.trust_marks ?? []) {
      await verified(mark.trust_mark, keys,
        `${mark.trust_mark_type} mark in resolve ${result.entity_id}`, 'trust-mark+jwt');
    }
    const types = (claims.trust_marks ?? []).map((mark) => mark.trust_mark_type);
    if (result.entity_id === summary.revoked_trust_mark.sub &&
        types.includes(summary.revoked_trust_mark.type)) {
      fail(`resolve ${result.entity_id}: carries the revoked mark`);
    }
    count += 1;
  }
  return count;
}

async function verifyJwtCallback({ jwt, jwk }) {
  try {
    const header = decodeProtectedHeader(jwt);
    await jwtVerify(jwt, createLocalJWKSet({ keys: [{ ...jwk, alg: header.alg }] }));
    return true;
  } catch {
    return false;
  }
}

// A sample of leaves under the anchor and under the intermediate.
// @openid-federation/core 0.2.1 requires the pre-final `id` claim inside every
// trust mark JWT and rejects a whole configuration carrying a final-spec mark
// (`trust_mark_type`, as our anchor issues them), so only leaves that publish
// no mark are sampled; jose and jwcrypto check the others above.
async function independentChains() {
  const leaves = summary.leaf_list.filter((leaf) => leaf.trust_mark_types.length === 0);
  const sample = [
    ...leaves.filter((leaf) => leaf.superior === anchor).slice(0, 6),
    ...leaves.filter((leaf) => leaf.superior === intermediate).slice(0, 4),
  ];
  let count = 0;
  for (const leaf of sample) {
    try {
      const chains = await resolveTrustChains({
        entityId: leaf.entity_id, trustAnchorEntityIds: [anchor], verifyJwtCallback,
      });
      const chain = chains.find((candidate) =>
        candidate.chain[candidate.chain.length - 1].iss === anchor);
      if (!chain) {
        fail(`@openid-federation/core: no chain for ${leaf.entity_id}`);
        continue;
      }
      const metadata = JSON.parse(JSON.stringify(chain.resolvedLeafMetadata));
      const ours = summary.resolved.find((result) => result.entity_id === leaf.entity_id);
      const ourMetadata = ours?.response ? decodeJwt(ours.response).metadata : undefined;
      const kind = leaf.kind === 'op' ? 'openid_provider' : 'openid_relying_party';
      if (JSON.stringify(sorted(metadata[kind])) !== JSON.stringify(sorted(leaf.metadata[kind]))
          || JSON.stringify(sorted(metadata[kind])) !==
             JSON.stringify(sorted(ourMetadata?.[kind]))) {
        fail(`@openid-federation/core: metadata of ${leaf.entity_id} differs`);
        continue;
      }
      count += 1;
    } catch (error) {
      fail(`@openid-federation/core: ${leaf.entity_id}: ${error}`);
    }
  }
  return { count, sample: sample.length };
}

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
  }
  return value;
}

const anchorClaims = await configuration(anchor);
const intermediateClaims = await configuration(intermediate);
const leaves = summary.leaf_list;
let statementCount = await statements(anchor, anchorClaims.jwks,
  [intermediate, ...leaves.filter((leaf) => leaf.superior === anchor).map((l) => l.entity_id)]);
statementCount += await statements(intermediate, intermediateClaims.jwks,
  leaves.filter((leaf) => leaf.superior === intermediate).map((l) => l.entity_id));
const markCount = await trustMarks(anchorClaims.jwks);
for (const [entityId, keys] of [[anchor, anchorClaims.jwks],
  [intermediate, intermediateClaims.jwks]]) {
  const answer = await get(`${entityId}/historical_keys`);
  await verified(answer.body, keys, `historical keys of ${entityId}`, 'jwk-set+jwt');
}
const resolveCount = await resolveResponses(anchorClaims.jwks);
const chains = await independentChains();

console.log(`jose: 2 entity configurations, ${statementCount} subordinate statements, ` +
  `${markCount} trust marks and ${summary.trust_marks.length} status responses, ` +
  `2 historical key sets, ${resolveCount} resolve responses; @openid-federation/core: ` +
  `${chains.count} of ${chains.sample} chains with the same metadata; ` +
  `${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
