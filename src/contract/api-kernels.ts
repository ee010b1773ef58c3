// Kernels over REST: the kernelspecs the studio offers, a workspace's kernels and their lifecycle, and a
// workspace's network permission for its kernels. Live traffic (running cells, outputs) goes over the kernel
// socket (kernel-socket.ts).
import { Type, type Static } from "typebox";
import { MAX_PATH_BYTES, UUID_PATTERN } from "./limits.ts";
import { WorkspaceParams } from "./api-workspaces.ts";

/** Longest kernelspec name (a folder name under kernels/). */
export const MAX_KERNELSPEC_NAME_LENGTH = 128;

const KernelId = Type.String({ pattern: UUID_PATTERN, description: "kernel id" });

export const KernelSpecInfo = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  language: Type.String(),
});
export type KernelSpecInfo = Static<typeof KernelSpecInfo>;

export const KernelSpecList = Type.Object(
  {
    kernelspecs: Type.Array(KernelSpecInfo),
    /** Whether this server can start kernels at all, and if not, what its host needs. */
    available: Type.Boolean(),
    unavailableReason: Type.Optional(Type.String()),
  },
  { description: "the kernels this studio may start" },
);
export type KernelSpecList = Static<typeof KernelSpecList>;

export const KernelState = Type.Enum(["starting", "idle", "busy", "restarting", "dead"], { type: "string" });
export type KernelState = Static<typeof KernelState>;

export const KernelInfo = Type.Object(
  {
    id: KernelId,
    workspace: Type.String(),
    path: Type.String({ description: "the file the kernel was started for" }),
    kernelspec: Type.String(),
    state: KernelState,
    /** The code of why a dead kernel died (kernel_died, ...). */
    reason: Type.Optional(Type.String()),
    startedAt: Type.String({ description: "ISO 8601" }),
    startedBy: Type.String({ description: "user name" }),
    network: Type.Boolean({ description: "whether the kernel reaches out through the studio's egress proxy" }),
  },
  { description: "a running kernel" },
);
export type KernelInfo = Static<typeof KernelInfo>;

export const KernelList = Type.Object({ kernels: Type.Array(KernelInfo) }, { description: "a workspace's kernels" });
export type KernelList = Static<typeof KernelList>;

export const StartKernelBody = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES, description: "the file of the workspace to run" }),
    kernelspec: Type.Optional(
      Type.String({ minLength: 1, maxLength: MAX_KERNELSPEC_NAME_LENGTH, description: "default: python3" }),
    ),
  },
  { additionalProperties: false },
);
export type StartKernelBody = Static<typeof StartKernelBody>;

export const KernelParams = Type.Object(
  { ws: WorkspaceParams.properties.ws, id: KernelId },
  { additionalProperties: false },
);
export type KernelParams = Static<typeof KernelParams>;

export const KernelNetwork = Type.Object(
  { allowed: Type.Boolean({ description: "whether the workspace's kernels started from now on may reach out" }) },
  { additionalProperties: false, description: "the workspace's network permission for kernels" },
);
export type KernelNetwork = Static<typeof KernelNetwork>;
