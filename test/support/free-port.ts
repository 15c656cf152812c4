/** A free loopback port (the helper npm start uses too). */
export { freePort } from "../../scripts/lib/free-port";
