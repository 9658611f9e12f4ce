// Vite build of the admin web UI. Everything is bundled into dist/ so the page
// loads nothing from other hosts; the dev server proxies /api/ to a local admin.
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

const adminUrl = process.env.INMOR_ADMIN_URL ?? 'http://127.0.0.1:8000';

// Origins whose entity logos may be shown, space-separated (for example
// "https://logos.example.org"). Empty by default, so only same-origin logos load.
const logoOrigins = (process.env.VITE_LOGO_ORIGINS ?? '').trim();

export default defineConfig({
    plugins: [
        vue(),
        {
            name: 'inmor-logo-origins',
            transformIndexHtml: (html) => html.replace('%INMOR_LOGO_ORIGINS%', logoOrigins),
        },
    ],
    base: '/',
    build: {
        outDir: 'dist',
        assetsInlineLimit: 0,
        sourcemap: false,
    },
    server: {
        host: '127.0.0.1',
        port: 5173,
        proxy: { '/api/': { target: adminUrl, changeOrigin: false } },
    },
    test: {
        include: ['tests/unit/**/*.test.ts'],
        environment: 'node',
    },
});
