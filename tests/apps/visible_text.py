"""The text a reader sees on a rendered page: text nodes and the attributes shown to
people (placeholder, title, aria-label, alt, button values), without scripts and styles,
and without what the page marks ``translate="no"`` (HTML's own mark for text kept in its
language: a bibliographic citation), and without elements whose ``lang`` differs from the
page's ``<html lang>`` (text legitimately in another language: the discharge advice in the
patient's language)."""

from __future__ import annotations

from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.stack: list[str] = []
        self.texts: list[str] = []
        self.page_lang = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.page_lang = (values.get("lang") or "").split("-")[0].lower()
        lang = (values.get("lang") or "").split("-")[0].lower()
        other_language = tag != "html" and bool(lang and self.page_lang) and lang != self.page_lang
        kept = values.get("translate") == "no" or other_language
        if tag in VOID_ELEMENTS and (kept or self.hidden):
            return
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag if not kept else tag + "#kept")
            if tag in HIDDEN_ELEMENTS or kept:
                self.hidden += 1
        if self.hidden:
            return
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(str(values["value"]))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS or not any(t.split("#")[0] == tag for t in self.stack):
            return
        while self.stack:
            top = self.stack.pop()
            name = top.split("#")[0]
            if name in HIDDEN_ELEMENTS or top.endswith("#kept"):
                self.hidden -= 1
            if name == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    """The page's visible text nodes, whitespace collapsed, empty ones dropped."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return [t for t in (" ".join(s.split()) for s in parser.texts) if t]
