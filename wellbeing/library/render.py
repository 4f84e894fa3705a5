"""Markdown to safe HTML: markdown-it (raw HTML off) then nh3 (an allow-list sanitiser).

Two locks on one door: the renderer never passes the author's HTML through, and the sanitiser
keeps only the tags and attributes an article needs, links only to http(s), mailto or a
relative address, each with rel="noopener noreferrer". What comes out is safe to show as is.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "code", "pre",
        "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> str:
    """The sanitised HTML of a Markdown text (headings start at h2: the page owns the h1)."""
    html = _MARKDOWN.render(source)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
