// A notebook's head as the server sends it: its metadata and first cells as a small nbformat 4 document, with
// what the page would otherwise work out before drawing them (render/notebook-head.ts makes and reads heads). The
// cells are declared by shape only: the page reads them with the notebook model's own checks.
import { Type, type Static } from "typebox";
import { HEAD_MAX_CELLS } from "./notebook-head-constants.ts";

export const NotebookHead = Type.Object(
  {
    sha256: Type.String({ description: "the stored bytes the head was made from (the raw download's ETag, unquoted)" }),
    original: Type.Object(
      { major: Type.Integer(), minor: Type.Union([Type.Integer(), Type.Null()]) },
      { description: "the file's own nbformat version, before any upgrade" },
    ),
    upgraded: Type.Boolean({ description: "whether the model upgraded a v2 or v3 file to v4" }),
    cellCount: Type.Integer({ description: "cells in the whole notebook; notebook.cells holds the first of them" }),
    notebook: Type.Object(
      {
        nbformat: Type.Literal(4),
        nbformat_minor: Type.Integer(),
        metadata: Type.Unknown(),
        cells: Type.Array(Type.Unknown(), { maxItems: HEAD_MAX_CELLS }),
      },
      { description: "a valid nbformat 4 document: the notebook's version and metadata, and its first cells" },
    ),
    highlighted: Type.Object(
      {
        language: Type.String(),
        cells: Type.Array(Type.Union([Type.Array(Type.Tuple([Type.String(), Type.String()])), Type.Null()]), {
          description:
            "for each cell of notebook.cells, a code cell's runs [text, classes joined by spaces], else null",
        }),
      },
      { description: "the code cells' sources highlighted as the page would, in the language the page would use" },
    ),
    readingNotes: Type.Optional(
      Type.Array(Type.String({ maxLength: 1000 }), {
        maxItems: 8,
        description:
          "what the reading repaired or relaxed, as the sentences the page shows above the cells (docs/reading-notebooks.md)",
      }),
    ),
    markdown: Type.Array(Type.Union([Type.String(), Type.Null()]), {
      description:
        "for each cell of notebook.cells, a markdown cell's HTML (not safe: the page sanitizes it), else null",
    }),
  },
  { description: "the notebook's head" },
);
export type NotebookHead = Static<typeof NotebookHead>;
