"""A briefing written out: plain text for the terminal, one self-contained printable HTML page."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from remontada.app.briefing.sections import briefing_sections
from remontada.app.plain import percent

if TYPE_CHECKING:
    from remontada.app.briefing.report import Briefing

__all__ = ["as_html", "as_text"]


def as_text(brief: Briefing) -> str:
    """The briefing as plain text (the same sections and numbers as the HTML)."""
    parts = [brief.title(), "=" * len(brief.title()), brief.headline()]
    for section in briefing_sections(brief):
        parts += ["", section.title, "-" * len(section.title), *section.lines]
        if section.rows:
            widths = [max(len(r[i]) for r in (section.columns, *section.rows)) for i in range(len(section.columns))]
            for row in (section.columns, *section.rows):
                parts.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        parts += list(section.notes)
    return "\n".join(parts) + "\n"


def as_html(brief: Briefing) -> str:
    """One brief-contained printable HTML page: inline CSS (with a print stylesheet), no external assets."""
    e = html.escape
    cards = "".join(
        f'<div class="card"><div class="big">{e(percent(s.p_through))}</div><div>{e(s.team)} to go through</div></div>'
        for s in brief.sides
    )
    body: list[str] = []
    for section in briefing_sections(brief):
        body.append(f"<section><h2>{e(section.title)}</h2>")
        body += [f"<p>{e(line)}</p>" for line in section.lines]
        if section.rows:
            head = "".join(f"<th>{e(c)}</th>" for c in section.columns)
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in section.rows
            )  # fmt: skip
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        body += [f'<p class="note">{e(n)}</p>' for n in section.notes]
        body.append("</section>")
    return _PAGE.format(
        title=e(brief.title()),
        headline=e(brief.headline()),
        as_of=e(f"Briefing as of {brief.tie.as_of:%d %B %Y} (data strictly before that day)"),
        cards=cards,
        body="\n".join(body),
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff;
         max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
  h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
  h2 {{ font-family: Helvetica, Arial, sans-serif; font-size: 1.05rem; border-bottom: 2px solid #111;
        padding-bottom: 0.15rem; margin-top: 1.6rem; }}
  .dateline {{ color: #555; font-size: 0.9rem; margin-top: 0; }}
  .headline {{ font-size: 1.2rem; font-weight: bold; }}
  .cards {{ display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }}
  .card {{ border: 2px solid #111; padding: 0.6rem 1rem; min-width: 12rem;
           font-family: Helvetica, Arial, sans-serif; }}
  .big {{ font-size: 2.2rem; font-weight: bold; }}
  table {{ border-collapse: collapse; width: 100%; font-family: Helvetica, Arial, sans-serif;
           font-size: 0.9rem; margin: 0.5rem 0; }}
  th, td {{ border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
  th {{ background: #eee; }}
  .note {{ color: #555; font-size: 0.8rem; }}
  @media print {{
    @page {{ margin: 1.5cm; }}
    body {{ margin: 0; max-width: none; font-size: 10pt; }}
    h2 {{ break-after: avoid; page-break-after: avoid; }}
    section, table, .card {{ break-inside: avoid; page-break-inside: avoid; }}
    th {{ background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="dateline">{as_of}</p>
<p class="headline">{headline}</p>
<div class="cards">{cards}</div>
</header>
{body}
</body>
</html>
"""
