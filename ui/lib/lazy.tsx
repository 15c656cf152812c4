/**
 * Lazy pages: each page is its own chunk, fetched the first time its route is visited, so the
 * initial JavaScript holds only the shell. A chunk that fails to load (e.g. a deploy replaced it)
 * says so and offers a reload.
 */
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";

type Loaded<P> = { component: ComponentType<P> } | { error: unknown } | null;

export function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  const state = signal<Loaded<P>>(null);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    load().then(
      (mod) => {
        state.value = { component: mod.default };
      },
      (error: unknown) => {
        started = false;
        state.value = { error };
      },
    );
  };
  return function LazyPage(props: P) {
    start();
    const s = state.value;
    if (s === null) return <div class="loading">Loading…</div>;
    if ("error" in s) {
      return (
        <div class="notice notice-error" role="alert">
          This page could not be loaded.{" "}
          <button type="button" class="btn btn-small" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    const Page = s.component;
    return <Page {...props} />;
  };
}
