"""Demo reports in every state, with drawn photos."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw

from backend.extensions import db
from backend.reports import services as reports
from backend.reports.models import Report, ReportEvent
from backend.uploads import services as uploads

# Points inside the demo grids (lat, lng): grid 1 north-east, 2 north-west, 3 south-west, 4 south-east.
GRID_POINTS = {1: (31.2338, 121.4745), 2: (31.2338, 121.4715), 3: (31.2312, 121.4715), 4: (31.2312, 121.4745)}


# --- photos: simple scenes drawn with Pillow (no text: no font needed) ---------------------------------


def _canvas(sky):
    image = Image.new("RGB", (960, 720), sky)
    return image, ImageDraw.Draw(image)


def _street_light() -> Image.Image:
    image, draw = _canvas((28, 36, 64))
    draw.rectangle((0, 560, 960, 720), fill=(70, 70, 78))
    draw.rectangle((450, 180, 470, 560), fill=(120, 120, 130))
    draw.rectangle((470, 180, 600, 196), fill=(120, 120, 130))
    draw.ellipse((570, 190, 640, 240), fill=(60, 60, 66), outline=(150, 150, 150), width=3)  # the dark lamp
    for x, y in ((80, 60), (300, 110), (760, 80), (880, 150)):
        draw.ellipse((x, y, x + 4, y + 4), fill=(240, 240, 200))
    return image


def _rubbish() -> Image.Image:
    image, draw = _canvas((190, 210, 225))
    draw.rectangle((0, 470, 960, 720), fill=(150, 146, 138))
    draw.rectangle((120, 300, 300, 520), fill=(46, 125, 50))  # the bin
    rng = random.Random(7)
    for _ in range(40):
        x, y, r = rng.randint(200, 760), rng.randint(430, 620), rng.randint(20, 55)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice([(40, 40, 40), (90, 70, 50), (200, 200, 190)]))
    return image


def _manhole() -> Image.Image:
    image, draw = _canvas((110, 110, 112))
    draw.ellipse((300, 200, 700, 520), fill=(40, 40, 42))  # the hole
    draw.ellipse((360, 180, 780, 480), fill=(86, 80, 72), outline=(30, 30, 30), width=6)  # the cover, askew
    for i in range(5):
        draw.line((400, 240 + 45 * i, 740, 240 + 45 * i), fill=(60, 56, 50), width=5)
    return image


def _pothole() -> Image.Image:
    image, draw = _canvas((95, 95, 100))
    draw.polygon([(260, 360), (420, 300), (640, 330), (700, 430), (520, 520), (300, 480)], fill=(50, 45, 40))
    draw.line((0, 620, 960, 620), fill=(230, 230, 230), width=10)
    return image


def _fixed_light() -> Image.Image:
    image = _street_light()
    draw = ImageDraw.Draw(image)
    draw.ellipse((500, 150, 710, 290), fill=(120, 110, 50))
    draw.ellipse((570, 190, 640, 240), fill=(255, 240, 170))
    return image


def _greenery() -> Image.Image:
    image, draw = _canvas((200, 225, 240))
    draw.rectangle((0, 440, 960, 720), fill=(96, 140, 70))
    for x in range(60, 960, 140):
        draw.ellipse((x, 250, x + 160, 470), fill=(50, 110, 50))
    draw.line((420, 300, 560, 470), fill=(90, 60, 30), width=18)  # a fallen branch
    return image


SCENES = {
    "street_lights": _street_light,
    "rubbish": _rubbish,
    "safety_hazard": _manhole,
    "roads_paths": _pothole,
    "fixed": _fixed_light,
    "greenery": _greenery,
}


def _photo(user, scene: str) -> int:
    out = io.BytesIO()
    SCENES[scene]().save(out, "JPEG", quality=85)
    return uploads.create_upload(user, out.getvalue()).id


# --- reports -------------------------------------------------------------------------------------------


def _backdate(report: Report, hours: float) -> None:
    """Move a report (and its events) into the past, as if filed `hours` ago."""
    delta = timedelta(hours=hours)
    for name in (
        "created_at",
        "updated_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
        "response_due_at",
        "resolve_due_at",
        "next_due_at",
    ):
        if getattr(report, name) is not None:
            setattr(report, name, getattr(report, name) - delta)
    for event in db.session.scalars(db.select(ReportEvent).where(ReportEvent.report_id == report.id)):
        event.created_at -= delta
    db.session.flush()


def _report(
    user,
    ctx,
    grid: int,
    category: str,
    description: str,
    *,
    place: str = "",
    scene: str | None = None,
    jitter: float = 0.0,
    hours_ago: float = 0.0,
) -> Report:
    lat, lng = GRID_POINTS[grid]
    photo_ids = [_photo(user, scene or category)] if (scene or category) in SCENES else []
    report = reports.create_report(
        user,
        ctx.community.id,
        category=category,
        description=description,
        lat=lat + jitter,
        lng=lng - jitter,
        location_text=place,
        photo_ids=photo_ids,
    )
    if hours_ago:
        _backdate(report, hours_ago)
    return report


def _seed_problem_reports(ctx) -> None:
    committee, worker, resident = ctx.users["committee"], ctx.users["grid"], ctx.users["resident"]
    n = ctx.neighbours  # 赵大爷 g1, 钱老师 g2, 孙姐 g3, 周师傅 g4, 吴奶奶 g1, 郑小妹 g2, 冯叔 g3, 陈妈妈 g4

    # submitted, just now, grid 1: the grid worker has it; two neighbours said "me too"
    lamp = _report(
        resident,
        ctx,
        1,
        "street_lights",
        "3号楼东侧的路灯不亮了，晚上回家很黑，老人走路不安全。",
        place="3号楼东侧小路",
    )
    reports.me_too(n[0], lamp.id)
    reports.me_too(n[4], lamp.id)

    # overdue and escalated: a loose manhole cover in grid 3 reported 5 hours ago, nobody accepted it
    manhole = _report(
        n[2],
        ctx,
        3,
        "safety_hazard",
        "9号楼前的井盖松动，踩上去会翘起来，孩子放学经常经过。",
        place="9号楼南门",
        hours_ago=5,
    )
    reports.sla_sweep()

    # accepted by the grid worker
    rubbish = _report(
        n[0], ctx, 1, "rubbish", "垃圾房旁边的建筑垃圾堆了一个星期没人清运，有异味。", place="东苑垃圾房", hours_ago=20
    )
    reports.transition(worker, rubbish.id, action="accept", note="已收到，已联系物业安排清运车。")
    agencies = getattr(ctx, "agencies", None)
    if agencies:  # 吹哨: handed to the property management company, which accepted it (issue 19)
        reports.transition(
            worker, rubbish.id, action="transfer", agency_id=agencies["property"].id, note="建筑垃圾归物业清运。"
        )
        reports.transition(
            ctx.users["agency_property"], rubbish.id, action="accept_transfer", note="明早八点安排清运车。"
        )

    # assigned by the committee to the grid worker
    pothole = _report(
        n[1],
        ctx,
        2,
        "roads_paths",
        "西苑主路有个大坑，下雨积水，电动车差点摔倒。",
        place="西苑主路5号楼前",
        hours_ago=30,
    )
    reports.transition(committee, pothole.id, action="assign", assignee_id=worker.id, note="请李网格员协调物业修补。")

    # in progress
    noise = _report(
        n[3],
        ctx,
        4,
        "noise",
        "花园旁边有商户每天晚上十点后还在装修，电钻声很吵。",
        place="花园东侧沿街商铺",
        hours_ago=26,
    )
    reports.transition(committee, noise.id, action="accept", note="居委会已登记。")
    reports.transition(committee, noise.id, action="start", note="已约谈商户，要求晚上八点后停工。")

    # resolved, waiting for the reporter's verdict (with an "after" photo)
    branch = _report(
        n[4], ctx, 1, "greenery", "台风后有一根大树枝挂在树上，随时可能掉下来。", place="1号楼和2号楼之间", hours_ago=50
    )
    reports.transition(worker, branch.id, action="accept", note="马上去看。")
    reports.transition(worker, branch.id, action="resolve", note="已请绿化队锯掉断枝并清运。")

    # confirmed with a rating
    old_lamp = _report(
        resident,
        ctx,
        1,
        "street_lights",
        "篮球场的两盏灯坏了，晚上锻炼的人看不清。",
        place="小区篮球场",
        hours_ago=24 * 6,
    )
    reports.transition(worker, old_lamp.id, action="accept", note="已报修。")
    reports.transition(
        worker, old_lamp.id, action="resolve", note="电工已更换灯具，现在都亮了。", photo_ids=[_photo(worker, "fixed")]
    )
    reports.confirm(resident, old_lamp.id, stars=5, comment="修得很快，谢谢李网格员！")

    # confirmed by default: resolved 8 days ago, the reporter never answered
    drain = _report(
        n[5], ctx, 2, "water_drains", "6号楼下水道堵了，污水冒到路面上。", place="6号楼北侧", hours_ago=24 * 10
    )
    reports.transition(committee, drain.id, action="accept")
    reports.transition(committee, drain.id, action="resolve", note="已请疏通公司清理管道。")
    _backdate(drain, 24 * 8)
    reports.sla_sweep()

    # reopened by the reporter: "fixed" but still broken
    parking = _report(
        n[6], ctx, 3, "parking", "消防通道上长期停着一辆没有牌照的面包车。", place="南苑消防通道", hours_ago=24 * 4
    )
    reports.transition(committee, parking.id, action="accept")
    reports.transition(committee, parking.id, action="resolve", note="已贴告知单，请车主挪车。")
    reports.confirm(n[6], parking.id, reopen=True, comment="车还在，告知单被撕掉了。")

    # rejected: duplicate, and not the community's responsibility (with where to go instead)
    dup = _report(n[4], ctx, 1, "street_lights", "3号楼那边的路灯坏了。", place="3号楼", jitter=0.0001)
    reports.transition(
        worker,
        dup.id,
        action="reject",
        reason="duplicate",
        duplicate_of_id=lamp.id,
        note="与已有的反映重复，已合并处理。",
    )
    bus = _report(n[7], ctx, 4, "other", "小区门口公交站的站牌歪了。", place="南门公交站", scene=None, hours_ago=10)
    reports.transition(
        committee,
        bus.id,
        action="reject",
        reason="not_our_responsibility",
        redirect_to="公交站牌由市交通部门管理，请拨打 12345 市民热线反映。",
        note="已告知居民反映渠道。",
    )
    db.session.flush()
    db.session.refresh(manhole)  # escalated by the sweep above: shown as overdue


def seed_reports(ctx) -> None:
    """Reports in every state, with drawn photos; called from backend.demo.seed()."""
    _seed_problem_reports(ctx)
