/**
 * Markdown a learner might post to run script or restyle the page in other readers' browsers.
 * Every payload that would run calls `window.__xss(n)`, so the browser test
 * (tests/browser/discussion.spec.ts) can also post some and check that nothing ran.
 */
export const XSS_CORPUS: { name: string; markdown: string }[] = [
  { name: "script tag", markdown: "<script>window.__xss(1)</script>" },
  { name: "script tag, mixed case and split", markdown: "<ScRiPt>window.__xss(2)</sCrIpT> <scr<script>ipt>window.__xss(3)</script>" },
  { name: "img onerror", markdown: '<img src=x onerror="window.__xss(4)">' },
  { name: "event handler on an allowed tag", markdown: '<p onclick="window.__xss(5)">click</p> <details open ontoggle="window.__xss(6)"><summary>x</summary></details>' },
  { name: "svg onload", markdown: '<svg onload="window.__xss(7)"><circle r="40"/></svg>' },
  { name: "svg with script and xlink", markdown: '<svg><script>window.__xss(8)</script><a xlink:href="javascript:window.__xss(9)"><text>x</text></a></svg>' },
  { name: "math element with a link", markdown: '<math><maction actiontype="statusline" xlink:href="javascript:window.__xss(10)">x</maction></math>' },
  { name: "raw anchor with javascript:", markdown: '<a href="javascript:window.__xss(11)">raw link</a>' },
  { name: "markdown link to javascript:", markdown: "[click](javascript:window.__xss(12))" },
  { name: "markdown link, mixed case and entity-encoded scheme", markdown: "[a](JaVaScRiPt:window.__xss(13)) [b](&#106;avascript:window.__xss(14)) [c](java&#x09;script:window.__xss(15))" },
  { name: "markdown link in angle brackets", markdown: "[a](<javascript:window.__xss(16)>) <javascript:window.__xss(17)>" },
  { name: "reference-style link to javascript:", markdown: "[click][x]\n\n[x]: javascript:window.__xss(18)" },
  { name: "vbscript: and livescript:", markdown: "[a](vbscript:msgbox(19)) [b](livescript:window.__xss(20))" },
  { name: "data: URLs", markdown: "[a](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoMjEpPC9zY3JpcHQ+) ![b](data:image/svg+xml,%3Csvg%20onload%3D%22window.__xss(22)%22%2F%3E)" },
  { name: "link title breaking out of its attribute", markdown: '[t](https://example.org "a\\" onmouseover=\\"window.__xss(23)")' },
  { name: "iframe, object, embed", markdown: '<iframe src="javascript:window.__xss(24)"></iframe><object data="javascript:window.__xss(25)"></object><embed src="javascript:window.__xss(26)">' },
  { name: "style tag and style attribute", markdown: '<style>body{display:none}</style><div style="position:fixed;inset:0;background:url(javascript:window.__xss(27))">cover</div>' },
  { name: "form and inputs", markdown: '<form action="javascript:window.__xss(28)"><input type="submit" formaction="javascript:window.__xss(29)" autofocus onfocus="window.__xss(30)"></form>' },
  { name: "meta refresh, base and link", markdown: '<meta http-equiv="refresh" content="0;url=javascript:window.__xss(31)"><base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">' },
  { name: "html comment and cdata", markdown: "<!-- <script>window.__xss(32)</script> --><![CDATA[<script>window.__xss(33)</script>]]>" },
  { name: "image with an event in its alt", markdown: '![x" onerror="window.__xss(34)](https://example.org/x.png)' },
  { name: "KaTeX \\href and \\url to javascript:", markdown: "$\\href{javascript:window.__xss(35)}{click}$ and $$\\url{javascript:window.__xss(36)}$$" },
  { name: "KaTeX html extensions", markdown: "$\\htmlId{x}{a}$ $\\htmlClass{x}{b}$ $\\htmlStyle{position:fixed;inset:0}{c}$ $\\htmlData{onload=window.__xss(37)}{d}$" },
  { name: "KaTeX \\includegraphics", markdown: "$\\includegraphics{https://evil.example/x.png}$" },
  { name: "KaTeX \\color injection", markdown: "$\\color{red;background:url(javascript:window.__xss(38))}{x}$" },
  { name: "HTML inside KaTeX text", markdown: '$\\text{<img src=x onerror="window.__xss(39)">}$' },
  { name: "math next to raw html", markdown: '$x$<img src=x onerror="window.__xss(40)">$y$' },
  { name: "KaTeX macro bomb", markdown: "$\\def\\a{\\a\\a}\\a$" },
  { name: "html inside a code block", markdown: '```html\n<script>window.__xss(41)</script><img src=x onerror="window.__xss(42)">\n```' },
  { name: "id and name clobbering", markdown: '<a name="cookie">x</a><div id="__next">y</div> Footnote[^1]\n\n[^1]: note' },
  { name: "entities stay text", markdown: "&lt;script&gt;window.__xss(43)&lt;/script&gt;" },
];
