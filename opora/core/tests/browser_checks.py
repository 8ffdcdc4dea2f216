"""What the browser tests check on a page besides its content: accessibility (axe-core) and
whether it fits a phone (no sideways scrolling, controls large enough to tap)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# axe-core, vendored (see vendor/README.md): injected from this file, never from a CDN.
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
# What fails a page; «moderate» and «minor» findings are advice.
AXE_FAILING = ("critical", "serious")

PHONE = {"width": 390, "height": 844}
TARGET_MIN = 24

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Any, where: str) -> list[str]:
    """The page's critical and serious axe-core violations, one line each: where, impact,
    rule, what it asks for and the elements (a few), so a failure says what to fix.

    The page's context must bypass the Content-Security-Policy (`bypass_csp=True`): axe is
    injected as a script element, which the policy would refuse."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    problems = []
    for v in page.evaluate(_AXE_RUN):
        if v["impact"] in AXE_FAILING:
            targets = ", ".join(v["targets"][:5])
            more = f" и ещё {len(v['targets']) - 5}" if len(v["targets"]) > 5 else ""
            problems.append(
                f"{where}: [{v['impact']}] {v['id']} — {v['help']} ({v['url']}): {targets}{more}"
            )
    return problems


# WCAG 2.2 SC 2.5.8 «Target Size (Minimum)»: a control is at least 24×24 CSS px, or a circle
# of 24 px around it touches no other control (the spacing exception). Controls: buttons,
# form fields, labels of radios and checkboxes, links styled as controls (buttons, menu,
# pagination) and links standing alone in their container (a table cell, a list item); a
# link inside a sentence is exempt (WCAG's inline exception). Radios and checkboxes get no
# spacing exception: on a phone the box itself must be 24 px.
_TARGETS = """(MIN) => {
  const CONTROL_LINKS =
    ".btn, .nav-link, .page-link, .dropdown-item, .list-group-item, .navbar-brand";
  const text = (node) => (node.textContent || "").replace(/\\s+/g, " ").trim();
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && !el.closest(".visually-hidden, [hidden]");
  };
  const isControl = (el) => {
    if (el.matches("input[type=hidden]")) return false;
    if (el.matches("button, input, select, textarea, [role=button], summary")) return true;
    if (el.matches("label")) {
      const input = el.control;
      return !!input && (input.type === "radio" || input.type === "checkbox");
    }
    if (el.matches(CONTROL_LINKS)) return true;
    return !!el.parentElement && text(el.parentElement) === text(el);
  };
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.getAttribute("name")) s += `[name=${el.getAttribute("name")}]`;
    if (el.tagName === "INPUT") s += `[type=${el.type}]`;
    const t = text(el).slice(0, 40);
    return t ? `${s} «${t}»` : s;
  };
  const all = [...document.querySelectorAll(
    "a[href], button, input, select, textarea, label, [role=button], summary")]
    .filter((el) => isControl(el) && visible(el));
  const rects = all.map((el) => el.getBoundingClientRect());
  const boxes = all.map((el) => el.matches("input[type=radio], input[type=checkbox]"));
  const small = rects.map((r) => r.width < MIN - 0.5 || r.height < MIN - 0.5);
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const gap = ([x, y], r) => Math.hypot(
    Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const sameTarget = (a, b) => a.contains(b) || b.contains(a) || a.control === b || b.control === a;
  const problems = [];
  all.forEach((el, i) => {
    if (!small[i]) return;
    const r = rects[i];
    const crowded = boxes[i] || all.some((other, j) => {
      if (j === i || sameTarget(el, other)) return false;
      const c = centre(r);
      if (gap(c, rects[j]) < MIN / 2) return true;
      if (!small[j]) return false;
      const d = centre(rects[j]);
      return Math.hypot(c[0] - d[0], c[1] - d[1]) < MIN;
    });
    if (crowded) problems.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)} px`);
  });
  return problems;
}"""


def phone_problems(page: Any, where: str) -> list[str]:
    """What does not fit a phone on the page as shown: the page scrolling sideways, and
    controls smaller than 24×24 px (WCAG 2.2 target size) that crowd their neighbours."""
    problems = []
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > width:
        wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
              .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
                && !e.parentElement.closest(".table-responsive, .overflow-auto"))
              .slice(0, 3)
              .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))"""
        )
        problems.append(f"{where}: страница шире экрана ({scroll} > {width} px): {wide}")
    for target in page.evaluate(_TARGETS, TARGET_MIN):
        problems.append(f"{where}: мелкий элемент управления {target}")
    return problems


def within_screen(page: Any, locator: Any) -> bool:
    """Whether the element lies within the screen's width as the page opens (no scrolling
    sideways, of the page or of a table, needed to reach it)."""
    left, right = locator.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }"
    )
    return bool(left >= 0 and right <= page.evaluate("window.innerWidth"))
