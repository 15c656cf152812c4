/**
 * Sign in with an API token. The token goes to the Worker once and comes back as an HttpOnly
 * session cookie; the page never stores it. Afterwards the user lands where they were going.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { errorMessage } from "./api/client";
import { createSession } from "./api/endpoints";
import { currentLocation, navigate } from "./lib/router";
import { safeNext, sessionExpired, sessionState } from "./stores/session";

export default function SignInPage() {
  const token = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  useEffect(() => {
    document.title = "Sign in · Flightdeck";
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await createSession(token.value.trim());
      sessionExpired.value = false;
      sessionState.value = "signed-in";
      navigate(safeNext(currentLocation.value.search.get("next")), { replace: true });
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };

  return (
    <main class="signin">
      <form class="signin-card" onSubmit={(e) => void submit(e)} data-testid="sign-in-form">
        <div class="brand signin-brand">
          <span class="brand-mark">◆</span> Flightdeck
        </div>
        <h1>Sign in</h1>
        {sessionExpired.value ? (
          <div class="notice" data-testid="session-expired">
            Your session ended. Sign in again to continue where you were.
          </div>
        ) : null}
        <label class="field">
          <span>API token</span>
          <input
            type="password"
            autoComplete="current-password"
            value={token.value}
            onInput={(e) => {
              token.value = e.currentTarget.value;
            }}
            placeholder="fd_admin_…"
            data-testid="sign-in-token"
          />
        </label>
        {error.value ? (
          <div class="notice notice-error" role="alert" data-testid="sign-in-error">
            {error.value}
          </div>
        ) : null}
        <button
          type="submit"
          class="btn btn-primary"
          disabled={busy.value || token.value.trim() === ""}
          data-testid="sign-in-submit"
        >
          {busy.value ? "Signing in…" : "Sign in"}
        </button>
        <p class="muted small">
          Use an API token, or the instance's admin token (the <code>ADMIN_TOKEN</code> secret). It is checked once and
          never kept: the dashboard holds a session in an HttpOnly cookie, which signing out ends.
        </p>
      </form>
    </main>
  );
}
