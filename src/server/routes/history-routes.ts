// A file's history: its versions and how each was made, and the check of two versions the page compares.
import { withErrors } from "../../contract/api-answers.ts";
import { FileParams } from "../../contract/api-files.ts";
import { FileHistory, HistoryQuery } from "../../contract/api-history.ts";
import { fileHistory } from "../file-history.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { signedIn } from "./audit-context.ts";

export const historyRoutes: StudioRoutePlugin = async (app, { studio }) => {
  app.get(
    "/api/workspaces/:ws/history/*",
    {
      schema: {
        summary: "A file's versions with who made each, when and how; with ?from=A&to=B, the two versions to compare",
        description:
          "Each version says how it was made (`upload`, with the trust statement the uploader agreed to; `save`; `new`; or `unrecorded`). With `from` and `to`, `compare` holds the two versions (both of this file) and whether their bytes are identical; the studio's page fetches both and computes their difference in the browser. Refused: one of the two alone (400 `comparison_incomplete`), a version with itself (400 `same_version`), a number the file has no version of (404 `version_not_found`).",
        tags: ["files"],
        params: FileParams,
        querystring: HistoryQuery,
        response: withErrors({ 200: FileHistory }),
      },
    },
    async (request) => {
      const access = await requireRole(studio.db, request.params.ws, signedIn(request), "viewer");
      return fileHistory(studio, access.id, request.params["*"], request.query);
    },
  );
};
