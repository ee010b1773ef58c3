import type { MouseEvent, ReactNode } from "react";
import { navigate } from "./router.ts";

/** A link to a studio page: a real `<a href>` (open in a new tab, copy the address), followed without a reload. */
export function AppLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  }
  return (
    <a href={href} onClick={follow} className={className}>
      {children}
    </a>
  );
}
