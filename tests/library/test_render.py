"""Markdown comes out as safe HTML: no script, no javascript: link, no event handler, no raw
HTML from the writer; links keep only safe schemes and get rel="noopener noreferrer"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from wellbeing.library.render import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "Hello <script src=https://evil.example/x.js></script> world",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<img src=x onerror="alert(1)">',
    '![x](x.png)" onerror="alert(1)',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "[x](jav&#x09;ascript:alert(1))",
    '<details open ontoggle="alert(1)">x</details>',
    "```html\n<script>alert(1)</script>\n```",
]
SAFE_TAGS = {"p", "a", "pre", "code", "em", "strong"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)  # how a browser finds a scheme


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML (text is not markup)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_comes_out_inert(payload: str) -> None:
    html = render_markdown(payload)
    for tag, attrs in Elements(html).found:
        assert tag in SAFE_TAGS, html  # no script, iframe, svg, img, style, details...
        assert not [name for name in attrs if name.startswith("on") or name == "style"], html
        href = re.sub(r"[\t\n\r]", "", (attrs.get("href") or "").strip())  # as a browser reads it
        scheme = SCHEME.match(href)
        assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}, html


@pytest.mark.parametrize("payload", [p for p in HOSTILE if p.startswith("<")])
def test_the_writers_html_is_shown_as_text_not_markup(payload: str) -> None:
    html = render_markdown(payload)
    assert "&lt;" in html
    assert [tag for tag, _attrs in Elements(html).found if tag != "p"] == []


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("https://www.nhs.uk/", True),
        ("http://example.org/a", True),
        ("mailto:station@example.org", True),
        ("/library", True),
        ("../other", True),
        ("ftp://example.org/file", False),
        ("file:///etc/passwd", False),
    ],
)
def test_links_keep_only_safe_schemes_and_never_share_the_opener(link: str, kept: bool) -> None:
    html = render_markdown(f"[a link]({link})")
    if kept:
        assert f'href="{link}"' in html
        assert 'rel="noopener noreferrer"' in html
    else:
        assert "href=" not in html


def test_ordinary_markdown_renders() -> None:
    html = render_markdown("# Heading\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Heading</h2>" in html  # the page owns the h1
    assert "<li><strong>two</strong></li>" in html
    assert "<table>" in html
