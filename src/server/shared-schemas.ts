// The schemas the API shares by reference (contract/api-components.ts), registered where routes can point at them.
import type { FastifyInstance } from "fastify";
import { sharedId } from "../contract/api-answers.ts";
import { SHARED_SCHEMAS } from "../contract/api-components.ts";

/**
 * Adds each shared schema unless the instance already has it: a plugin that uses them (the URL check) registers
 * them itself when it is mounted on its own, and finds them when it is mounted in the studio.
 */
export function registerSharedSchemas(app: FastifyInstance): void {
  for (const schema of SHARED_SCHEMAS) {
    if (app.getSchema(sharedId(schema)) === undefined) app.addSchema(schema);
  }
}
