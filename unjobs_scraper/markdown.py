"""Conversion of a posting's description HTML into clean Markdown.

Descriptions are arbitrary HTML from hiring organizations, so the soup is cleaned before
conversion: executable and embedded content goes, links become absolute, and text that merely
looks like a tag is escaped so that no raw HTML survives into the stored Markdown. The HTML is
parsed once and the converter is reused, because this runs on every posting.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

# Content that is not text a reader should see; markdownify would otherwise keep the text of
# most of these (it only drops <script> and <style>).
_DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "iframe", "template", "object", "embed", "svg", "math",
    "canvas", "head", "select", "textarea",
})
_URL_ATTRIBUTES = {"a": "href", "img": "src"}
_CLEANED_TAGS = _DROPPED_TAGS | _URL_ATTRIBUTES.keys()
_UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
_NON_BREAKING_SPACE = re.compile(r"&nbsp;|&#160;|&#x0*a0;|\xa0", re.IGNORECASE)
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
# markdownify writes <br> as two trailing spaces, dropping them at block edges; a break
# inside text becomes the visible "\" form, one next to a blank line is just removed.
_HARD_BREAK = re.compile(r"(?<=\S) {2,}\n(?=[ \t]*\S)")
_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINE_RUNS = re.compile(r"\n{3,}")


def _escape_tag_like(text: str) -> str:
    """Write ``<`` as an entity where it would open a tag, so Markdown shows it as text."""
    return _TAG_LIKE.sub("&lt;", text)


class _FastParentTag(Tag):
    """A Tag whose ``find_parent(name)`` is a plain walk up the tree.

    markdownify calls ``find_parent("pre")`` for every element; bs4's generic matcher made that
    about 40% of the conversion time.
    """

    def find_parent(self, name: Any = None, attrs: Any = None, **kwargs: Any) -> Any:
        if not isinstance(name, str) or attrs or kwargs:
            return super().find_parent(name, attrs, **kwargs)
        parent = self.parent
        while parent is not None and parent.name != name:
            parent = parent.parent
        return parent


class _PostingMarkdownConverter(MarkdownConverter):
    """markdownify with tag-like text escaped, and pipes escaped inside table cells.

    ``escape(text, parent_tags)`` is the hook markdownify 1.2.3 (pinned) calls for every text
    node outside code; its type stub does not list it.
    """

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = _escape_tag_like(super().escape(text, parent_tags))  # type: ignore[misc]
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", r"\|")
        return text


_CONVERTER = _PostingMarkdownConverter(
    autolinks=False,  # "<https://...>" autolinks would look like raw tags
    bullets="-",
    escape_misc=False,  # escapes "-", "#", "1." everywhere; tag-like "<" is handled above
    heading_style=ATX,
    table_infer_header=True,
)


def html_to_markdown(html: str | None, base_url: str) -> str:
    """Markdown for a description; links and images are made absolute against ``base_url``."""
    if not html or not html.strip():
        return ""
    html = _NON_BREAKING_SPACE.sub(" ", html)
    soup = BeautifulSoup(html, "lxml", element_classes={Tag: _FastParentTag})
    _clean_soup(soup, base_url)
    return _normalize_whitespace(_CONVERTER.convert_soup(soup))


def _clean_soup(soup: BeautifulSoup, base_url: str) -> None:
    """Drop non-text content and make URLs absolute.

    Event handlers and other attributes need no removal: markdownify only ever writes out
    ``href``, ``src``, ``alt`` and ``title``.
    """
    # A list made before the loop changes the tree; find_all(True) is bs4's fast path.
    for tag in [tag for tag in soup.find_all(True) if tag.name in _CLEANED_TAGS]:
        if tag.name in _DROPPED_TAGS:
            tag.extract()
            continue
        attribute = _URL_ATTRIBUTES[tag.name]
        url = _absolute_url(tag.get(attribute), base_url)
        if url:
            tag[attribute] = url
        elif tag.name == "img":  # nothing to show
            tag.extract()
            continue
        else:  # a link without a usable target keeps its text
            tag.attrs.pop(attribute, None)
        tag.attrs.pop("title", None)  # tooltips add noise, and may hold tag-like text
        if "alt" in tag.attrs:
            tag["alt"] = _escape_tag_like(str(tag["alt"]))


def _absolute_url(url: object, base_url: str) -> str | None:
    """``url`` resolved against ``base_url``; ``None`` if empty, malformed or executable."""
    if not isinstance(url, str) or not url.strip() or _UNSAFE_URL.match(url):
        return None
    try:
        return urljoin(base_url, url.strip())
    except ValueError:
        return None


def _normalize_whitespace(markdown: str) -> str:
    markdown = _HARD_BREAK.sub("\\\n", markdown)
    markdown = _TRAILING_SPACES.sub("", markdown)
    return _BLANK_LINE_RUNS.sub("\n\n", markdown).strip()
