/**
 * The path of a runner module that is handed to esbuild or Node by path rather than imported:
 * beside the calling module, with its extension — `.ts` when the runner runs from source (tsx, in
 * this repository), `.js` when it runs built from the installed package.
 */
import { dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function siblingModule(fromUrl: string, relativeStem: string): string {
  const from = fileURLToPath(fromUrl);
  return resolve(dirname(from), `${relativeStem}${extname(from)}`);
}
