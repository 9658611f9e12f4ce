// The signed-in user, shared by the views.

import { ref } from 'vue';
import { api, type User } from './api';

/** The current user; null before login or after logout. */
export const currentUser = ref<User | null>(null);

/** Set once the first /auth/me request finished, so the router can decide on the login view. */
export const sessionChecked = ref(false);

/** Asks the API who is signed in; a 401 or 403 leaves the user empty. */
export async function refreshSession(): Promise<void> {
    try {
        currentUser.value = await api.me();
    } catch {
        currentUser.value = null;
    } finally {
        sessionChecked.value = true;
    }
}
