import { test } from "node:test";
import assert from "node:assert/strict";
import type { Cell, Notebook } from "../notebook/types.ts";
import { notebookLanguage, notebookScript, scriptExtension } from "./notebook-script.ts";

const notebook = (metadata: Record<string, unknown>, cells: Cell[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: metadata as Notebook["metadata"],
  cells,
});
const md = (source: string): Cell => ({ cell_type: "markdown", source, metadata: {} });
const code = (source: string, count: number | null): Cell => ({
  cell_type: "code",
  source,
  metadata: {},
  execution_count: count,
  outputs: [],
});
const raw = (source: string, metadata: Record<string, string> = {}): Cell => ({ cell_type: "raw", source, metadata });

test("a Python notebook is nbconvert's script layout: header, In[] lines, markdown as # lines", () => {
  const nb = notebook({ language_info: { name: "python" } }, [md("# Title\n\ntext"), code("x = 1", 1), code("", null)]);
  assert.equal(
    notebookScript(nb),
    "#!/usr/bin/env python\n# coding: utf-8\n\n# # Title\n# \n# text\n\n# In[1]:\n\n\nx = 1\n\n\n# In[ ]:\n\n\n\n\n",
  );
  assert.equal(scriptExtension(nb), ".py");
});

test("other languages get their own comment marker and extension, and no Python header", () => {
  const r = notebook({ kernelspec: { name: "ir", display_name: "R", language: "R" } }, [md("Note"), code("y <- 2", 3)]);
  assert.equal(notebookLanguage(r), "r");
  assert.equal(notebookScript(r), "\n# Note\n\n# In[3]:\n\n\ny <- 2\n\n");
  assert.equal(scriptExtension(r), ".r");
  const js = notebook({ language_info: { name: "JavaScript" } }, [md("Note"), code("let a", 1)]);
  assert.equal(notebookScript(js), "\n// Note\n\n// In[1]:\n\n\nlet a\n\n");
  assert.equal(scriptExtension(js), ".js");
  const unknown = notebook({ language_info: { name: "brainfuck" } }, [md("x")]);
  assert.equal(notebookScript(unknown), "\n# x\n");
  assert.equal(scriptExtension(unknown), ".txt");
});

test("raw cells go in as they are unless they declare another format", () => {
  const nb = notebook({ language_info: { name: "python" } }, [
    raw("plain"),
    raw("\\LaTeX", { raw_mimetype: "text/latex" }),
    raw("<b>", { format: "text/html" }),
    raw("pass", { raw_mimetype: "text/x-python" }),
  ]);
  assert.equal(notebookScript(nb), "#!/usr/bin/env python\n# coding: utf-8\nplainpass");
});
