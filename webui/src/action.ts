// State of one user action: working, then success or the API's error message.

import { ref } from 'vue';
import { errorText } from './format';

/** Reactive state for one button or form. `run` catches every error into `error`. */
export function useAction() {
    const busy = ref(false);
    const error = ref<string | null>(null);
    const success = ref<string | null>(null);

    /**
     * Runs `work`, showing `successText` when it resolves and the error message when it
     * throws. Returns the result, or undefined after an error, so callers keep the form.
     */
    async function run<T>(work: () => Promise<T>, successText?: string): Promise<T | undefined> {
        busy.value = true;
        error.value = null;
        success.value = null;
        try {
            const result = await work();
            success.value = successText ?? null;
            return result;
        } catch (caught) {
            error.value = errorText(caught);
            return undefined;
        } finally {
            busy.value = false;
        }
    }

    function reset(): void {
        error.value = null;
        success.value = null;
    }

    return { busy, error, success, run, reset };
}

/** Return type of useAction, for props. */
export type ActionState = ReturnType<typeof useAction>;
