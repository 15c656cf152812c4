/**
 * `npm run build:ui`: builds the dashboard into ui/dist, touching only the files that changed, so
 * a control plane already serving it (`npm start`) does not reload for nothing (lib/dashboard-build.ts).
 */
import { buildDashboard } from "./lib/dashboard-build";

const { changed, removed } = await buildDashboard();
console.log(`flightdeck: dashboard built: ${changed.length} file(s) changed, ${removed.length} removed`);
