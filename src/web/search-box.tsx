// The search box of a workspace: the words go to the workspace's search page (/w/{ws}/search?q=). Named "Find in
// files", apart from the workspace page's file-name filter.
import { useState, type FormEvent } from "react";
import { MAX_SEARCH_QUERY_CHARS } from "../contract/search-limits.ts";
import { navigate, searchHref } from "./router.ts";

export function SearchBox({ workspaceId, initial = "" }: { workspaceId: string; initial?: string }) {
  const [text, setText] = useState(initial);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() !== "") navigate(searchHref(workspaceId, text));
  }
  return (
    <form role="search" className="vt-search-box" onSubmit={submit}>
      <label htmlFor={`search-${workspaceId}`}>Find in files</label>
      <input
        id={`search-${workspaceId}`}
        type="search"
        name="q"
        placeholder="Names, cells, outputs"
        maxLength={MAX_SEARCH_QUERY_CHARS}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Find</button>
    </form>
  );
}
