// An account's colour theme for the studio's pages.
import { Type, type Static } from "typebox";

export const Theme = Type.Union([Type.Literal("light"), Type.Literal("dark"), Type.Literal("system")], {
  description: '"system" follows the browser\'s preference',
});
export type Theme = Static<typeof Theme>;

export const ThemeBody = Type.Object({ theme: Theme }, { additionalProperties: false });
export type ThemeBody = Static<typeof ThemeBody>;

export const ThemeAnswer = Type.Object({ theme: Theme }, { description: "the account's colour theme" });
export type ThemeAnswer = Static<typeof ThemeAnswer>;
