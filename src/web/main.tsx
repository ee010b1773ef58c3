// The studio UI's entry point. Everything the page shows is built by React from data, or by the render module
// from a notebook's render plan; the only markup ever parsed is sanitized markdown (see browser-sanitizer.ts).
import { startApp } from "./start-app.tsx";

startApp();
