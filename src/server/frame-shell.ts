// The output frame shell on the content origin (src/web/frame): the document every output frame of the studio
// loads, with the frame policy as a header, its module, and the libraries outputs draw with.
import { studioFrameShellCsp } from "../contract/content-security-policy.ts";
import { AppError, notFound } from "./errors.ts";
import { registerFrameLibraries } from "./frame-libraries.ts";
import type { BundleFile } from "./static-bundle.ts";
import { bundleOrNotice, FRAME_BUILD_DIR, sendBundleFile } from "./studio-ui.ts";
import type { StudioRoutePlugin } from "./studio.ts";

export const frameShell: StudioRoutePlugin = async (app, { studio }) => {
  const files = bundleOrNotice(FRAME_BUILD_DIR, "/frame/", app.log);
  const lookup = (path: string): BundleFile => {
    if (files instanceof AppError) throw files;
    const file = files.get(path);
    if (!file) throw notFound();
    return file;
  };
  const policy = studioFrameShellCsp(studio.config.appUrl.origin);
  app.get("/frame/", async (request, reply) => {
    const file = lookup("/frame/index.html");
    reply.header("content-security-policy", policy);
    return sendBundleFile(reply, request.headers["if-none-match"], file);
  });
  app.get("/frame/assets/*", async (request, reply) => {
    const file = lookup(request.url.split("?", 1)[0]!);
    // The frame's origin is opaque, so the browser fetches its module in CORS mode from origin "null": these are
    // public, cookieless files, readable by anyone.
    reply.header("access-control-allow-origin", "*");
    return sendBundleFile(reply, request.headers["if-none-match"], file);
  });
  registerFrameLibraries(app);
};
