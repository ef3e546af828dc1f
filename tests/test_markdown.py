"""Markdown made from description HTML: structure kept, nothing executable or raw left."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from parsel import Selector

from unjobs_scraper.markdown import html_to_markdown

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://unjobs.org/vacancies/1758015049233"
RAW_TAG = re.compile(r"<[a-zA-Z/!]")


def description_html(fixture_name: str) -> str:
    """The inner HTML of div.fp-snippet, as the parser hands it to the Markdown pipeline."""
    page = Selector(text=(FIXTURES / fixture_name).read_text(encoding="utf-8"))
    return "".join(page.css("div.fp-snippet").xpath("node()").getall())


@pytest.fixture(scope="module")
def full_markdown() -> str:
    return html_to_markdown(description_html("posting_full.html"), BASE_URL)


@pytest.fixture(scope="module")
def non_ascii_markdown() -> str:
    return html_to_markdown(description_html("posting_non_ascii.html"), BASE_URL)


@pytest.mark.parametrize(
    "absent", ["dataLayer", "snippet_view", "margin: 0", ".fp-snippet", "onclick", "trackClick"]
)
def test_scripts_styles_and_handlers_are_gone(full_markdown: str, absent: str) -> None:
    assert absent not in full_markdown


@pytest.mark.parametrize(
    "heading", ["### Org. Setting and Reporting", "### Responsibilities", "#### Salary scale"]
)
def test_headings_are_atx(full_markdown: str, heading: str) -> None:
    assert heading in full_markdown.splitlines()


@pytest.mark.parametrize(
    "lines",
    [
        "- Plans and coordinates the programme:\n  - develops work plans and budgets;\n"
        "  - monitors **implementation** and reports on results.\n- Organizes meetings, including:",
        "- Organizes meetings, including:\n  1. expert group meetings;\n  2. regional workshops.\n"
        "- Performs other duties as required.",
    ],
)
def test_nested_lists_are_indented_under_their_item(full_markdown: str, lines: str) -> None:
    assert lines in full_markdown


@pytest.mark.parametrize(
    "row",
    [
        "| Grade | Net base salary (USD) |",
        "| --- | --- |",
        "| P-3, step I | 71,674 |",
        "| P-3, step V | 81,040 |",
    ],
)
def test_tables_become_markdown_tables(full_markdown: str, row: str) -> None:
    assert row in full_markdown.splitlines()


@pytest.mark.parametrize(
    "link",
    [
        "[UNOCT](https://unjobs.org/organizations/unoct)",
        "[competency framework](https://unjobs.org/documents/competencies.pdf)",
    ],
)
def test_links_are_kept_and_absolute(full_markdown: str, link: str) -> None:
    assert link in full_markdown


def test_no_raw_tag_is_left(full_markdown: str) -> None:
    assert RAW_TAG.search(full_markdown) is None


def test_escaped_tag_text_stays_text(full_markdown: str) -> None:
    assert "subject line &lt;Job Opening Number> \u2013 &lt;Your Name> in all" in full_markdown


def test_non_breaking_space_becomes_a_space(full_markdown: str) -> None:
    assert "in Doha. The incumbent" in full_markdown


@pytest.mark.parametrize(
    ("rule", "holds"),
    [
        ("no trailing spaces", lambda md: all(line == line.rstrip() for line in md.splitlines())),
        ("no runs of 3+ newlines", lambda md: "\n\n\n" not in md),
        ("stripped ends", lambda md: md == md.strip()),
        ("no non-breaking spaces", lambda md: "\u00a0" not in md),
    ],
)
def test_whitespace_is_normalized(
    full_markdown: str, non_ascii_markdown: str, rule: str, holds: Callable[[str], bool]
) -> None:
    assert holds(full_markdown) and holds(non_ascii_markdown), rule


@pytest.mark.parametrize(
    "text",
    [
        "### Contexte 🌍",
        "chargé(e) de programme pour la région de Genève\n& Lausanne.",
        "« compétences clés »",
        "مسؤول البرامج في مجال الصحة والتغذية",
        "项目官员（卫生与营养）",
        'Use "Santé 2030" and “Nutrition d’abord” as keywords.',
    ],
)
def test_non_ascii_text_is_preserved(non_ascii_markdown: str, text: str) -> None:
    assert text in non_ascii_markdown


@pytest.mark.parametrize("html", [None, "", "   \n  ", "<script>alert(1)</script>"])
def test_empty_input_gives_empty_string(html: str | None) -> None:
    assert html_to_markdown(html, BASE_URL) == ""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>line one<br>line two</p>", "line one\\\nline two"),
        ("<p>first<br><br>second</p>", "first\n\nsecond"),
        ("<p>ends with a break<br></p><p>next</p>", "ends with a break\n\nnext"),
        ('<p><a href="javascript:alert(1)">click</a> here</p>', "click here"),
        ('<p><a href="https://e.org/x">https://e.org/x</a></p>', "[https://e.org/x](https://e.org/x)"),
        ('<p><a href="mailto:hr@un.org">hr@un.org</a></p>', "[hr@un.org](mailto:hr@un.org)"),
        ('<p><b onclick="steal()" onmouseover="x()">Bold</b></p>', "**Bold**"),
        ('<img src="/logo.png" alt="Logo" title="&lt;b&gt;">', "![Logo](https://unjobs.org/logo.png)"),
        ('<p>a<img src="data:image/png;base64,AAAA" alt="pixel">b</p>', "ab"),
        (
            "<table><tr><td>Grade</td><td>P-3 | P-4</td></tr></table>",
            "| Grade | P-3 \\| P-4 |\n| --- | --- |",
        ),
        (
            "<p>keep</p><noscript>enable JS</noscript><iframe>frame</iframe><template>t</template>",
            "keep",
        ),
        ("<p>2 &lt; 3 and &lt;/div&gt; &lt;!-- x --&gt;</p>", "2 < 3 and &lt;/div> &lt;!-- x -->"),
        ("<ol><li>one<ol><li>inner</li></ol></li><li>two</li></ol>", "1. one\n   1. inner\n2. two"),
    ],
)
def test_small_documents(html: str, expected: str) -> None:
    assert html_to_markdown(html, BASE_URL) == expected
