// Tests of the dashboard's federation server summary (badge state, facts, message).
import { describe, expect, it } from 'vitest';
import type { FederationHealth } from '../../src/api';
import { kFederationServerUrlKey, summarizeFederationHealth } from '../../src/federation_health';

function probe(fields: Partial<FederationHealth>): FederationHealth {
    return {
        configured: true, url: 'http://127.0.0.1:8080', reachable: true, healthy: true,
        http_status: 200, health: { status: 'ok' }, status: null, latency_ms: 12, error: null,
        ...fields,
    };
}

const kStatus = {
    entity_id: 'https://ta.test',
    version: '0.1.0',
    status: 'ok',
    keys: { public_keys: 2, historical_keys_available: true },
    subordinates: { direct: 3 },
    trust_marks: { types: ['https://ta.test/tm/a', 'https://ta.test/tm/b'], total_issued: 5 },
    collection: { total_entities: 7, openid_providers: 1, openid_relying_parties: 2,
        intermediates: 1, last_updated: 1_700_000_000 },
};

describe('summarizeFederationHealth', () => {
    it('shows a healthy server as up with its /status facts', () => {
        const summary = summarizeFederationHealth(probe({ status: kStatus }));

        expect(summary.state).toBe('up');
        expect(summary.label).toBe('up');
        expect(summary.message).toBeNull();
        expect(summary.facts).toEqual([
            ['URL', 'http://127.0.0.1:8080'],
            ['HTTP status of /health', '200'],
            ['Latency', '12 ms'],
            ['Entity ID', 'https://ta.test'],
            ['Version', '0.1.0'],
            ['Status', 'ok'],
            ['Public keys', '2'],
            ['Historical keys published', 'yes'],
            ['Subordinates', '3'],
            ['Trust mark types', '2'],
            ['Trust marks issued', '5'],
            ['Entities in the collection', '7'],
            ['Last collection walk', '2023-11-14 22:13 UTC'],
        ]);
    });

    it('lists scalar /status members it has no label for under their name', () => {
        const status = { ...kStatus, uptime_seconds: 3600, store: 'redis', extra: { a: 1 } };

        const facts = summarizeFederationHealth(probe({ status })).facts;

        expect(facts).toContainEqual(['uptime_seconds', '3600']);
        expect(facts).toContainEqual(['store', 'redis']);
        expect(facts.map(([term]) => term)).not.toContain('extra');
    });

    it('shows an unreachable server as down with the error', () => {
        const error = 'fetching http://127.0.0.1:9/health failed: Could not connect to server';

        const summary = summarizeFederationHealth(probe({
            reachable: false, healthy: false, http_status: null, health: null, latency_ms: null,
            error,
        }));

        expect(summary.state).toBe('down');
        expect(summary.label).toBe('down');
        expect(summary.message).toBe(error);
        expect(summary.facts).toEqual([['URL', 'http://127.0.0.1:8080']]);
    });

    it('shows an error status from /health as failing', () => {
        const summary = summarizeFederationHealth(probe({
            healthy: false, http_status: 503,
            health: { status: 'error', detail: 'redis unavailable' },
            error: 'fetching http://127.0.0.1:8080/health failed: HTTP status 503: redis unavailable',
        }));

        expect(summary.state).toBe('failing');
        expect(summary.message).toContain('redis unavailable');
        expect(summary.facts).toContainEqual(['HTTP status of /health', '503']);
    });

    it('names the configuration key when no server is configured', () => {
        const summary = summarizeFederationHealth({
            configured: false, url: null, reachable: false, healthy: false, http_status: null,
            health: null, status: null, latency_ms: null, error: null,
        });

        expect(summary.state).toBe('unconfigured');
        expect(summary.label).toBe('not configured');
        expect(summary.facts).toEqual([]);
        expect(summary.message).toContain(kFederationServerUrlKey);
        expect(kFederationServerUrlKey).toBe('[admin] federation_server_url');
    });

    it('shows dashes for /status members that are missing', () => {
        const facts = summarizeFederationHealth(probe({ status: { entity_id: 'https://ta.test' } }))
            .facts;

        expect(facts).toContainEqual(['Version', '—']);
        expect(facts).toContainEqual(['Trust mark types', '—']);
        expect(facts).toContainEqual(['Last collection walk', '—']);
    });
});
