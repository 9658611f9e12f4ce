// Routes of the single-page app. Hash history, so the admin can serve index.html at /
// without rewriting other paths to it.
import { createRouter, createWebHashHistory } from 'vue-router';
import { currentUser, refreshSession, sessionChecked } from './session';
import { api } from './api';

/** Views in navigation order; `title` is the link text and the page heading. */
export const navigation = [
    { path: '/', name: 'dashboard', title: 'Dashboard' },
    { path: '/subordinates', name: 'subordinates', title: 'Subordinates' },
    { path: '/trustmarktypes', name: 'trustmarktypes', title: 'Trust mark types' },
    { path: '/trustmarks', name: 'trustmarks', title: 'Trust marks' },
    { path: '/tree', name: 'tree', title: 'Federation tree' },
    { path: '/resolve', name: 'resolve', title: 'Resolve inspector' },
    { path: '/server', name: 'server', title: 'Server' },
    { path: '/apikeys', name: 'apikeys', title: 'API keys' },
    { path: '/auditlog', name: 'auditlog', title: 'Audit log' },
    { path: '/users', name: 'users', title: 'Users and MFA' },
] as const;

const views: Record<string, () => Promise<unknown>> = {
    dashboard: () => import('./views/DashboardView.vue'),
    subordinates: () => import('./views/SubordinatesView.vue'),
    trustmarktypes: () => import('./views/TrustMarkTypesView.vue'),
    trustmarks: () => import('./views/TrustMarksView.vue'),
    tree: () => import('./views/TreeView.vue'),
    resolve: () => import('./views/ResolveView.vue'),
    server: () => import('./views/ServerView.vue'),
    apikeys: () => import('./views/ApiKeysView.vue'),
    auditlog: () => import('./views/AuditLogView.vue'),
    users: () => import('./views/UsersView.vue'),
};

export const router = createRouter({
    history: createWebHashHistory(),
    routes: [
        { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'),
          meta: { title: 'Sign in', public: true } },
        ...navigation.map((item) => ({
            path: item.path,
            name: item.name,
            component: views[item.name] as never,
            meta: { title: item.title },
        })),
        { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
});

router.beforeEach(async (to) => {
    if (!sessionChecked.value) {
        await refreshSession();
    }
    if (!to.meta.public && !currentUser.value) {
        return { name: 'login', query: { next: to.fullPath } };
    }
    return true;
});

router.afterEach((to) => {
    document.title = `${String(to.meta.title ?? 'Admin')} · Inmor trust anchor`;
});

api.setUnauthorizedHandler(() => {
    currentUser.value = null;
    if (router.currentRoute.value.name !== 'login') {
        void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
    }
});
