/** The dashboard's entry point. The pages themselves are the dashboard issue's work. */
import { render } from "preact";

function App() {
  return (
    <main>
      <h1>Flightdeck</h1>
      <p>The control plane is running. The API is at /api; the dashboard pages are on their way.</p>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
