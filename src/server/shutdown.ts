// How the studio stops on SIGTERM or SIGINT, within a bound whatever its pages hold open: requests in flight get a
// grace period to finish, then every connection still open is cut; kernel sockets are closed at once with "going
// away" (their pages reconnect to a studio that starts again); kernels are asked to shut down, then killed.
import type { FastifyInstance } from "fastify";
import type { WebSocketServer } from "ws";
import type { StudioKernels } from "./kernels.ts";

/** How long requests in flight (an upload arriving, a download being read) have to finish once stopping starts. */
export const REQUEST_GRACE_MS = 2_000;
/** How long kernels have to end on a shutdown request before their process groups are killed. */
export const KERNEL_GRACE_MS = 2_000;
/** RFC 6455, 7.4.1: the endpoint is going away (a server going down). */
export const WEBSOCKET_GOING_AWAY = 1001;

/**
 * Closes an origin: no new connections, idle keep-alive connections dropped at once (fastify's
 * forceCloseConnections "idle"), WebSockets closed with "going away", requests in flight allowed REQUEST_GRACE_MS;
 * after that every connection left, WebSockets included, is cut.
 */
export async function closeOrigin(app: FastifyInstance): Promise<void> {
  // Upgraded connections are no longer the HTTP server's to close: they are closed here, by the WebSocket server.
  const sockets = (app as FastifyInstance & { websocketServer?: WebSocketServer }).websocketServer?.clients;
  for (const socket of sockets ?? []) socket.close(WEBSOCKET_GOING_AWAY, "the server is stopping");
  const cut = setTimeout(() => {
    app.server.closeAllConnections();
    for (const socket of sockets ?? []) socket.terminate();
  }, REQUEST_GRACE_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/** Shuts every kernel down; those still running after KERNEL_GRACE_MS are killed with their process groups. */
export async function closeKernels(kernels: StudioKernels): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), KERNEL_GRACE_MS)));
  const closed = kernels.close();
  try {
    if ((await Promise.race([closed.then(() => "closed" as const), late])) === "late") kernels.manager.killAll();
  } finally {
    clearTimeout(timer);
  }
  await closed;
}
