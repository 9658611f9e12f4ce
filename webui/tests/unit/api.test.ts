// Tests of the API client against a real HTTP server on 127.0.0.1 that records what
// the client sends.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, buildQuery, errorMessageFrom, parseCookie } from '../../src/api';

interface Recorded {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
}

let server: Server;
let baseUrl = '';
let recorded: Recorded[] = [];
let cookieJar: Record<string, string> = {};
let nextAnswer: { status: number; body: string } | null = null;

beforeAll(async () => {
    server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => { body += chunk; });
        request.on('end', () => {
            recorded.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
            if (request.url === '/api/v1/auth/csrf') {
                response.setHeader('Set-Cookie', 'csrftoken=tok%2Ben; Path=/; SameSite=Strict');
                response.end('{}');
                return;
            }
            const answer = nextAnswer ?? { status: 200, body: '{"count": 0, "items": []}' };
            nextAnswer = null;
            response.statusCode = answer.status;
            response.setHeader('Content-Type', 'application/json');
            response.end(answer.body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
    recorded = [];
    cookieJar = {};
    nextAnswer = null;
});

// Node's fetch keeps no cookies, so this wrapper plays the browser's part: it stores
// Set-Cookie headers in the jar the client reads.
const cookieFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const separator = pair.indexOf('=');
        cookieJar[pair.slice(0, separator)] = pair.slice(separator + 1);
    }
    return response;
};

function client(onUnauthorized?: () => void): ApiClient {
    return new ApiClient({
        baseUrl,
        fetchImpl: cookieFetch,
        readCookie: (name) => (name in cookieJar ? decodeURIComponent(cookieJar[name]) : null),
        onUnauthorized,
    });
}

describe('ApiClient', () => {
    it('fetches the CSRF cookie before the first write', async () => {
        await client().createApiKey('deploy', 30);

        expect(recorded.map((r) => `${r.method} ${r.url}`)).toEqual([
            'GET /api/v1/auth/csrf',
            'POST /api/v1/apikeys',
        ]);
        expect(recorded[1].headers['x-csrftoken']).toBe('tok+en');
        expect(JSON.parse(recorded[1].body)).toEqual({ name: 'deploy', expires_days: 30 });
    });

    it('reuses an existing CSRF cookie', async () => {
        cookieJar.csrftoken = 'already';

        await client().revokeTrustMark(7);

        expect(recorded).toHaveLength(1);
        expect(recorded[0].method).toBe('PUT');
        expect(recorded[0].url).toBe('/api/v1/trustmarks/7');
        expect(recorded[0].headers['x-csrftoken']).toBe('already');
        expect(JSON.parse(recorded[0].body)).toEqual({ active: false });
    });

    it('sends no CSRF header on reads', async () => {
        await client().listAudit({ action: 'create', username: '', limit: 10, offset: 20 });

        expect(recorded).toHaveLength(1);
        expect(recorded[0].url).toBe('/api/v1/auditlog?action=create&limit=10&offset=20');
        expect(recorded[0].headers['x-csrftoken']).toBeUndefined();
    });

    it('reads the federation server health with a plain GET', async () => {
        nextAnswer = { status: 200, body: '{"configured": false, "reachable": false}' };

        const health = await client().federationHealth();

        expect(recorded.map((r) => `${r.method} ${r.url}`)).toEqual([
            'GET /api/v1/server/federation_health',
        ]);
        expect(health.configured).toBe(false);
    });

    it('raises the API message and id on an error', async () => {
        cookieJar.csrftoken = 't';
        nextAnswer = { status: 422, body: '{"message": "jwks: missing member keys", "id": 42}' };

        const error = await client().fetchSubordinateConfig('https://rp.test').catch((e) => e);

        expect(error).toBeInstanceOf(ApiError);
        expect(error.status).toBe(422);
        expect(error.message).toBe('jwks: missing member keys');
        expect(error.errorId).toBe(42);
    });

    it('describes a non-JSON error by status', async () => {
        nextAnswer = { status: 502, body: '' };

        const error = await client().serverStatus().catch((e) => e);

        expect(error).toBeInstanceOf(ApiError);
        expect(error.message).toBe('Request failed with HTTP 502 Bad Gateway');
    });

    it('keeps a 401 write on the page with a hint', async () => {
        let calls = 0;
        cookieJar.csrftoken = 't';
        nextAnswer = { status: 401, body: '{"message": "not signed in", "id": 1}' };

        const error = await client(() => { calls += 1; }).createApiKey('k').catch((e) => e);

        expect(calls).toBe(0);
        expect(error.status).toBe(401);
        expect(error.message).toMatch(/^not signed in \(signed out: sign in again in another tab/);
    });

    it('calls the 401 handler outside /auth/', async () => {
        let calls = 0;
        nextAnswer = { status: 401, body: '{"message": "not signed in", "id": 1}' };

        await client(() => { calls += 1; }).listUsers().catch(() => undefined);
        nextAnswer = { status: 401, body: '{"message": "not signed in", "id": 1}' };
        await client(() => { calls += 1; }).me().catch(() => undefined);

        expect(calls).toBe(1);
    });

    it('reports an unreachable API', async () => {
        const unreachable = new ApiClient({ baseUrl: 'http://127.0.0.1:1', readCookie: () => 'x' });

        const error = await unreachable.me().catch((e) => e);

        expect(error).toBeInstanceOf(ApiError);
        expect(error.status).toBe(0);
        expect(error.message).toMatch(/^Admin API not reachable/);
    });

    it('posts subordinate updates to the id route', async () => {
        cookieJar.csrftoken = 't';
        const input = {
            entityid: 'https://rp.test', metadata: {}, forced_metadata: {}, jwks: { keys: [] },
            required_trustmarks: [], valid_for: null, autorenew: true, active: false,
            additional_claims: {},
        };

        await client().updateSubordinate(3, input);

        expect(recorded[0].method).toBe('POST');
        expect(recorded[0].url).toBe('/api/v1/subordinates/3');
        expect(JSON.parse(recorded[0].body).active).toBe(false);
    });

    it('sends the TOTP code to the login step', async () => {
        cookieJar.csrftoken = 't';

        await client().loginTotp('123456');

        expect(recorded[0].url).toBe('/api/v1/auth/login/totp');
        expect(JSON.parse(recorded[0].body)).toEqual({ code: '123456' });
    });
});

describe('helpers', () => {
    it('parseCookie finds one cookie among several', () => {
        expect(parseCookie('a=1; csrftoken=abc%3D; b=2', 'csrftoken')).toBe('abc=');
        expect(parseCookie('a=1; xcsrftoken=abc', 'csrftoken')).toBeNull();
        expect(parseCookie('', 'csrftoken')).toBeNull();
    });

    it('buildQuery drops empty values and encodes the rest', () => {
        expect(buildQuery({ query: 'a b&c', entity_type: '', limit: 5, offset: undefined }))
            .toBe('?query=a+b%26c&limit=5');
        expect(buildQuery({})).toBe('');
    });

    it('errorMessageFrom prefers the message member', () => {
        expect(errorMessageFrom(400, 'Bad Request', { message: 'sub: missing', id: 3 }))
            .toBe('sub: missing');
        expect(errorMessageFrom(403, '', { detail: 'CSRF check failed' })).toBe('CSRF check failed');
        expect(errorMessageFrom(500, 'Internal Server Error', null))
            .toBe('Request failed with HTTP 500 Internal Server Error');
    });
});
