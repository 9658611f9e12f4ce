// A federation entity played by a loopback HTTP server: it serves its own signed entity
// configuration (ES256, signed with node:crypto) naming the trust anchor in
// authority_hints, so the admin can fetch, verify and add it as a subordinate.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';

function base64url(bytes) {
    return Buffer.from(bytes).toString('base64url');
}

/** RFC 7638 thumbprint of an EC public JWK, base64url without padding. */
function thumbprint(jwk) {
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    return base64url(createHash('sha256').update(canonical).digest());
}

/** Signs `claims` as a compact JWS with ES256 and the typ of an entity statement. */
function signStatement(privateKey, kid, claims) {
    const header = { alg: 'ES256', kid, typ: 'entity-statement+jwt' };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${base64url(signature)}`;
}

/**
 * Starts the entity on a free 127.0.0.1 port. Its entity id is its own origin.
 * Returns {entityId, publicJwk, requests, close()}; `requests` counts the fetches of the
 * entity configuration.
 */
export async function startEntityServer({ anchor, name }) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const exported = publicKey.export({ format: 'jwk' });
    const kid = thumbprint(exported);
    const publicJwk = { ...exported, kid, alg: 'ES256', use: 'sig' };
    const state = { entityId: '', requests: 0 };

    const server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
        if (request.method !== 'GET' || path !== '/.well-known/openid-federation') {
            response.writeHead(404, { 'Content-Type': 'application/json' });
            response.end(JSON.stringify({ error: 'not_found', error_description: path }));
            return;
        }
        state.requests += 1;
        const now = Math.floor(Date.now() / 1000);
        const claims = {
            iss: state.entityId,
            sub: state.entityId,
            iat: now,
            exp: now + 3600,
            jwks: { keys: [publicJwk] },
            authority_hints: [anchor],
            metadata: {
                federation_entity: { organization_name: name },
                openid_relying_party: {
                    client_name: name,
                    redirect_uris: [`${state.entityId}/callback`],
                    response_types: ['code'],
                    client_registration_types: ['automatic'],
                },
            },
        };
        response.writeHead(200, { 'Content-Type': 'application/entity-statement+jwt' });
        response.end(signStatement(privateKey, kid, claims));
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    state.entityId = `http://127.0.0.1:${server.address().port}`;
    return {
        get entityId() {
            return state.entityId;
        },
        get requests() {
            return state.requests;
        },
        publicJwk,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
