// Check of the entity logo URLs the UI may load. Same-origin logos are allowed, and so
// are those from origins listed in VITE_LOGO_ORIGINS at build time. The same list goes
// into the page's CSP img-src.

const allowedOrigins = new Set(
    String(import.meta.env.VITE_LOGO_ORIGINS ?? '').split(/\s+/).filter(Boolean),
);

/** Returns the logo URL when it may be loaded, else null. */
export function allowedLogoUrl(uri: unknown, pageOrigin: string = window.location.origin): string | null {
    if (typeof uri !== 'string' || !uri) {
        return null;
    }
    let url: URL;
    try {
        url = new URL(uri, pageOrigin);
    } catch {
        return null;
    }
    if (url.origin === pageOrigin || allowedOrigins.has(url.origin)) {
        return url.href;
    }
    return null;
}
