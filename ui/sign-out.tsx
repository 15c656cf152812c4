/** Signs out: the Worker clears the cookie; the page forgets the session and shows sign-in. */
import { deleteSession } from "./api/endpoints";
import { navigate } from "./lib/router";
import { SIGN_IN_PATH, sessionExpired, sessionState } from "./stores/session";

export function SignOutButton() {
  const signOut = async () => {
    try {
      await deleteSession();
    } finally {
      sessionExpired.value = false;
      sessionState.value = "signed-out";
      navigate(SIGN_IN_PATH, { replace: true });
    }
  };
  return (
    <button type="button" class="nav-item nav-button" data-testid="sign-out" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}
