"""The "highlights" export: only the posts a host highlighted, under their
questions, in Markdown ready for a short blog post."""

from transcripts.contents import Built
from transcripts.exports import _md_lines, md_escape, post_url, transcript_url, when


def highlights_markdown(built: Built) -> str:
    series, event = built.series, built.event
    out = [
        f"# Highlights of \\#{md_escape(series.hashtag)}: {md_escape(event.topic)}",
        "",
        f"*{md_escape(when(built))}* · [The whole transcript]({transcript_url(built)})",
        "",
    ]
    count = 0
    for group in built.groups:
        chosen = [item for item, _, _ in built.exported(group) if item.highlighted]
        if not chosen:
            continue
        out += [f"## {md_escape(group.title)}", ""]
        for item in chosen:
            who = f"**{md_escape(item.name)}** ([@{md_escape(item.handle)}]({post_url(item)}))"
            if item.spoiler_text:
                # Under its content warning, which Markdown cannot fold: said first.
                out += [f"> *Content warning: {md_escape(item.spoiler_text)}*", ">"]
            out += [f"> {_md_lines(item.text, '> ')}", ">", f"> — {who}", ""]
            count += 1
    if not count:
        out += ["*No post is highlighted yet: hosts highlight posts on the transcript page.*", ""]
    return "\n".join(out)
