import type { Element, Root } from "hast";
import { fromHtml } from "hast-util-from-html";
import { visitParents } from "unist-util-visit-parents";
import { describe, expect, it } from "vitest";
import { renderCommentMarkdown } from "@/lib/discussion/render";
import { XSS_CORPUS } from "./xss-corpus";

/** Elements a learner's comment may never produce (KaTeX's own markup is checked separately). */
const FORBIDDEN_TAGS = new Set(["script", "style", "iframe", "object", "embed", "form", "button", "textarea", "select", "meta", "base", "link", "img", "picture", "source", "video", "audio", "frame", "frameset", "template", "noscript"]);
const URL_ATTRIBUTES = ["href", "src", "action", "formAction", "xLinkHref", "data", "poster", "cite", "background"];
const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/)|[^:]*$)/i;

function isInsideKatex(ancestors: (Root | Element)[]): boolean {
  return ancestors.some((node) => node.type === "element" && Array.isArray(node.properties.className) && node.properties.className.includes("katex"));
}

/** What would make `html` not inert when inserted into a page; empty when it is inert. */
function problems(html: string): string[] {
  const found: string[] = [];
  const tree = fromHtml(html, { fragment: true });
  visitParents(tree, "element", (node: Element, ancestors) => {
    const inKatex = isInsideKatex(ancestors as (Root | Element)[]);
    if (FORBIDDEN_TAGS.has(node.tagName)) found.push(`<${node.tagName}>`);
    if ((node.tagName === "svg" || node.tagName === "math") && !inKatex) found.push(`<${node.tagName}> outside KaTeX`);
    if (node.tagName === "input" && !(node.properties.type === "checkbox" && node.properties.disabled)) found.push("an enabled <input>");
    for (const [name, value] of Object.entries(node.properties)) {
      if (/^on/i.test(name)) found.push(`${name} on <${node.tagName}>`);
      if (name === "style" && !inKatex) found.push(`style on <${node.tagName}>`);
      if (name === "style" && /url\s*\(|expression|javascript/i.test(String(value))) found.push(`style ${String(value)}`);
      if (URL_ATTRIBUTES.includes(name) && !SAFE_URL.test(String(value).trim())) found.push(`${name}=${String(value)}`);
      if (/javascript:|vbscript:|data:/i.test(String(value))) found.push(`${name}=${String(value)} on <${node.tagName}>`);
      if ((name === "id" || name === "name") && !String(value).startsWith("user-content-")) found.push(`${name}=${String(value)} unprefixed`);
    }
    if (node.tagName === "a" && inKatex) found.push("a link inside KaTeX output");
    if (node.tagName === "a" && node.properties.href !== undefined) {
      const rel = (node.properties.rel as string[] | undefined) ?? [];
      if (!rel.includes("nofollow") || !rel.includes("ugc")) found.push(`link without rel="nofollow ugc": ${String(node.properties.href)}`);
    }
  });
  return found;
}

describe("comment Markdown rendering", () => {
  it("renders Markdown, math and code", () => {
    const html = renderCommentMarkdown("Why is **ReLU** cheaper than $\\sigma(x) = \\frac{1}{1+e^{-x}}$?\n\n$$\n\\nabla_w L\n$$\n\n```ts\nconst y = x.relu();\n```\n\n- [x] done");
    expect(html).toContain("<strong>ReLU</strong>");
    expect(html).toContain('class="katex"');
    expect(html).toContain('class="katex-display"');
    expect(html).toContain('<code class="language-ts">const y = x.relu();');
    expect(html).toContain('type="checkbox"');
    expect(problems(html)).toEqual([]);
  });

  it('gives links rel="nofollow ugc" and keeps http(s), mailto and same-site links', () => {
    const html = renderCommentMarkdown("[docs](https://pytorch.org/docs) <https://example.org> [me](mailto:a@example.org) [cell](#make) [lesson](/lessons/activation-functions)");
    expect(html.match(/rel="nofollow ugc noopener noreferrer"/g)).toHaveLength(5);
    for (const href of ["https://pytorch.org/docs", "https://example.org", "mailto:a@example.org", "#make", "/lessons/activation-functions"]) expect(html).toContain(`href="${href}"`);
  });

  it("turns images into links (no third-party loads in readers' browsers)", () => {
    const html = renderCommentMarkdown("![loss curve](https://tracker.example/pixel.png)");
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://tracker.example/pixel.png" rel="nofollow ugc noopener noreferrer">loss curve</a>');
  });

  it("shows HTML written in code as text", () => {
    const html = renderCommentMarkdown("`<script>alert(1)</script>`");
    expect(html).toContain("<code>&#x3C;script>alert(1)&#x3C;/script></code>");
  });

  describe("XSS corpus: everything renders inert", () => {
    it.each(XSS_CORPUS)("$name", ({ markdown }) => {
      const html = renderCommentMarkdown(markdown);
      expect(problems(html), html).toEqual([]);
      // Nothing that calls the probe survives outside text: no attribute carries it (a link's
      // title may, as plain text).
      const tree = fromHtml(html, { fragment: true });
      visitParents(tree, "element", (node: Element) => {
        for (const [name, value] of Object.entries(node.properties)) if (name !== "title") expect(String(value)).not.toMatch(/__xss/);
      });
    });

    it("the checker itself catches what the sanitiser removes", () => {
      expect(problems('<img src=x onerror="alert(1)">')).toEqual(expect.arrayContaining(["<img>", "onError on <img>"]));
      expect(problems('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
      expect(problems('<div style="color:red">x</div>')).not.toEqual([]);
      expect(problems('<svg onload="x"></svg>')).not.toEqual([]);
    });
  });

  it("bounds KaTeX: no \\href links, sizes capped, runaway macros stop", () => {
    expect(renderCommentMarkdown("$\\href{https://example.org}{x}$")).not.toMatch(/<a[\s>]/);
    const huge = renderCommentMarkdown("$\\rule{1000em}{1000em}$");
    expect(huge).not.toMatch(/:\s*1000em/);
    expect(huge).toMatch(/:\s*10em/);
    const started = Date.now();
    renderCommentMarkdown("$\\def\\a{\\a\\a}\\a$");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
