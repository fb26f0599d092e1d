"""The self-contained HTML export: one file, styles inline, the activity chart
inline as SVG, no script and nothing fetched, so it reads the same offline.

Built with plain string joins (html.escape for text; post HTML is already
sanitised), which keeps a 100,000-post file fast to write."""

from html import escape

from django.conf import settings

from transcripts.charts import activity_svg
from transcripts.contents import Built, Item
from transcripts.exports import local, plural, rows, transcript_url, when
from transcripts.statistics import Stats

CSS_PATH = settings.BASE_DIR / "static" / "hashchat" / "transcript.css"

BASE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  background: #f7f7f5; color: #1b1b1f; line-height: 1.5; }
main { max-width: 960px; margin: 0 auto; padding: 1rem; }
a { color: #1d4ed8; }
footer { color: #5b5f6a; font-size: .85rem; margin: 2rem 0; }
"""


def _absolute(html: str) -> str:
    """Links inside posts point at this server, also when the file is opened offline."""
    return html.replace('href="/', f'href="{settings.BASE_URL}/')


def _paragraphs(text: str) -> str:
    return "".join(
        f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip()
    )


def _post(built: Built, item: Item) -> str:
    classes = ["t-post"]
    if item.is_host:
        classes.append("t-host")
    if item.highlighted:
        classes.append("t-highlight")
    stamp = local(built, item.created_at, "%Y-%m-%d %H:%M")
    counts = []
    if item.like_count:
        counts.append(plural(item.like_count, "like"))
    if item.reposts:
        counts.append(plural(item.reposts, "repost"))
    return (
        f'<article class="{" ".join(classes)}" id="p{item.id}">'
        f'<div class="t-post-meta"><strong>{escape(item.name)}</strong>'
        f'<span class="t-handle">@{escape(item.handle)}</span>'
        f'<time datetime="{item.created_at.isoformat()}">{stamp}</time></div>'
        + (
            f'<details class="t-warning"><summary>{escape(item.spoiler_text)}</summary>'
            f'<div class="t-post-text">{_absolute(item.html)}</div></details>'
            if item.spoiler_text
            else f'<div class="t-post-text">{_absolute(item.html)}</div>'
        )
        + (f'<p class="t-counts">{", ".join(counts)}</p>' if counts else "")
        + "</article>"
    )


def _group_html(built: Built, group) -> list[str]:
    out = [f'<section class="t-group" id="{group.key}"><h2>{escape(group.title)}</h2>']
    if group.note:
        out.append(f'<div class="t-note">{_paragraphs(group.note)}</div>')
    depth_open = 0
    out.append('<ol class="t-thread">')
    first = True
    for item, depth, _ in built.exported(group):
        if first:
            first = False
        elif depth > depth_open:
            out.append('<ol class="t-replies">' * (depth - depth_open))
        else:
            out.append("</li>" + "</ol></li>" * (depth_open - depth))
        depth_open = depth
        out.append("<li>" + _post(built, item))
    if first:
        out.append("<li><p>No posts.</p>")
    out.append("</li>" + "</ol></li>" * depth_open + "</ol></section>")
    return out


def _stats_html(built: Built, stats: Stats) -> list[str]:
    out = ['<ul class="transcript-stats">']
    for value, label in [
        (stats.posts, "posts"),
        (stats.originals, "originals"),
        (stats.replies, "replies"),
        (stats.reposts, "reposts"),
        (stats.participants, "participants"),
        (stats.new_participants, "new"),
        (stats.returning_participants, "returning"),
    ]:
        out.append(f"<li><strong>{value}</strong> {label}</li>")
    out.append("</ul>")
    out.append(f'<figure class="transcript-chart">{activity_svg(stats)}</figure>')
    out.append('<div class="transcript-lists">')
    out.append("<section><h3>Posts per question</h3><ul>")
    out += [f"<li>{escape(g.label)}: {g.posts}</li>" for g in stats.per_group]
    out.append("</ul></section>")
    if stats.top_contributors:
        out.append("<section><h3>Top contributors</h3><ol>")
        out += [
            f"<li>{escape(c.name)} (@{escape(c.handle)}): {c.posts}</li>"
            for c in stats.top_contributors
        ]
        out.append("</ol></section>")
    if stats.locations:
        out.append("<section><h3>Taking part from</h3><ul>")
        out += [f"<li>{escape(loc)}: {n}</li>" for loc, n in stats.locations]
        out.append("</ul></section>")
    out.append("</div>")
    return out


def standalone_html(built: Built, stats: Stats) -> str:
    series, event = built.series, built.event
    title = f"#{series.hashtag}: {event.topic}"
    css = BASE_CSS + CSS_PATH.read_text()
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{css}</style></head>",
        '<body><main class="transcript">',
        f'<header class="transcript-header"><h1>{escape(title)}</h1>',
        f'<p class="transcript-when">{escape(when(built))} · '
        f'<a href="{escape(transcript_url(built))}">Permalink</a></p></header>',
    ]
    if built.transcript.introduction:
        out.append(
            f'<div class="transcript-intro">{_paragraphs(built.transcript.introduction)}</div>'
        )
    out += _stats_html(built, stats)
    highlights = [r.item for r in rows(built) if r.item.highlighted]
    if highlights:
        out.append('<section class="t-group" id="highlights"><h2>Highlights</h2>')
        out += [_post(built, item) for item in highlights]
        out.append("</section>")
    for group in built.groups:
        out += _group_html(built, group)
    if stats.links:
        out.append('<section class="t-group" id="resources"><h2>Resources shared</h2><ul>')
        out += [
            f'<li><a href="{escape(link.url)}">{escape(link.url)}</a>'
            + (f" (shared {link.count} times)" if link.count > 1 else "")
            + "</li>"
            for link in stats.links
        ]
        out.append("</ul></section>")
    site = escape(settings.BASE_URL)
    out.append(f"<footer>Transcript of #{escape(series.hashtag)} from {site}.</footer>")
    out.append("</main></body></html>")
    return "\n".join(out)
