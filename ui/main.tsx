/** The dashboard's entry point: styles, then the shell. Pages load lazily from routes.tsx. */
import { render } from "preact";
import { App } from "./app";
import "./styles.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
