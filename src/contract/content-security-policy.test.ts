// Every policy pinned byte for byte: a change to one is a change to a security boundary, and must show up here.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appPageDirectives,
  contentBaselineCsp,
  DOWNLOAD_CSP,
  EXPORT_FRAME_CSP,
  exportPageCsp,
  IMAGE_PROXY_CSP,
  serializeCsp,
  studioFrameShellCsp,
  TRUSTED_TYPES_POLICY_NAME,
} from "./content-security-policy.ts";

test("the app page's policy", () => {
  assert.equal(
    serializeCsp(appPageDirectives("http://127.0.0.1:8081")),
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: http://127.0.0.1:8081; font-src 'self'; connect-src 'self'; frame-src http://127.0.0.1:8081; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types vitrine-sanitizer",
  );
  assert.equal(TRUSTED_TYPES_POLICY_NAME, "vitrine-sanitizer");
});

test("the content origin's baseline, image proxy answers and downloads", () => {
  assert.equal(
    contentBaselineCsp("https://studio.example"),
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors https://studio.example",
  );
  assert.equal(IMAGE_PROXY_CSP, "default-src 'none'; sandbox");
  assert.equal(DOWNLOAD_CSP, "sandbox");
});

test("the frame policies, byte for byte", () => {
  assert.equal(
    EXPORT_FRAME_CSP,
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'",
  );
  assert.equal(
    studioFrameShellCsp("http://localhost:8080"),
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src data:; font-src 'self' data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors http://localhost:8080",
  );
});

test("the export page's policy, with and without frames' style attributes and remote images", () => {
  assert.equal(
    exportPageCsp({ scripts: ["'sha256-sizer'"], styles: ["'sha256-css'"], styleAttributes: [], remoteImages: false }),
    "default-src 'none'; script-src 'sha256-sizer'; style-src 'sha256-css'; img-src data:; media-src data:; base-uri 'none'; form-action 'none'",
  );
  assert.equal(
    exportPageCsp({
      scripts: ["'sha256-sizer'", "'sha256-f1'", "'sha256-f2'"],
      styles: ["'sha256-css'", "'sha256-fs'"],
      styleAttributes: ["'sha256-a1'", "'sha256-a2'"],
      remoteImages: true,
    }),
    "default-src 'none'; script-src 'sha256-sizer' 'sha256-f1' 'sha256-f2'; style-src 'sha256-css' 'sha256-fs' 'unsafe-hashes' 'sha256-a1' 'sha256-a2'; img-src data: https: http:; media-src data:; base-uri 'none'; form-action 'none'",
  );
});

test("the export page allows fonts, from data: URLs only, exactly when its stylesheet embeds them", () => {
  const sources = { scripts: ["'sha256-sizer'"], styles: ["'sha256-css'"], styleAttributes: [], remoteImages: false };
  assert.equal(
    exportPageCsp({ ...sources, embeddedFonts: true }),
    "default-src 'none'; script-src 'sha256-sizer'; style-src 'sha256-css'; img-src data:; media-src data:; font-src data:; base-uri 'none'; form-action 'none'",
  );
  assert.doesNotMatch(exportPageCsp({ ...sources, embeddedFonts: false }), /font-src/);
  assert.doesNotMatch(exportPageCsp(sources), /font-src/);
});
