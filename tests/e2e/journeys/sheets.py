"""Contact sheets: the whole app at a glance, one page per role × mode, with the findings beside each screen.

tests/e2e/output/journeys/
  index.html                       every role × mode, with counts per rule
  <role>-<mode>/index.html         every screenshot with its route, how it was reached and its findings
  <role>-<mode>/sheet.png          the same screenshots as one PNG grid
  <role>-<mode>/findings.json      machine-readable: what update_known.py and summary.py read
  <role>-<mode>/shots/NNN.png      the viewport screenshots (what a person sees first)
"""

from __future__ import annotations

import html
import json
import time
from collections import Counter
from pathlib import Path

from .known import is_known

RULES = [
    "bad-text",
    "raw-key",
    "script",
    "overflow",
    "csp",
    "console",
    "not-found",
    "inbox-target",
    "target-size",
    "slow",
]
RULE_HELP = {
    "bad-text": "null / undefined / NaN / [object Object] / Invalid Date / an ISO timestamp on screen",
    "raw-key": "an untranslated message key or a raw code (domain.some_key, snake_case)",
    "script": "Latin interface text on a Chinese screen, or Han on an English one (user content excepted)",
    "overflow": "the page is wider than the 360 px phone",
    "csp": "the Content Security Policy refused something the page tried",
    "console": "a console error or an uncaught page error",
    "not-found": "a link or inbox item that opens the not-found or an error screen, or a download that fails",
    "inbox-target": "an inbox item opens a screen that does not show what the item is about",
    "target-size": "a tap target under 24×24 px (44×44 px in care mode), WCAG 2.5.8 spacing and inline exceptions applied",
    "slow": "the screen's content is not there 3 s after the shell or the tap",
}
THUMB_SCALE = 0.75  # screenshots are 360×740 CSS pixels; the PNG grid shows them at 270×555
GRID_COLUMNS = 6


def finding_dict(f, known: bool) -> dict:
    return {
        "screen": f.screen,
        "rule": f.rule,
        "snippet": f.snippet,
        "detail": f.detail,
        "url": f.url,
        "selector": f.selector,
        "known": known,
    }


def write_walk(out_dir: Path, walk, entries: list[dict], comparison) -> dict:
    """findings.json, index.html and sheet.png for one walk; returns the summary written to findings.json."""
    role, mode = walk.role.name, walk.mode.name
    summary = {
        "role": role,
        "mode": mode,
        "role_label": walk.role.label,
        "mode_label": walk.mode.label,
        "written_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(walk.seconds, 1),
        "screens": sorted({v.screen for v in walk.visits}),
        "visits": [
            {
                "index": v.index,
                "url": v.url,
                "via": v.via,
                "inbox": v.inbox,
                "screen": v.screen,
                "state": v.state,
                "path": v.path,
                "title": v.title,
                "ms": v.ms,
                "shot": v.shot,
                "findings": [finding_dict(f, is_known(f, role, mode, entries)) for f in v.findings],
            }
            for v in walk.visits
        ],
        "findings": [finding_dict(f, is_known(f, role, mode, entries)) for f in walk.findings],
        "stale": comparison.stale,
        "writes": walk.writes,
        "retried": walk.retried,
    }
    (out_dir / "findings.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "index.html").write_text(_walk_html(summary), encoding="utf-8")
    _png_grid(out_dir, summary)
    write_index(out_dir.parent)
    return summary


def _counts(findings: list[dict]) -> Counter:
    return Counter(f["rule"] for f in findings)


CSS = """
body{font:14px/1.4 system-ui,'Noto Sans CJK SC',sans-serif;margin:16px;background:#f4f4f5;color:#18181b}
h1{font-size:20px}.grid{display:flex;flex-wrap:wrap;gap:16px}
.card{background:#fff;border:1px solid #d4d4d8;border-radius:8px;padding:8px;width:600px;display:flex;gap:10px}
.card img{width:200px;height:411px;border:1px solid #a1a1aa;flex:none}
.card.bad{border:2px solid #dc2626}.meta{font-size:12px;overflow-wrap:anywhere}
.meta code{background:#f4f4f5}.f{margin:4px 0;padding:4px;border-left:3px solid #f59e0b;background:#fffbeb}
.f.new{border-color:#dc2626;background:#fef2f2}.rule{font-weight:600}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d4d4d8;padding:4px 8px;text-align:left}
.zero{color:#a1a1aa}.stale{background:#eff6ff;border-left:3px solid #2563eb;padding:4px;margin:4px 0}
"""


def _esc(value) -> str:
    return html.escape(str(value))


def _walk_html(s: dict) -> str:
    counts = _counts(s["findings"])
    new = [f for f in s["findings"] if not f["known"]]
    rows = "".join(f"<tr><td>{r}</td><td>{counts.get(r, 0)}</td><td>{_esc(RULE_HELP[r])}</td></tr>" for r in RULES)
    stale = "".join(
        f"<div class='stale'>no longer seen (remove from known_findings.json): <b>{_esc(e['rule'])}</b> "
        f"{_esc(e['screen'])} — {_esc(e['snippet'])}</div>"
        for e in s["stale"]
    )
    cards = []
    for v in s["visits"]:
        if not v["shot"]:
            continue
        items = "".join(
            f"<div class='f{' new' if not f['known'] else ''}'><span class='rule'>{_esc(f['rule'])}</span>"
            f"{'' if f['known'] else ' <b>NEW</b>'}: {_esc(f['snippet'])}<br><small>{_esc(f['detail'])}</small></div>"
            for f in v["findings"]
        )
        bad = any(not f["known"] for f in v["findings"])
        cards.append(
            f"<div class='card{' bad' if bad else ''}' id='v{v['index']}'><a href='shots/{v['shot']}'><img loading='lazy' "
            f"src='shots/{v['shot']}' alt='{_esc(v['screen'])}'></a><div class='meta'><b>#{v['index']} {_esc(v['screen'])}</b>"
            f"<br><code>{_esc(v['path'])}</code><br>{_esc(v['title'])}<br>via {_esc(v['via'])}"
            f"<br>content in {_esc(v['ms'])} ms{items}</div></div>"
        )
    quiet = [v for v in s["visits"] if not v["shot"]]
    quiet_rows = "".join(
        f"<tr><td>#{v['index']}</td><td>{_esc(v['screen'])}</td><td><code>{_esc(v['path'])}</code></td>"
        f"<td>{_esc(v['via'])}</td></tr>"
        for v in quiet
    )
    quiet_html = (
        f"<h2>Also visited, no new screen and nothing found ({len(quiet)})</h2><table>{quiet_rows}</table>"
        if quiet
        else ""
    )
    return (
        f"<!doctype html><meta charset='utf-8'><title>Linli journeys: {_esc(s['role'])} / {_esc(s['mode'])}</title>"
        f"<style>{CSS}</style><h1>{_esc(s['role_label'])} · {_esc(s['mode_label'])}</h1>"
        f"<p>{len(s['visits'])} visits, {len(s['screens'])} screens, {len(s['findings'])} findings "
        f"({len(new)} not in known_findings.json), {s['seconds']} s, written {_esc(s['written_at'])}. "
        f"<a href='sheet.png'>PNG grid</a> · <a href='../index.html'>all roles and modes</a></p>"
        f"{'<p>Opened twice (slow or server busy the first time): ' + _esc('; '.join(s['retried'])) + '</p>' if s['retried'] else ''}"
        f"<table><tr><th>rule</th><th>findings</th><th>what it checks</th></tr>{rows}</table>{stale}"
        f"<h2>Screens</h2><div class='grid'>{''.join(cards)}</div>{quiet_html}"
    )


def _font(size: int):
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _png_grid(out_dir: Path, s: dict) -> None:
    from PIL import Image, ImageDraw

    shots = [v for v in s["visits"] if v["shot"]]
    if not shots:
        return
    tw, th = int(360 * THUMB_SCALE), int(740 * THUMB_SCALE)
    caption, gap, head = 58, 12, 40
    cols = min(GRID_COLUMNS, len(shots))
    rows = (len(shots) + cols - 1) // cols
    sheet = Image.new("RGB", (gap + cols * (tw + gap), head + rows * (th + caption + gap)), "#f4f4f5")
    draw = ImageDraw.Draw(sheet)
    small, big = _font(13), _font(18)
    counts = _counts(s["findings"])
    draw.text(
        (gap, 10),
        f"{s['role_label']} · {s['mode_label']} — {len(s['visits'])} visits, {len(s['findings'])} findings: "
        + ", ".join(f"{r} {n}" for r, n in counts.most_common()),
        fill="#18181b",
        font=big,
    )
    for i, v in enumerate(shots):
        x = gap + (i % cols) * (tw + gap)
        y = head + (i // cols) * (th + caption + gap)
        with Image.open(out_dir / "shots" / v["shot"]) as img:
            sheet.paste(img.convert("RGB").resize((tw, th)), (x, y))
        new = sum(1 for f in v["findings"] if not f["known"])
        colour = "#dc2626" if new else "#b45309" if v["findings"] else "#3f3f46"
        draw.rectangle([x - 1, y - 1, x + tw, y + th], outline=colour, width=2 if v["findings"] else 1)
        draw.text((x, y + th + 3), f"#{v['index']} {v['screen']}"[:38], fill="#18181b", font=small)
        rules = Counter(f["rule"] for f in v["findings"])
        label = ", ".join(f"{r}×{n}" for r, n in rules.items()) or "ok"
        draw.text((x, y + th + 21), label[:40], fill=colour, font=small)
        draw.text((x, y + th + 38), v["path"][:40], fill="#52525b", font=small)
    sheet.save(out_dir / "sheet.png", compress_level=1)  # fast: it is rewritten on every run


def write_index(root: Path) -> None:
    """The page that links every role × mode written so far, with its counts."""
    rows = []
    for path in sorted(root.glob("*/findings.json")):
        try:
            s = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # a walk running in the background has just cleared its directory
            continue
        counts = _counts(s["findings"])
        new = sum(1 for f in s["findings"] if not f["known"])
        cells = "".join(f"<td class='{'zero' if not counts.get(r) else ''}'>{counts.get(r, 0)}</td>" for r in RULES)
        rows.append(
            f"<tr><td><a href='{path.parent.name}/index.html'>{_esc(s['role'])} · {_esc(s['mode'])}</a> "
            f"(<a href='{path.parent.name}/sheet.png'>png</a>)</td><td>{len(s['screens'])}</td>"
            f"<td>{len(s['visits'])}</td>{cells}<td>{new}</td><td>{len(s['stale'])}</td><td>{s['seconds']}</td>"
            f"<td>{_esc(s['written_at'])}</td></tr>"
        )
    head = "".join(f"<th title='{_esc(RULE_HELP[r])}'>{r}</th>" for r in RULES)
    (root / "index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>Linli journeys</title><style>{CSS}</style>"
        f"<h1>Linli journeys: every screen, every role, every mode</h1><table><tr><th>role · mode</th><th>screens</th>"
        f"<th>visits</th>{head}<th>new</th><th>stale</th><th>s</th><th>written</th></tr>{''.join(rows)}</table>",
        encoding="utf-8",
    )
