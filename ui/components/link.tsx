/** An anchor that navigates inside the app without a reload; modified clicks keep browser behaviour. */
import type { ComponentChildren, JSX } from "preact";
import { navigate } from "../lib/router";

type Props = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href"> & { href: string; children?: ComponentChildren };

export function Link({ href, children, ...rest }: Props) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a {...rest} href={href} onClick={onClick}>
      {children}
    </a>
  );
}
