import { escapeHtml, html, joinHtml, safeHref, trusted } from "../../src/web/escape";

describe("escapeHtml", () => {
  test("escapes markup and quote characters", () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">&'\``)).toBe("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;");
  });

  test("renders null and undefined as empty", () => {
    expect(escapeHtml(null)).toBe("");
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(0)).toBe("0");
  });
});

describe("html template", () => {
  test("escapes interpolated text", () => {
    const title = "<script>window.__xss = 1</script>";

    const out = html`<h1>${title}</h1>`.value;

    expect(out).toBe("<h1>&lt;script&gt;window.__xss = 1&lt;/script&gt;</h1>");
  });

  test("escapes attribute values in quotes", () => {
    const value = `" autofocus onfocus="window.__xss=1`;

    const out = html`<input value="${value}">`.value;

    expect(out).toBe(`<input value="&quot; autofocus onfocus=&quot;window.__xss=1">`);
    expect(out).not.toContain(`" autofocus`);
  });

  test("keeps nested html unescaped once", () => {
    const inner = html`<b>${"<i>"}</b>`;

    expect(html`<p>${inner}</p>`.value).toBe("<p><b>&lt;i&gt;</b></p>");
  });

  test("renders arrays item by item", () => {
    expect(html`<ul>${["<a>", html`<li>x</li>`]}</ul>`.value).toBe("<ul>&lt;a&gt;<li>x</li></ul>");
  });

  test("renders false, null and undefined as nothing", () => {
    expect(html`[${false}${null}${undefined}${0}]`.value).toBe("[0]");
  });

  test("a plain object posing as SafeHtml is escaped", () => {
    const forged = { value: "<script>x</script>" } as unknown as string;

    expect(html`${forged}`.value).toBe("[object Object]");
  });

  test("joinHtml escapes its separator", () => {
    expect(joinHtml([trusted("<a>"), trusted("<b>")], "<").value).toBe("<a>&lt;<b>");
  });
});

describe("safeHref", () => {
  test.each([
    ["https://portal.azure.com/#resource/x", "https://portal.azure.com/#resource/x"],
    ["http://127.0.0.1:7071/api/ui/incidents", "http://127.0.0.1:7071/api/ui/incidents"],
    ["/api/approvals/abc", "/api/approvals/abc"],
  ])("allows %s", (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });

  test.each(["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>1</script>", "//evil.example/x", "/\\evil.example", "vbscript:x", 42, undefined])(
    "rejects %p",
    (input) => {
      expect(safeHref(input)).toBeUndefined();
    },
  );
});
