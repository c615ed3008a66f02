import { isSitePath } from "@/lib/kernel/display/files";
import type { LinkData } from "@/lib/kernel/display/mime";

/**
 * A link a cell printed (publish_model's model page). It opens in a new tab, so following it does
 * not leave the notebook and lose the kernel's state. Only paths of this site become links.
 */
export function LinkOutput({ link, plain }: { link: LinkData; plain: string }) {
  if (!isSitePath(link.href)) return <pre>{plain}</pre>;
  return (
    <>
      <pre>{plain}</pre>
      <p className="output-link" data-testid="link-output">
        <a href={link.href} target="_blank" rel="noopener">
          {link.text}
        </a>{" "}
        <span className="output-link-note">(opens in a new tab)</span>
      </p>
    </>
  );
}
