// The dashboard's summary of the federation server, built from GET
// /server/federation_health: a state for the badge, the facts to list and a message.
import type { FederationHealth, JsonObject } from './api';
import { formatTime } from './format';

/** The configuration key that names the federation server, as the hint shows it. */
export const kFederationServerUrlKey = '[admin] federation_server_url';

/**
 * up: /health returned {"status": "ok"}. failing: the server returned an error status
 * or body. down: no HTTP response arrived. unconfigured: the key is empty.
 */
export type FederationServerState = 'up' | 'failing' | 'down' | 'unconfigured';

export interface FederationServerSummary {
    state: FederationServerState;
    /** Text of the badge. */
    label: string;
    /** Term and value pairs, in display order. */
    facts: [string, string][];
    /** The error, or the hint for an unconfigured server. Null when all is well. */
    message: string | null;
}

const kLabels: Record<FederationServerState, string> = {
    up: 'up', failing: 'failing', down: 'down', unconfigured: 'not configured',
};

/** /status members with a label of their own; other scalar members are listed by name. */
const kKnownStatusMembers = new Set([
    'entity_id', 'version', 'status', 'keys', 'subordinates', 'trust_marks', 'collection',
]);

function isObject(value: unknown): value is JsonObject {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function member(object: unknown, name: string): unknown {
    return isObject(object) ? object[name] : undefined;
}

/** Formats a scalar for display, with a dash for a missing value. */
function text(value: unknown): string {
    if (value === undefined || value === null || value === '') {
        return '—';
    }
    if (typeof value === 'boolean') {
        return value ? 'yes' : 'no';
    }
    return String(value);
}

/** Counts an array (the trust mark type list) or shows a number as it is. */
function countOf(value: unknown): string {
    return Array.isArray(value) ? String(value.length) : text(value);
}

function stateOf(health: FederationHealth): FederationServerState {
    if (!health.configured) {
        return 'unconfigured';
    }
    if (!health.reachable) {
        return 'down';
    }
    return health.healthy ? 'up' : 'failing';
}

/** Lists the /status facts the dashboard shows, known members first. */
function statusFacts(status: JsonObject): [string, string][] {
    const keys = member(status, 'keys');
    const collection = member(status, 'collection');
    const marks = member(status, 'trust_marks');
    const facts: [string, string][] = [
        ['Entity ID', text(status.entity_id)],
        ['Version', text(status.version)],
        ['Status', text(status.status)],
        ['Public keys', text(member(keys, 'public_keys'))],
        ['Historical keys published', text(member(keys, 'historical_keys_available'))],
        ['Subordinates', text(member(member(status, 'subordinates'), 'direct'))],
        ['Trust mark types', countOf(member(marks, 'types'))],
        ['Trust marks issued', text(member(marks, 'total_issued'))],
        ['Entities in the collection', text(member(collection, 'total_entities'))],
        ['Last collection walk', formatTime(member(collection, 'last_updated'))],
    ];
    // Members that a newer server adds (uptime, store, ...) are listed under their own name.
    for (const [name, value] of Object.entries(status)) {
        if (!kKnownStatusMembers.has(name) && !isObject(value) && !Array.isArray(value)) {
            facts.push([name, text(value)]);
        }
    }
    return facts;
}

/** Builds what the dashboard shows about the federation server. */
export function summarizeFederationHealth(health: FederationHealth): FederationServerSummary {
    const state = stateOf(health);
    if (state === 'unconfigured') {
        return {
            state,
            label: kLabels[state],
            facts: [],
            message: `Set ${kFederationServerUrlKey} in taconfig.toml (for example `
                + '"http://127.0.0.1:8080") and restart inmor-admin to see the federation '
                + "server's own health here.",
        };
    }

    const facts: [string, string][] = [['URL', text(health.url)]];
    if (health.http_status !== null) {
        facts.push(['HTTP status of /health', String(health.http_status)]);
    }
    if (health.latency_ms !== null) {
        facts.push(['Latency', `${health.latency_ms} ms`]);
    }
    if (isObject(health.status)) {
        facts.push(...statusFacts(health.status));
    }
    return { state, label: kLabels[state], facts, message: health.error };
}
