// The signed-in person's trusted domains and trusted external applications (URL schemes).
import { Type, type Static } from "typebox";
import { MAX_DOMAIN_LENGTH, MAX_SCHEME_LENGTH } from "./limits.ts";

export const DomainBody = Type.Object(
  { domain: Type.String({ minLength: 1, maxLength: MAX_DOMAIN_LENGTH }) },
  { additionalProperties: false },
);
export type DomainBody = Static<typeof DomainBody>;
export const DomainParams = Type.Object(
  { domain: Type.String({ maxLength: MAX_DOMAIN_LENGTH }) },
  { additionalProperties: false },
);
export type DomainParams = Static<typeof DomainParams>;
export const TrustedDomain = Type.Object(
  { domain: Type.String({ description: "lower case, punycode" }) },
  { description: "the domain as it is now trusted" },
);
export type TrustedDomain = Static<typeof TrustedDomain>;
export const TrustedDomains = Type.Object(
  { domains: Type.Array(Type.String()) },
  { description: "your trusted domains" },
);
export type TrustedDomains = Static<typeof TrustedDomains>;

export const SchemeBody = Type.Object(
  { scheme: Type.String({ minLength: 1, maxLength: MAX_SCHEME_LENGTH }) },
  { additionalProperties: false },
);
export type SchemeBody = Static<typeof SchemeBody>;
export const SchemeParams = Type.Object(
  { scheme: Type.String({ maxLength: MAX_SCHEME_LENGTH }) },
  { additionalProperties: false },
);
export type SchemeParams = Static<typeof SchemeParams>;
export const TrustedApplication = Type.Object(
  {
    scheme: Type.String({ description: "lower case, without the colon" }),
  },
  { description: "the application as it is now trusted" },
);
export type TrustedApplication = Static<typeof TrustedApplication>;
export const TrustedApplications = Type.Object(
  { applications: Type.Array(Type.String()) },
  { description: "your trusted applications' URL schemes" },
);
export type TrustedApplications = Static<typeof TrustedApplications>;
