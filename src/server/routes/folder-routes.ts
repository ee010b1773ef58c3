// Folders: list the kept ones, make one, move one with its files, send one to the trash and restore it.

import { withErrors } from "../../contract/api-answers.ts";
import { CreatedFolder, FolderBody, FolderList, MovedFolder, TrashedFolder } from "../../contract/api-folders.ts";
import { FileParams, TrashParams } from "../../contract/api-files.ts";
import { WorkspaceParams } from "../../contract/api-workspaces.ts";
import { createFolder, listFolders, moveFolder, restoreFolder, trashFolder } from "../folders.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { auditContext, signedIn } from "./audit-context.ts";

export const folderRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db } = studio;

  app.get(
    "/api/workspaces/:ws/folders",
    {
      schema: {
        summary: "Folders kept as their own, empty or not",
        tags: ["files"],
        params: WorkspaceParams,
        response: withErrors({ 200: FolderList }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { folders: await listFolders(studio, access.id) };
    },
  );

  app.post(
    "/api/workspaces/:ws/folders",
    {
      schema: {
        summary: "Make an empty folder (editor)",
        description:
          "`path` follows the folder part of a file path's rules (the same codes). A folder that exists, as its own or through its files, refuses it (409 `folder_exists`); so does a file of that name (409 `path_taken`). Audited as `folder_created`.",
        tags: ["files"],
        params: WorkspaceParams,
        body: FolderBody,
        response: withErrors({ 201: CreatedFolder }),
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "editor");
      return reply.code(201).send(await createFolder(studio, access, user, request.body.path, auditContext(request)));
    },
  );

  app.patch(
    "/api/workspaces/:ws/folders/*",
    {
      schema: {
        summary: "Move or rename a folder with every file under it (editor)",
        description:
          "`path` is the folder's new path. Every file under the folder moves in one transaction, or none does. Refused before anything moves: a folder that exists at the new path (409 `folder_exists`; folders are not merged), a file named as the new path (409 `path_taken`), a folder moved into itself (400 `folder_into_itself`), a new file path the name rules refuse (their codes), no such folder (404 `folder_not_found`). Each file is audited as `file_moved` with the folder move; running kernels follow their files.",
        tags: ["files"],
        params: FileParams,
        body: FolderBody,
        response: withErrors({ 200: MovedFolder }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      const moved = await moveFolder(studio, access, request.params["*"], request.body.path, auditContext(request));
      for (const file of moved.files) studio.kernels.followMove(access.id, file.from, file.to);
      return moved;
    },
  );

  app.delete(
    "/api/workspaces/:ws/folders/*",
    {
      schema: {
        summary: "Move a folder's files to the trash together (editor)",
        description:
          "Every file under the folder goes to the trash in one transaction, each keeping its path; the trash lists them with the folder (`folder`). Each is audited as `file_trashed`. 404 `folder_not_found` when there is no such folder.",
        tags: ["files"],
        params: FileParams,
        response: withErrors({ 200: TrashedFolder }),
      },
    },
    async (request) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "editor");
      return trashFolder(studio, access, user, request.params["*"], auditContext(request));
    },
  );

  app.post(
    "/api/workspaces/:ws/trash/:id/restore-folder",
    {
      schema: {
        summary: "Restore the folder a trashed file went to the trash with, and all its files (owner)",
        description:
          "Restores every file that went to the trash with the same folder at the same moment, in one transaction, and the folder. A live file at any of their paths refuses it (409 `path_taken`, nothing restored); a file trashed alone is refused (400 `not_trashed_with_folder`).",
        tags: ["files"],
        params: TrashParams,
        response: withErrors({ 200: TrashedFolder }),
      },
    },
    async (request) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "owner");
      return restoreFolder(studio, access, user, request.params.id, auditContext(request));
    },
  );
};
