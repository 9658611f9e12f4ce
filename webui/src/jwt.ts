// Decoding of JWTs for display. Nothing here verifies a signature: the admin API and the
// federation server verify; the UI only shows what a token contains.

import type { JsonObject } from './api';

/** A JWT split into its parts, header and payload parsed. */
export interface DecodedJwt {
    header: JsonObject;
    payload: JsonObject;
    signature: string;
}

/** Error for a string that is not a compact JWS with JSON header and payload. */
export class JwtFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'JwtFormatError';
    }
}

const kBase64UrlPattern = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url without padding (RFC 7515 section 2) into UTF-8 text. */
export function base64UrlDecode(input: string): string {
    if (!kBase64UrlPattern.test(input)) {
        throw new JwtFormatError('invalid base64url: only A-Z a-z 0-9 - _ are allowed');
    }
    if (input.length % 4 === 1) {
        throw new JwtFormatError('invalid base64url: length leaves a dangling character');
    }
    const base64 = input.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        throw new JwtFormatError('invalid base64url: bytes are not UTF-8');
    }
}

/** Encodes UTF-8 text as base64url without padding. */
export function base64UrlEncode(text: string): string {
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    for (const byte of bytes) {
        binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parsePart(part: string, name: string): JsonObject {
    let text: string;
    try {
        text = base64UrlDecode(part);
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new JwtFormatError(`JWT ${name}: ${reason}`);
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new JwtFormatError(`JWT ${name} is not valid JSON`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new JwtFormatError(`JWT ${name} is not a JSON object`);
    }
    return value as JsonObject;
}

/** Splits a compact JWS and parses its header and payload; throws JwtFormatError. */
export function decodeJwt(token: string): DecodedJwt {
    const parts = token.trim().split('.');
    if (parts.length !== 3) {
        throw new JwtFormatError(`JWT must have 3 parts separated by dots, found ${parts.length}`);
    }
    return {
        header: parsePart(parts[0], 'header'),
        payload: parsePart(parts[1], 'payload'),
        signature: parts[2],
    };
}

/** Decodes a JWT, or returns null for anything that is not one. */
export function tryDecodeJwt(token: unknown): DecodedJwt | null {
    if (typeof token !== 'string' || !token) {
        return null;
    }
    try {
        return decodeJwt(token);
    } catch {
        return null;
    }
}

/** Reads a NumericDate claim (seconds since the epoch) as a Date, or null. */
export function claimDate(payload: JsonObject, claim: string): Date | null {
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
        return null;
    }
    return new Date(value * 1000);
}

/** Seconds from `now` until `exp`; negative once expired, null without `exp`. */
export function secondsUntilExpiry(payload: JsonObject, now: Date = new Date()): number | null {
    const exp = claimDate(payload, 'exp');
    if (!exp) {
        return null;
    }
    return Math.floor((exp.getTime() - now.getTime()) / 1000);
}
