// DEVELOPMENT AID ONLY, NOT A TEST OF THE PRODUCT. Serves dist/ and responds to the admin
// API routes from an in-memory imitation, so the views can be rendered, screenshotted
// and checked with axe before the real inmor-admin exists. Nothing here is registered in
// ctest or CI, because a browser run against it proves nothing about the admin. To test
// the product, run the browser tests against the real admin (INMOR_ADMIN_URL).
//
// Usage: node tests/fixture-server.mjs [PORT]   (listens on 127.0.0.1, default 5199)
// Users: "admin" / "fixture-password" (no MFA) and "mfa-admin" / "fixture-password"
// with the TOTP secret kFixtureTotpSecret below.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totpCode } from './browser/totp.mjs';

export const kFixtureTotpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const kTrustAnchor = 'https://ta.test';
const kDistDir = fileURLToPath(new URL('../dist/', import.meta.url));
const kContentTypes = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};

function b64url(value) {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Builds a JWT-shaped string for display only. Its signature part is random bytes. */
function fakeJwt(header, payload) {
    return `${b64url(header)}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const iso = (seconds) => new Date(seconds * 1000).toISOString();

function entityStatement(iss, sub, extra = {}) {
    const payload = { iss, sub, iat: now(), exp: now() + 86400, jwks: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'k-' + sub.length, x: 'x', y: 'y' }] }, ...extra };
    return { jwt: fakeJwt({ alg: 'ES256', kid: 'ta-key-1', typ: 'entity-statement+jwt' }, payload), header: { alg: 'ES256', kid: 'ta-key-1', typ: 'entity-statement+jwt' }, payload };
}

function makeState() {
    const state = {
        users: [
            { id: 1, username: 'admin', email: 'admin@ta.test', is_superuser: true, mfa_enabled: false, is_active: true, password: 'fixture-password', totp: null },
            { id: 2, username: 'mfa-admin', email: 'mfa@ta.test', is_superuser: true, mfa_enabled: true, is_active: true, password: 'fixture-password', totp: kFixtureTotpSecret },
        ],
        sessions: new Map(),
        apikeys: [],
        audit: [],
        types: [{ id: 1, tmtype: 'https://ta.test/tm/member', autorenew: true, valid_for: 8760, renewal_time: 48, active: true }],
        marks: [],
        subordinates: [],
        ids: { apikey: 1, audit: 1, type: 2, mark: 1, sub: 1, user: 3 },
    };
    for (const [index, host] of ['rp1.test', 'op1.test', 'ia.test'].entries()) {
        state.subordinates.push({
            id: state.ids.sub++, entityid: `https://${host}`, metadata: { federation_entity: { organization_name: host } },
            forced_metadata: {}, jwks: { keys: [] }, required_trustmarks: [], valid_for: 8760,
            expire_at: iso(now() + (index + 1) * 10 * 86400), autorenew: true, active: true, additional_claims: {},
        });
    }
    state.marks.push({ id: state.ids.mark++, tmt_id: 1, domain: 'https://rp1.test', expire_at: iso(now() + 5 * 86400), autorenew: true, valid_for: 8760, renewal_time: 48, active: true, additional_claims: null, mark: fakeJwt({ alg: 'ES256', typ: 'trust-mark+jwt' }, { iss: kTrustAnchor, sub: 'https://rp1.test', trust_mark_type: 'https://ta.test/tm/member', iat: now(), exp: now() + 5 * 86400 }) });
    return state;
}

let state = makeState();

function send(response, status, body, headers = {}) {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(body === undefined ? '' : JSON.stringify(body));
}

function fail(response, status, message) {
    send(response, status, { message, id: status * 100 });
}

function cookies(request) {
    const result = {};
    for (const part of (request.headers.cookie ?? '').split(';')) {
        const [name, ...rest] = part.trim().split('=');
        if (name) {
            result[name] = rest.join('=');
        }
    }
    return result;
}

function page(items, query) {
    const limit = Number(query.get('limit') ?? 100);
    const offset = Number(query.get('offset') ?? 0);
    return { count: items.length, items: items.slice(offset, offset + limit) };
}

function publicUser(user) {
    const { password: _p, totp: _t, ...rest } = user;
    return rest;
}

function audit(session, action, resourceType, resourceId, before, after) {
    state.audit.unshift({
        id: state.ids.audit++, at: new Date().toISOString(), username: session.user.username,
        auth_method: 'session', client_address: '127.0.0.1', action, resource_type: resourceType,
        resource_id: resourceId, before: before ?? null, after: after ?? null, result: 'ok',
    });
}

function startSession(response, user) {
    const id = randomBytes(16).toString('hex');
    state.sessions.set(id, { user, pendingMfa: false });
    return id;
}

async function readJson(request) {
    let text = '';
    for await (const chunk of request) {
        text += chunk;
    }
    if (!text) {
        return {};
    }
    return JSON.parse(text);
}

async function handleAuth(request, response, path, session, sessionId) {
    if (path === '/auth/csrf') {
        const token = randomBytes(16).toString('hex');
        send(response, 200, { csrftoken: token }, { 'Set-Cookie': `csrftoken=${token}; Path=/; SameSite=Strict` });
        return;
    }
    if (path === '/auth/me') {
        if (!session || session.pendingMfa) {
            fail(response, 401, 'Not signed in');
            return;
        }
        send(response, 200, publicUser(session.user));
        return;
    }
    const body = await readJson(request);
    if (path === '/auth/login') {
        const user = state.users.find((u) => u.username === body.username && u.is_active);
        if (!user || user.password !== body.password) {
            fail(response, 401, 'Invalid username or password');
            return;
        }
        const id = startSession(response, user);
        state.sessions.get(id).pendingMfa = user.mfa_enabled;
        const cookie = `sessionid=${id}; Path=/; HttpOnly; SameSite=Strict`;
        send(response, 200, user.mfa_enabled ? { mfa_required: true } : { user: publicUser(user) }, { 'Set-Cookie': cookie });
        return;
    }
    if (path === '/auth/login/totp') {
        if (!session || !session.pendingMfa) {
            fail(response, 400, 'No login waiting for a TOTP code');
            return;
        }
        const accepted = [-30_000, 0].map((shift) => totpCode(session.user.totp, Date.now() + shift));
        if (!accepted.includes(String(body.code))) {
            fail(response, 401, 'code: invalid or expired TOTP code');
            return;
        }
        session.pendingMfa = false;
        send(response, 200, { user: publicUser(session.user) });
        return;
    }
    if (path === '/auth/logout') {
        state.sessions.delete(sessionId);
        send(response, 200, {}, { 'Set-Cookie': 'sessionid=; Path=/; Max-Age=0' });
        return;
    }
    fail(response, 404, `No route ${path}`);
}

function collection() {
    const entities = [{ entity_id: kTrustAnchor, entity_types: ['federation_entity'], superiors: [] }];
    for (const sub of state.subordinates.filter((s) => s.active)) {
        const types = sub.entityid.includes('op') ? ['federation_entity', 'openid_provider']
            : sub.entityid.includes('rp') ? ['federation_entity', 'openid_relying_party'] : ['federation_entity'];
        entities.push({ entity_id: sub.entityid, entity_types: types, superiors: [kTrustAnchor], ui_infos: { federation_entity: { display_name: sub.entityid.replace('https://', '') } } });
    }
    entities.push({ entity_id: 'https://rp-under-ia.test', entity_types: ['openid_relying_party'], superiors: ['https://ia.test'] });
    return entities;
}

function serverStatus() {
    const ec = entityStatement(kTrustAnchor, kTrustAnchor, { metadata: { federation_entity: { organization_name: 'Fixture federation' } } });
    return {
        entity_id: kTrustAnchor, version: 'fixture', status: 'ok',
        keys: { public_keys: 1, historical_keys_available: true },
        subordinates: { direct: state.subordinates.filter((s) => s.active).length },
        trust_marks: { types: state.types.length, total_issued: state.marks.length },
        collection: { total_entities: collection().length, openid_providers: 1, openid_relying_parties: 2, intermediates: 1, last_updated: now() - 600 },
        health: { status: 'ok' },
        entity_configuration: ec,
        public_keys: [{ kty: 'EC', crv: 'P-256', kid: 'ta-key-1', alg: 'ES256', use: 'sig', x: 'x', y: 'y' }],
        historical_keys: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'old-key', exp: now() - 86400, revoked: { revoked_at: now() - 86400, reason: 'superseded' } }] },
    };
}

async function handleApi(request, response, path, query, session) {
    const method = request.method;
    const body = method === 'GET' || method === 'DELETE' ? {} : await readJson(request);
    let match;

    if (path === '/users' && method === 'GET') {
        return send(response, 200, page(state.users.map(publicUser), query));
    }
    if (path === '/users' && method === 'POST') {
        if (!body.username) {
            return fail(response, 422, 'username: missing');
        }
        if (state.users.some((u) => u.username === body.username)) {
            return fail(response, 403, `username: ${body.username} already exists`);
        }
        const user = { id: state.ids.user++, username: body.username, email: body.email ?? '', is_superuser: Boolean(body.is_superuser), mfa_enabled: false, is_active: true, password: body.password, totp: null };
        state.users.push(user);
        audit(session, 'create', 'user', user.id, null, publicUser(user));
        return send(response, 201, publicUser(user));
    }
    if ((match = path.match(/^\/users\/(\d+)$/)) && method === 'PUT') {
        const user = state.users.find((u) => u.id === Number(match[1]));
        if (!user) {
            return fail(response, 404, 'user not found');
        }
        const before = publicUser(user);
        Object.assign(user, body);
        audit(session, 'update', 'user', user.id, before, publicUser(user));
        return send(response, 200, publicUser(user));
    }
    if (path === '/mfa/totp/begin') {
        session.pendingSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
        return send(response, 200, { secret: session.pendingSecret, otpauth_uri: `otpauth://totp/Inmor:${session.user.username}?secret=${session.pendingSecret}&issuer=Inmor` });
    }
    if (path === '/mfa/totp/confirm') {
        if (!session.pendingSecret || String(body.code) !== totpCode(session.pendingSecret)) {
            return fail(response, 400, 'code: invalid TOTP code');
        }
        session.user.totp = session.pendingSecret;
        session.user.mfa_enabled = true;
        return send(response, 200, { recovery_codes: ['aaaa-bbbb', 'cccc-dddd', 'eeee-ffff'] });
    }
    if (path === '/mfa/disable') {
        if (!session.user.totp || String(body.code) !== totpCode(session.user.totp)) {
            return fail(response, 400, 'code: invalid TOTP code');
        }
        session.user.mfa_enabled = false;
        session.user.totp = null;
        return send(response, 200, {});
    }

    if (path === '/apikeys' && method === 'GET') {
        return send(response, 200, page(state.apikeys, query));
    }
    if (path === '/apikeys' && method === 'POST') {
        if (!body.name) {
            return fail(response, 422, 'name: missing');
        }
        const key = `inmor_${randomBytes(24).toString('base64url')}`;
        const record = { id: state.ids.apikey++, name: body.name, prefix: key.slice(0, 12), expires_at: body.expires_days ? iso(now() + body.expires_days * 86400) : null, created_at: new Date().toISOString(), last_used_at: null, active: true, owner: session.user.username };
        state.apikeys.push(record);
        audit(session, 'create', 'apikey', record.id, null, record);
        return send(response, 201, { ...record, key });
    }
    if ((match = path.match(/^\/apikeys\/(\d+)$/)) && method === 'DELETE') {
        const record = state.apikeys.find((k) => k.id === Number(match[1]));
        if (!record) {
            return fail(response, 404, 'API key not found');
        }
        const before = { ...record };
        record.active = false;
        audit(session, 'revoke', 'apikey', record.id, before, { ...record });
        return send(response, 200, record);
    }

    if (path === '/auditlog') {
        const filters = ['action', 'resource_type', 'username'];
        const items = state.audit.filter((entry) => filters.every((name) => !query.get(name) || entry[name] === query.get(name)));
        return send(response, 200, page(items, query));
    }
    if ((match = path.match(/^\/auditlog\/(\d+)$/))) {
        const entry = state.audit.find((e) => e.id === Number(match[1]));
        return entry ? send(response, 200, entry) : fail(response, 404, 'audit entry not found');
    }

    if (path === '/collection') {
        const result = page(collection(), query);
        return send(response, 200, { ...result, last_updated: now() - 600, trust_anchor: kTrustAnchor });
    }
    if (path === '/resolve') {
        if (!body.sub) {
            return fail(response, 400, 'sub: missing');
        }
        const known = state.subordinates.find((s) => s.entityid === body.sub && s.active);
        if (!known) {
            return send(response, 200, { ok: false, chain: [], merged_policy: null, metadata: null, exp: null, trust_marks: null, error: `invalid_subject: ${body.sub} is not in this federation` });
        }
        return send(response, 200, {
            ok: true,
            chain: [entityStatement(body.sub, body.sub, { authority_hints: [kTrustAnchor], metadata: known.metadata }), entityStatement(kTrustAnchor, body.sub), entityStatement(kTrustAnchor, kTrustAnchor)],
            merged_policy: { openid_relying_party: { grant_types: { subset_of: ['authorization_code'] } } },
            metadata: known.metadata, exp: now() + 86400, trust_marks: [],
        });
    }
    if (path === '/server/status') {
        return send(response, 200, serverStatus());
    }
    if (path === '/server/federation_health') {
        const { health, entity_configuration, public_keys, historical_keys, ...status } = serverStatus();
        return send(response, 200, {
            configured: true, url: 'http://127.0.0.1:8080', reachable: true, healthy: true,
            http_status: 200, health, status, latency_ms: 3, error: null,
        });
    }
    if (path === '/server/entity' || path === '/server/historical_keys') {
        audit(session, 'publish', path.slice(8), null, null, null);
        return send(response, 200, { message: 'published' });
    }

    if (path === '/trustmarktypes' && method === 'GET') {
        return send(response, 200, page(state.types, query));
    }
    if (path === '/trustmarktypes' && method === 'POST') {
        const existing = state.types.find((t) => t.tmtype === body.tmtype);
        if (existing) {
            return send(response, 403, existing);
        }
        const type = { id: state.ids.type++, tmtype: body.tmtype, autorenew: body.autorenew ?? true, valid_for: body.valid_for ?? 8760, renewal_time: body.renewal_time ?? 48, active: body.active ?? true };
        state.types.push(type);
        audit(session, 'create', 'trustmarktype', type.id, null, type);
        return send(response, 201, type);
    }
    if ((match = path.match(/^\/trustmarktypes\/(\d+)$/)) && method === 'PUT') {
        const type = state.types.find((t) => t.id === Number(match[1]));
        if (!type) {
            return fail(response, 404, 'trust mark type not found');
        }
        const before = { ...type };
        Object.assign(type, body, { id: type.id, tmtype: type.tmtype });
        audit(session, 'update', 'trustmarktype', type.id, before, { ...type });
        return send(response, 200, type);
    }
    if (path === '/trustmarks' && method === 'GET') {
        return send(response, 200, page(state.marks, query));
    }
    if (path === '/trustmarks/list') {
        return send(response, 200, page(state.marks.filter((m) => m.domain === body.domain), query));
    }
    if (path === '/trustmarks' && method === 'POST') {
        const type = state.types.find((t) => t.id === Number(body.tmt));
        if (!type) {
            return fail(response, 404, `tmt: trust mark type ${body.tmt} not found`);
        }
        if (!/^https:\/\//.test(body.domain ?? '')) {
            return fail(response, 422, 'domain: must be an https URL');
        }
        const exp = now() + type.valid_for * 3600;
        const mark = { id: state.ids.mark++, tmt_id: type.id, domain: body.domain, expire_at: iso(exp), autorenew: body.autorenew ?? true, valid_for: type.valid_for, renewal_time: type.renewal_time, active: true, additional_claims: body.additional_claims ?? null, mark: fakeJwt({ alg: 'ES256', typ: 'trust-mark+jwt' }, { iss: kTrustAnchor, sub: body.domain, trust_mark_type: type.tmtype, iat: now(), exp }) };
        state.marks.push(mark);
        audit(session, 'create', 'trustmark', mark.id, null, mark);
        return send(response, 201, mark);
    }
    if ((match = path.match(/^\/trustmarks\/(\d+)\/renew$/))) {
        const mark = state.marks.find((m) => m.id === Number(match[1]));
        if (!mark || !mark.active) {
            return fail(response, 404, 'trust mark not found or revoked');
        }
        mark.expire_at = iso(now() + mark.valid_for * 3600);
        return send(response, 200, mark);
    }
    if ((match = path.match(/^\/trustmarks\/(\d+)$/)) && method === 'PUT') {
        const mark = state.marks.find((m) => m.id === Number(match[1]));
        if (!mark) {
            return fail(response, 404, 'trust mark not found');
        }
        const before = { ...mark };
        Object.assign(mark, body);
        audit(session, body.active === false ? 'revoke' : 'update', 'trustmark', mark.id, before, { ...mark });
        return send(response, 200, mark);
    }

    if (path === '/subordinates/fetch-config') {
        if (!/^https?:\/\/\S+$/.test(body.entityid ?? '')) {
            return fail(response, 422, 'entityid: must be an https URL');
        }
        const ec = entityStatement(body.entityid, body.entityid, { authority_hints: [kTrustAnchor], metadata: { openid_relying_party: { client_name: 'Fixture RP', redirect_uris: [`${body.entityid}/cb`] } } });
        return send(response, 200, { entity_configuration: { jwt: ec.jwt, payload: ec.payload }, metadata: ec.payload.metadata, jwks: ec.payload.jwks });
    }
    if (path === '/subordinates' && method === 'GET') {
        return send(response, 200, page(state.subordinates, query));
    }
    if (path === '/subordinates' && method === 'POST') {
        if (state.subordinates.some((s) => s.entityid === body.entityid)) {
            return fail(response, 403, `entityid: ${body.entityid} is already a subordinate`);
        }
        const sub = { ...body, id: state.ids.sub++, expire_at: iso(now() + (body.valid_for ?? 8760) * 3600) };
        state.subordinates.push(sub);
        audit(session, 'create', 'subordinate', sub.id, null, sub);
        return send(response, 201, sub);
    }
    if ((match = path.match(/^\/subordinates\/(\d+)(\/renew)?$/))) {
        const sub = state.subordinates.find((s) => s.id === Number(match[1]));
        if (!sub) {
            return fail(response, 404, 'subordinate not found');
        }
        if (method === 'GET') {
            return send(response, 200, sub);
        }
        const before = { ...sub };
        if (match[2]) {
            sub.expire_at = iso(now() + (sub.valid_for ?? 8760) * 3600);
        } else {
            Object.assign(sub, body, { id: sub.id, entityid: sub.entityid });
        }
        audit(session, match[2] ? 'renew' : 'update', 'subordinate', sub.id, before, { ...sub });
        return send(response, 200, sub);
    }
    return fail(response, 404, `No route ${method} ${path}`);
}

async function serveStatic(response, path) {
    const relative = normalize(path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
    if (relative.startsWith('..')) {
        response.writeHead(400).end();
        return;
    }
    try {
        const data = await readFile(join(kDistDir, relative));
        response.writeHead(200, { 'Content-Type': kContentTypes[extname(relative)] ?? 'application/octet-stream' });
        response.end(data);
    } catch {
        const index = await readFile(join(kDistDir, 'index.html'));
        response.writeHead(200, { 'Content-Type': kContentTypes['.html'] });
        response.end(index);
    }
}

/** Starts the fixture on 127.0.0.1:port and resolves to the server. */
export function startFixtureServer(port = 5199) {
    state = makeState();
    const server = createServer(async (request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        try {
            if (!url.pathname.startsWith('/api/v1/')) {
                await serveStatic(response, url.pathname);
                return;
            }
            const path = url.pathname.slice('/api/v1'.length);
            const jar = cookies(request);
            const sessionId = jar.sessionid;
            const session = sessionId ? state.sessions.get(sessionId) : undefined;
            const isWrite = !['GET', 'HEAD'].includes(request.method ?? 'GET');
            if (isWrite && (!jar.csrftoken || request.headers['x-csrftoken'] !== jar.csrftoken)) {
                fail(response, 403, 'CSRF check failed: X-CSRFToken does not match the csrftoken cookie');
                return;
            }
            if (path.startsWith('/auth/')) {
                await handleAuth(request, response, path, session, sessionId);
                return;
            }
            if (!session || session.pendingMfa) {
                fail(response, 401, 'Authentication required');
                return;
            }
            await handleApi(request, response, path, url.searchParams, session);
        } catch (error) {
            fail(response, 400, `invalid request: ${error instanceof Error ? error.message : String(error)}`);
        }
    });
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    const port = Number(process.argv[2] ?? 5199);
    await startFixtureServer(port);
    console.log(`fixture server (development aid, not a product test) on http://127.0.0.1:${port}`);
}
