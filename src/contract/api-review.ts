// Reviews: what the scanner finds in a file offered for upload, or in a stored one.
import { Type, type Static } from "typebox";
import { refTo } from "./api-answers.ts";

export const Severity = Type.Enum(["low", "medium", "high"], { type: "string" });
export type Severity = Static<typeof Severity>;

/** Where a finding is. Lines and columns are 1-based; in a notebook they count within the cell's source or output. */
export const FindingPlace = Type.Object({
  file: Type.String(),
  cell: Type.Optional(Type.Integer({ description: "0-based cell index, for notebooks" })),
  cellId: Type.Optional(Type.String()),
  output: Type.Optional(Type.Integer({ description: "0-based output index within the cell" })),
  part: Type.Optional(Type.String({ description: 'the output\'s mime type, or "metadata"' })),
  line: Type.Integer(),
  column: Type.Integer(),
  fileLine: Type.Optional(Type.Integer({ description: "1-based line in the file itself (a notebook's JSON)" })),
});
export type FindingPlace = Static<typeof FindingPlace>;

export const Finding = Type.Object({
  rule: Type.String(),
  severity: Severity,
  place: FindingPlace,
  message: Type.String(),
  check: Type.String({ description: "how a reviewer checks whether this is harmless" }),
  excerpt: Type.Optional(Type.String({ description: "the text found, shortened, any secret in it masked" })),
});
export type Finding = Static<typeof Finding>;

export const ReviewSummary = Type.Object({
  file: Type.String(),
  readable: Type.Boolean({ description: "false when the file could not be read at all" }),
  counts: Type.Object({ low: Type.Integer(), medium: Type.Integer(), high: Type.Integer() }),
  total: Type.Integer(),
  headline: Type.Array(Type.String(), { description: "the most severe findings' messages, most severe first" }),
});
export type ReviewSummary = Static<typeof ReviewSummary>;

const fileReviewProperties = {
  path: Type.String(),
  summary: ReviewSummary,
  findings: Type.Array(Finding),
  refused: Type.Optional(
    Type.Object(
      { error: Type.String(), message: Type.String() },
      { description: "set when the upload itself would refuse the file: its code and its located message" },
    ),
  ),
};

/** What the server found in one file; nothing is stored by a review. */
export const FileReview = Type.Object(fileReviewProperties, {
  $id: "FileReview",
  description: "what the scanner found in one file, and whether an upload would refuse it",
});
export type FileReview = Static<typeof FileReview>;

/** The review of one stored version. */
export const StoredReview = Type.Object(
  { ...fileReviewProperties, version: Type.Integer() },
  { description: "what the review finds in the stored version" },
);
export type StoredReview = Static<typeof StoredReview>;

/** The reviews of the files of one request, in the order they were sent. */
export const ReviewAnswer = Type.Object(
  { workspace: Type.String(), files: Type.Array(refTo(FileReview)) },
  { description: "what the review found in each file" },
);
export type ReviewAnswer = Static<typeof ReviewAnswer>;
