// Typed client for the admin API (/api/v1) that the web UI calls on its own origin.
//
// Routes the UI uses (all under /api/v1; writes carry the `csrftoken` cookie value in the
// X-CSRFToken header; errors are {"message": "...", "id": N}; lists are {count, items}
// with limit (default 100) and offset):
//
// | Method and path                     | Body or query                          | Response                                |
// |-------------------------------------|----------------------------------------|-----------------------------------------|
// | GET    /auth/csrf                   |                                        | sets cookie csrftoken                   |
// | POST   /auth/login                  | {username, password}                   | {user} or {mfa_required: true}          |
// | POST   /auth/login/totp             | {code} (TOTP or recovery code)         | {user}                                  |
// | POST   /auth/logout                 |                                        | {}                                      |
// | GET    /auth/me                     |                                        | User                                    |
// | GET    /users                       | ?limit&offset                          | {count, items: User[]}                  |
// | POST   /users                       | {username, email, password, is_superuser} | User                                 |
// | PUT    /users/{id}                  | {email?, password?, is_superuser?, is_active?} | User                            |
// | POST   /mfa/totp/begin              |                                        | {secret, otpauth_uri}                   |
// | POST   /mfa/totp/confirm            | {code}                                 | {recovery_codes: string[]}              |
// | POST   /mfa/disable                 | {code}                                 | {}                                      |
// | GET    /apikeys                     | ?limit&offset                          | {count, items: ApiKey[]}                |
// | POST   /apikeys                     | {name, expires_days?}                  | ApiKey with `key` (shown once)          |
// | DELETE /apikeys/{id}                |                                        | revokes; {} or ApiKey                   |
// | GET    /auditlog                    | ?action&resource_type&username&since&until&limit&offset | {count, items: AuditEntry[]} |
// | GET    /auditlog/{id}               |                                        | AuditEntry with before/after            |
// | GET    /collection                  | ?limit&offset&entity_type&query        | CollectionPage                          |
// | POST   /resolve                     | {sub, trust_anchor?, entity_type?: []} | ResolveResult                           |
// | GET    /server/status               |                                        | ServerStatus                            |
// | GET    /server/federation_health    |                                        | FederationHealth (always 200)           |
// | POST   /server/entity               |                                        | publishes the entity configuration      |
// | POST   /server/historical_keys      |                                        | publishes the historical keys JWT       |
// | GET    /trustmarktypes              | ?limit&offset                          | {count, items: TrustMarkType[]}         |
// | POST   /trustmarktypes              | TrustMarkTypeInput                     | TrustMarkType (403 + existing if dup)   |
// | GET    /trustmarktypes/{id}         |                                        | TrustMarkType                           |
// | PUT    /trustmarktypes/{id}         | TrustMarkTypeInput (partial)           | TrustMarkType                           |
// | GET    /trustmarks                  | ?limit&offset                          | {count, items: TrustMark[]}             |
// | POST   /trustmarks                  | TrustMarkInput                         | TrustMark                               |
// | POST   /trustmarks/list             | {domain}                               | {count, items: TrustMark[]}             |
// | POST   /trustmarks/{id}/renew       |                                        | TrustMark                               |
// | PUT    /trustmarks/{id}             | {active?, autorenew?, ...}             | TrustMark (active:false revokes)        |
// | GET    /subordinates                | ?limit&offset                          | {count, items: Subordinate[]}           |
// | POST   /subordinates                | SubordinateInput                       | Subordinate                             |
// | GET    /subordinates/{id}           |                                        | Subordinate                             |
// | POST   /subordinates/{id}           | SubordinateInput (update)              | Subordinate                             |
// | POST   /subordinates/{id}/renew     |                                        | Subordinate                             |
// | POST   /subordinates/fetch-config   | {entityid}                             | {entity_configuration: {jwt, payload}, metadata, jwks, authority_hints, trust_marks} |
//
// The audit log's since and until are ISO 8601 UTC times (2026-01-02T03:04:05.000Z).
// POST /trustmarks takes `tmt`, the trust mark type's id; subordinates send
// required_trustmarks as an array of trust mark type URLs.

/** JSON object as the API sends it. */
export type JsonObject = { [key: string]: unknown };

/** Page of a list route. */
export interface ListPage<T> {
    count: number;
    items: T[];
}

/** Paging and filter parameters of a list route. */
export interface ListQuery {
    limit?: number;
    offset?: number;
}

export interface User {
    id: number;
    username: string;
    email: string;
    is_superuser: boolean;
    mfa_enabled: boolean;
    is_active?: boolean;
}

export interface UserInput {
    username: string;
    email: string;
    password: string;
    is_superuser: boolean;
}

export interface UserUpdate {
    email?: string;
    password?: string;
    is_superuser?: boolean;
    is_active?: boolean;
}

/** Response of POST /auth/login: either the user or a request for the TOTP step. */
export interface LoginResult {
    user?: User;
    mfa_required?: boolean;
}

export interface TotpEnrolment {
    secret: string;
    otpauth_uri: string;
}

export interface ApiKey {
    id: number;
    name: string;
    prefix: string;
    /** The full key; present only in the response that created it. */
    key?: string;
    expires_at: string | null;
    created_at?: string;
    last_used_at?: string | null;
    active?: boolean;
    owner?: string;
}

export interface AuditQuery extends ListQuery {
    action?: string;
    resource_type?: string;
    username?: string;
    since?: string;
    until?: string;
}

export interface AuditEntry {
    id: number;
    at: string;
    username: string;
    auth_method: string;
    client_address: string;
    action: string;
    resource_type: string;
    resource_id: string | number | null;
    before: unknown;
    after: unknown;
    result: string;
}

export interface CollectionEntity {
    entity_id: string;
    entity_types: string[];
    ui_infos?: Record<string, JsonObject>;
    trust_marks?: JsonObject[];
    superiors: string[];
}

export interface CollectionQuery extends ListQuery {
    entity_type?: string;
    query?: string;
}

export interface CollectionPage extends ListPage<CollectionEntity> {
    last_updated: number | null;
    trust_anchor: string | null;
}

/** A JWT as the API returns it, with header and payload already decoded. */
export interface DecodedStatement {
    jwt: string;
    header?: JsonObject;
    payload: JsonObject;
}

export interface ResolveRequest {
    sub: string;
    trust_anchor?: string;
    entity_type?: string[];
}

export interface ResolveResult {
    ok: boolean;
    chain: DecodedStatement[];
    merged_policy: JsonObject | null;
    metadata: JsonObject | null;
    exp: number | null;
    trust_marks: JsonObject[] | null;
    error?: string;
}

/** The federation server's /status plus what the admin adds. */
export interface ServerStatus {
    entity_id?: string;
    version?: string;
    status?: string;
    keys?: { public_keys?: number; historical_keys_available?: boolean };
    subordinates?: { direct?: number };
    trust_marks?: { types?: number; total_issued?: number };
    collection?: {
        total_entities?: number;
        openid_providers?: number;
        openid_relying_parties?: number;
        intermediates?: number;
        last_updated?: number | null;
    };
    health: JsonObject | string;
    entity_configuration: DecodedStatement | null;
    public_keys: JsonObject[];
    historical_keys: JsonObject | null;
}

/**
 * The federation server's own /health and /status as the admin fetched them from
 * `[admin] federation_server_url`. `configured` is false when that key is empty.
 */
export interface FederationHealth {
    configured: boolean;
    url: string | null;
    /** True when /health returned any HTTP response. */
    reachable: boolean;
    /** True when /health returned 200 with {"status": "ok"}. */
    healthy: boolean;
    http_status: number | null;
    /** Body of /health: JSON, or text when it was not JSON. */
    health: JsonObject | string | null;
    /** Body of /status (entity_id, version, keys, subordinates, trust_marks, collection). */
    status: JsonObject | null;
    latency_ms: number | null;
    error: string | null;
}

export interface TrustMarkType {
    id: number;
    tmtype: string;
    autorenew: boolean;
    valid_for: number;
    renewal_time: number;
    active: boolean;
}

export type TrustMarkTypeInput = Omit<TrustMarkType, 'id'>;

export interface TrustMark {
    id: number;
    tmt_id: number;
    domain: string;
    expire_at: string | number | null;
    autorenew: boolean;
    valid_for: number;
    renewal_time: number;
    active: boolean;
    mark: string | null;
    additional_claims: JsonObject | null;
}

export interface TrustMarkInput {
    tmt: number;
    domain: string;
    autorenew?: boolean;
    valid_for?: number;
    renewal_time?: number;
    active?: boolean;
    additional_claims?: JsonObject | null;
}

export interface TrustMarkUpdate {
    autorenew?: boolean;
    active?: boolean;
    additional_claims?: JsonObject | null;
}

export interface Subordinate {
    id: number;
    entityid: string;
    metadata: JsonObject;
    forced_metadata: JsonObject;
    jwks: JsonObject;
    required_trustmarks: string | string[] | null;
    valid_for: number | null;
    expire_at: string | number | null;
    autorenew: boolean;
    active: boolean;
    additional_claims: JsonObject | null;
    /** Set when a renewal found a change that waits for an operator's approval. */
    held_for_approval?: boolean;
    held_reason?: string | null;
}

export type SubordinateInput = Omit<Subordinate, 'id' | 'expire_at' | 'held_for_approval' | 'held_reason'>;

/** Copies the members of a subordinate that an update sends back, leaving out what the API added. */
export function subordinateInputOf(row: Subordinate): SubordinateInput {
    return {
        entityid: row.entityid,
        metadata: row.metadata,
        forced_metadata: row.forced_metadata,
        jwks: row.jwks,
        required_trustmarks: row.required_trustmarks,
        valid_for: row.valid_for,
        autorenew: row.autorenew,
        active: row.active,
        additional_claims: row.additional_claims,
    };
}

export interface FetchedConfig {
    entity_configuration: { jwt: string; payload: JsonObject };
    metadata: JsonObject;
    jwks: JsonObject;
    authority_hints?: string[];
    trust_marks?: JsonObject[];
}

/** Error response of the admin API, or a failure to reach it. */
export class ApiError extends Error {
    readonly status: number;
    readonly errorId: number | null;
    readonly body: unknown;

    constructor(status: number, message: string, errorId: number | null, body: unknown) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.errorId = errorId;
        this.body = body;
    }
}

/** Dependencies of the client on its environment; tests pass their own. */
export interface ApiClientOptions {
    /** Origin and prefix before /api/v1; empty for the page's own origin. */
    baseUrl?: string;
    fetchImpl?: typeof fetch;
    /** Reads a cookie by name; defaults to document.cookie. */
    readCookie?: (name: string) => string | null;
    /** Called on a 401 to a read outside /auth/, so the app can show the login view. */
    onUnauthorized?: () => void;
}

const kApiPrefix = '/api/v1';
const kCsrfCookie = 'csrftoken';
const kWriteMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const kSignInAgainHint =
    ' (signed out: sign in again in another tab, then retry here; your input is kept)';

/** Reads one cookie from a `document.cookie`-style string. */
export function parseCookie(cookieHeader: string, name: string): string | null {
    for (const part of cookieHeader.split(';')) {
        const separator = part.indexOf('=');
        if (separator < 0) {
            continue;
        }
        if (part.slice(0, separator).trim() === name) {
            return decodeURIComponent(part.slice(separator + 1).trim());
        }
    }
    return null;
}

function readDocumentCookie(name: string): string | null {
    if (typeof document === 'undefined') {
        return null;
    }
    return parseCookie(document.cookie, name);
}

/** Builds a query string from the defined, non-empty values only. */
export function buildQuery(params: object): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value === undefined || value === null || value === '') {
            continue;
        }
        search.append(key, String(value));
    }
    const text = search.toString();
    return text ? `?${text}` : '';
}

/** Turns a failed response into the message shown to the user. */
export function errorMessageFrom(status: number, statusText: string, body: unknown): string {
    if (body && typeof body === 'object') {
        const record = body as Record<string, unknown>;
        if (typeof record.message === 'string' && record.message) {
            return record.message;
        }
        if (typeof record.detail === 'string' && record.detail) {
            return record.detail;
        }
        if (typeof record.error_description === 'string' && record.error_description) {
            return record.error_description;
        }
    }
    if (typeof body === 'string' && body.trim() && body.length < 300) {
        return `${status} ${body.trim()}`;
    }
    return `Request failed with HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

/** Client for every admin route the UI uses; one instance per page. */
export class ApiClient {
    private readonly baseUrl: string;
    private readonly fetchImpl: typeof fetch;
    private readonly readCookie: (name: string) => string | null;
    private onUnauthorized?: () => void;

    constructor(options: ApiClientOptions = {}) {
        this.baseUrl = options.baseUrl ?? '';
        this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
        this.readCookie = options.readCookie ?? readDocumentCookie;
        this.onUnauthorized = options.onUnauthorized;
    }

    /** Sets the handler called on a 401 to a read outside /auth/. */
    setUnauthorizedHandler(handler: () => void): void {
        this.onUnauthorized = handler;
    }

    /**
     * Sends one request and parses the JSON response. Writes first make sure a CSRF cookie
     * exists. Throws ApiError with the API's message on any non-2xx response.
     */
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }
        if (kWriteMethods.has(method)) {
            headers['X-CSRFToken'] = await this.csrfToken();
        }

        let response: Response;
        try {
            response = await this.fetchImpl(`${this.baseUrl}${kApiPrefix}${path}`, {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
                credentials: 'same-origin',
            });
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new ApiError(0, `Admin API not reachable: ${reason}`, null, null);
        }

        const parsed = await readBody(response);
        if (!response.ok) {
            let message = errorMessageFrom(response.status, response.statusText, parsed);
            if (response.status === 401 && !path.startsWith('/auth/')) {
                // A read leaves for the login view. A write stays, so the form keeps what
                // the user typed and can be sent again after signing in elsewhere.
                if (kWriteMethods.has(method)) {
                    message += kSignInAgainHint;
                } else {
                    this.onUnauthorized?.();
                }
            }
            const record = parsed && typeof parsed === 'object' ? parsed : {};
            const errorId = (record as Record<string, unknown>).id;
            throw new ApiError(
                response.status,
                message,
                typeof errorId === 'number' ? errorId : null,
                parsed,
            );
        }
        return parsed as T;
    }

    /** Returns the CSRF token, asking the API to set the cookie when it is missing. */
    async csrfToken(): Promise<string> {
        const existing = this.readCookie(kCsrfCookie);
        if (existing) {
            return existing;
        }
        const response = await this.request<{ csrftoken?: string } | null>('GET', '/auth/csrf');
        const token = this.readCookie(kCsrfCookie) ?? response?.csrftoken ?? null;
        if (!token) {
            throw new ApiError(0, 'The admin API set no csrftoken cookie', null, null);
        }
        return token;
    }

    // Session and users.

    login(username: string, password: string): Promise<LoginResult> {
        return this.request('POST', '/auth/login', { username, password });
    }

    loginTotp(code: string): Promise<LoginResult> {
        return this.request('POST', '/auth/login/totp', { code });
    }

    logout(): Promise<unknown> {
        return this.request('POST', '/auth/logout');
    }

    me(): Promise<User> {
        return this.request('GET', '/auth/me');
    }

    listUsers(query: ListQuery = {}): Promise<ListPage<User>> {
        return this.request('GET', `/users${buildQuery(query)}`);
    }

    createUser(input: UserInput): Promise<User> {
        return this.request('POST', '/users', input);
    }

    updateUser(id: number, update: UserUpdate): Promise<User> {
        return this.request('PUT', `/users/${id}`, update);
    }

    beginTotp(): Promise<TotpEnrolment> {
        return this.request('POST', '/mfa/totp/begin');
    }

    confirmTotp(code: string): Promise<{ recovery_codes: string[] }> {
        return this.request('POST', '/mfa/totp/confirm', { code });
    }

    disableMfa(code: string): Promise<unknown> {
        return this.request('POST', '/mfa/disable', { code });
    }

    // API keys and audit log.

    listApiKeys(query: ListQuery = {}): Promise<ListPage<ApiKey>> {
        return this.request('GET', `/apikeys${buildQuery(query)}`);
    }

    createApiKey(name: string, expiresDays?: number): Promise<ApiKey> {
        const body: { name: string; expires_days?: number } = { name };
        if (expiresDays !== undefined) {
            body.expires_days = expiresDays;
        }
        return this.request('POST', '/apikeys', body);
    }

    revokeApiKey(id: number): Promise<unknown> {
        return this.request('DELETE', `/apikeys/${id}`);
    }

    listAudit(query: AuditQuery = {}): Promise<ListPage<AuditEntry>> {
        return this.request('GET', `/auditlog${buildQuery(query)}`);
    }

    auditEntry(id: number): Promise<AuditEntry> {
        return this.request('GET', `/auditlog/${id}`);
    }

    // Federation data.

    collection(query: CollectionQuery = {}): Promise<CollectionPage> {
        return this.request('GET', `/collection${buildQuery(query)}`);
    }

    resolve(request: ResolveRequest): Promise<ResolveResult> {
        return this.request('POST', '/resolve', request);
    }

    serverStatus(): Promise<ServerStatus> {
        return this.request('GET', '/server/status');
    }

    federationHealth(): Promise<FederationHealth> {
        return this.request('GET', '/server/federation_health');
    }

    publishEntity(): Promise<unknown> {
        return this.request('POST', '/server/entity');
    }

    publishHistoricalKeys(): Promise<unknown> {
        return this.request('POST', '/server/historical_keys');
    }

    // Trust mark types and trust marks.

    listTrustMarkTypes(query: ListQuery = {}): Promise<ListPage<TrustMarkType>> {
        return this.request('GET', `/trustmarktypes${buildQuery(query)}`);
    }

    createTrustMarkType(input: TrustMarkTypeInput): Promise<TrustMarkType> {
        return this.request('POST', '/trustmarktypes', input);
    }

    updateTrustMarkType(id: number, input: Partial<TrustMarkTypeInput>): Promise<TrustMarkType> {
        return this.request('PUT', `/trustmarktypes/${id}`, input);
    }

    listTrustMarks(query: ListQuery = {}): Promise<ListPage<TrustMark>> {
        return this.request('GET', `/trustmarks${buildQuery(query)}`);
    }

    // NOTE: the body {domain} follows the original admin's entity filter; if the C++ admin
    // names the member differently, only this line changes.
    trustMarksOf(domain: string): Promise<ListPage<TrustMark>> {
        return this.request('POST', '/trustmarks/list', { domain });
    }

    issueTrustMark(input: TrustMarkInput): Promise<TrustMark> {
        return this.request('POST', '/trustmarks', input);
    }

    renewTrustMark(id: number): Promise<TrustMark> {
        return this.request('POST', `/trustmarks/${id}/renew`);
    }

    updateTrustMark(id: number, update: TrustMarkUpdate): Promise<TrustMark> {
        return this.request('PUT', `/trustmarks/${id}`, update);
    }

    revokeTrustMark(id: number): Promise<TrustMark> {
        return this.updateTrustMark(id, { active: false });
    }

    // Subordinates.

    listSubordinates(query: ListQuery = {}): Promise<ListPage<Subordinate>> {
        return this.request('GET', `/subordinates${buildQuery(query)}`);
    }

    subordinate(id: number): Promise<Subordinate> {
        return this.request('GET', `/subordinates/${id}`);
    }

    createSubordinate(input: SubordinateInput): Promise<Subordinate> {
        return this.request('POST', '/subordinates', input);
    }

    updateSubordinate(id: number, input: SubordinateInput): Promise<Subordinate> {
        return this.request('POST', `/subordinates/${id}`, input);
    }

    renewSubordinate(id: number): Promise<Subordinate> {
        return this.request('POST', `/subordinates/${id}/renew`);
    }

    fetchSubordinateConfig(entityid: string): Promise<FetchedConfig> {
        return this.request('POST', '/subordinates/fetch-config', { entityid });
    }
}

async function readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) {
        return null;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** The client the views share. */
export const api = new ApiClient();
