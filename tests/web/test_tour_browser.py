"""The product as each demo account meets it: from the home page (the workbench after log-in)
every page one tap away (the navigation, the workbench's tiles and the page's own links), in
headless Chromium against a real server with the demo city. Each role walks on a phone (390 px)
in one language and sees its workbench on a desktop in the other, so both languages are walked.

On every page: the answer is 200; no console error; nothing wider than the screen (a wide table
scrolls in its own box); no word or number (a text without spaces in a table cell, button, chip or
label) broken across lines; buttons, chips and navigation at least 44 px tall; no interface string
of the other language (a whole text or label that is a catalog entry's Chinese on an English page,
or its English on a Chinese page). Every link the page shows answers the role without 4xx/5xx.
Bounded: one visit per kind of page (pages that differ only by an id or code count once), at most
MAX_PAGES per role. Screenshots go to tests/artifacts/tour-*.png."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from babel.messages.pofile import read_po

from gridsvc import locale
from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

# (account, language of the phone walk); None is a visitor
ROLES = [(None, "zh-CN"), ("admin", "en"), ("official", "zh-CN"), ("street", "en"), ("head", "zh-CN"),
         ("worker", "en"), ("resident", "zh-CN"), ("volunteer", "en"), ("orgmember", "zh-CN")]
OTHER = {"zh-CN": "en", "en": "zh-CN"}
# pages two taps away that a role uses every day, walked after the first tap's
DEEPER = {"worker": ["/maps/community/610202004002", "/areas/610202004002001/roster"],
          "head": ["/areas/610202004002/roster", "/areas/610202004002/board", "/governance/reports"],
          "official": ["/services/drafts", "/services/new", "/accounts/new"],
          "street": ["/services/admissions/new", "/areas/610202004000/roster"],
          "volunteer": ["/areas/610202004001/board"]}
MAX_PAGES = 14  # per role, after the home page
# not pages to read: the API and files, downloads, logging out, the language switch
NOT_A_PAGE = re.compile(r"^/(api/|static/|logout|openapi)|[?&](lang|download)=|\.(xlsx|csv|json|geojson)\b")

PO = read_po((locale.LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
SIMPLE = [m for m in PO if m.id and isinstance(m.id, str) and m.string and not re.search(r"%\(|\{", m.id)]
ZH_UI = {m.id for m in SIMPLE if len(m.id) >= 2}  # whole texts that are Chinese interface words
EN_UI = {m.string for m in SIMPLE if len(m.string) >= 4 and not CJK.search(m.string)} - {"English"}

MEASURE = r"""() => {
  const vw = document.documentElement.clientWidth;
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const inMap = el => !!el.closest('.leaflet-container, iframe');
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll' || s === 'hidden') return true; }
      return false; };
  const wide = [...document.querySelectorAll('body *')].filter(el => shown(el) && !inMap(el)
      && el.getBoundingClientRect().right > vw + 1 && !scrolls(el))
    .map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30));
  // lines of an element's text: boxes whose tops differ by less than half the font size share a line
  // (a smaller count beside a word sits a little lower)
  const lines = el => { const range = document.createRange(); range.selectNodeContents(el);
      const half = parseFloat(getComputedStyle(el).fontSize) / 2;
      const tops = [...range.getClientRects()].map(r => r.top).sort((a, b) => a - b);
      return tops.filter((t, i) => i === 0 || t - tops[i - 1] > half).length; };
  // a word broken: a text without spaces (one English word, or a Chinese phrase) on two lines
  const broken = [...document.querySelectorAll('th, td, button, a.chip, nav.tabs a, label')]
    .filter(el => shown(el) && !inMap(el) && !el.children.length && /^\S{2,30}$/.test((el.textContent || '').trim())
                  && lines(el) > 1)
    .map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 30));
  const targets = 'button:not(.link), a.chip, nav.tabs a, header a, header button, .fp-toolbar a, .fp-toolbar select';
  const small = [...document.querySelectorAll(targets)]
    .filter(el => shown(el) && !inMap(el) && el.getBoundingClientRect().height < 43.5)
    .map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 30));
  // whole texts people read: leaf elements' text, and the words of placeholders, titles and labels
  const texts = [...document.querySelectorAll('body *')]
    .filter(el => !el.children.length && !inMap(el) && !['SCRIPT', 'STYLE'].includes(el.tagName))
    .map(el => (el.textContent || '').trim())
    .concat([...document.querySelectorAll('[placeholder], [title], [aria-label]')].filter(el => !inMap(el))
      .flatMap(el => ['placeholder', 'title', 'aria-label'].map(a => (el.getAttribute(a) || '').trim())))
    .concat([document.title.trim()]).filter(t => t);
  const links = [...document.querySelectorAll('a[href]')].filter(a => !inMap(a)).map(a => a.getAttribute('href'));
  return {scrollWidth: document.documentElement.scrollWidth, vw, wide, broken, small, texts, links};
}"""


def kind_of(path: str) -> str:
    """Pages that differ only by an id, an area code, an item code or a parameter's value are one kind."""
    p = re.sub(r"\d{6,}", "C", path)
    p = re.sub(r"/\d+", "/N", p)
    p = re.sub(r"/services/[A-Z]+-[A-Z]+-\d+", "/services/ITEM", p)
    return re.sub(r"=[^&]*", "=", p)


def _login(page, base: str, who: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def _look(page, watch: Watch, base: str, path: str, lang: str, shot: str) -> tuple[dict, list[str]]:
    """Visit a page and say what is wrong with it, and which pages it links to."""
    watch.reset()
    resp = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    m = page.evaluate(MEASURE)
    page.screenshot(path=str(ARTIFACTS / f"tour-{shot}.png"), full_page=True)
    bad: dict[str, object] = {}
    if resp is None or resp.status != 200:
        bad["status"] = resp and resp.status
    if m["scrollWidth"] > m["vw"] or m["wide"]:
        bad["wider than the screen"] = m["wide"][:5] or m["scrollWidth"]
    if m["broken"]:
        bad["broken across lines"] = m["broken"][:5]
    if m["small"]:
        bad["touch targets under 44 px"] = m["small"][:5]
    errors = [e for e in watch.errors if "favicon" not in e]
    if errors:
        bad["console"] = errors[:3]
    if lang == "en":
        other = sorted({t for t in m["texts"] if t in ZH_UI})
    else:
        other = sorted({t for t in m["texts"] if t in EN_UI})
    if other:
        bad["the other language"] = other[:8]
    links = []
    for href in m["links"]:
        u = urlsplit(urljoin(base + path, href))
        if u.netloc == urlsplit(base).netloc and u.path:
            links.append(u.path + (f"?{u.query}" if u.query else ""))
    return bad, links


def test_every_role_walks_its_pages_in_both_languages(server, browser):
    base = server["base"]
    problems: dict[str, object] = {}
    for who, lang in ROLES:
        name = who or "visitor"
        # the desktop: the workbench (or the visitor's home) in the other language
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        watch = Watch(page)
        if who:
            _login(page, base, who)
        page.goto(f"{base}/?lang={OTHER[lang]}")
        bad, _ = _look(page, watch, base, "/", OTHER[lang], f"{name}-{OTHER[lang]}-desktop-home")
        if bad:
            problems[f"{name} {OTHER[lang]} desktop /"] = bad
        ctx.close()

        # the phone: home, then every kind of page one tap away
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
        page = ctx.new_page()
        watch = Watch(page)
        if who:
            _login(page, base, who)
        page.goto(f"{base}/?lang={lang}")
        bad, first = _look(page, watch, base, "/", lang, f"{name}-{lang}-phone-home")
        if bad:
            problems[f"{name} {lang} /"] = bad
        seen = {kind_of("/")}
        checked: dict[str, int] = {}
        queue = [p for p in first if not NOT_A_PAGE.search(p)][:60] + DEEPER.get(who or "", [])
        visited = 0
        for path in queue:
            if kind_of(path) in seen or (visited >= MAX_PAGES and path not in DEEPER.get(who or "", [])):
                continue
            seen.add(kind_of(path))
            visited += 1
            shot = f"{name}-{lang}-phone-" + (re.sub(r"[^a-z0-9]+", "-", kind_of(path).lower()).strip("-"))
            bad, links = _look(page, watch, base, path, lang, shot)
            # every link this page shows answers this role (one per kind of page)
            for link in links:
                if NOT_A_PAGE.search(link) or kind_of(link) in checked:
                    continue
                checked[kind_of(link)] = status = page.request.get(base + link, max_redirects=0).status
                if status >= 400:
                    bad.setdefault("links that fail", []).append(f"{link} {status}")  # type: ignore[union-attr]
            if bad:
                problems[f"{name} {lang} {path}"] = bad
        ctx.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
