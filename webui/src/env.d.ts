// Types for Vite's import.meta.env and .vue single-file components.
/// <reference types="vite/client" />

interface ImportMetaEnv {
    readonly VITE_LOGO_ORIGINS?: string;
}

declare module '*.vue' {
    import type { DefineComponent } from 'vue';
    const component: DefineComponent<object, object, unknown>;
    export default component;
}
