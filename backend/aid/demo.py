"""Demo content for mutual aid and volunteering in 阳光社区, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.aid import services as aid
from backend.aid.models import AidPost
from backend.core.db import utcnow
from backend.extensions import db
from backend.volunteering import services as volunteering


def _at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return utcnow() + timedelta(days=days, hours=hours, minutes=minutes)


def _shift(start: datetime, hours: float, capacity: int) -> dict:
    return {"starts_at": start, "ends_at": start + timedelta(hours=hours), "capacity": capacity}


def _next_saturday_9am_shanghai() -> datetime:
    """Saturday 09:00 Beijing time (01:00 UTC), at least a day ahead."""
    day = utcnow().replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def seed_aid(ctx) -> None:
    users, n = ctx.users, ctx.neighbours
    zhao, qian, sun, zhou, wu, zheng, feng, chen = n
    resident, org_admin, committee = users["resident"], users["org"], users["committee"]
    cid, grids = ctx.community.id, ctx.grids
    _seed_aid_posts(cid, grids, resident, zhao, qian, sun, zhou, wu, zheng, feng, chen)
    _seed_volunteering(cid, grids, committee, org_admin, resident, n)


def _seed_aid_posts(cid, grids, resident, zhao, qian, sun, zhou, wu, zheng, feng, chen) -> None:
    # Open request with two offers of help waiting for the author.
    hospital = aid.create_post(wu, cid, kind="request", category="health_escort", title="陪老人去医院",
                               body="下周二上午要去瑞金医院复查，腿脚不便，想请一位邻居陪同挂号、取药。",
                               needed_at=_at(days=4), grid_id=grids[0].id)
    aid.respond(zheng, hospital.id, message="吴奶奶，我周二上午休息，可以陪您去。")
    aid.respond(sun, hospital.id, message="我会开车，可以接送您。")

    # The resident demo account has a request with a response to accept.
    parcel = aid.create_post(resident, cid, kind="request", category="errands", title="帮忙取快递",
                             body="这周出差，快递驿站有两个包裹，麻烦邻居帮我代收一下。", needed_at=_at(days=2),
                             grid_id=grids[0].id)
    aid.respond(feng, parcel.id, message="我每天下班都路过驿站，交给我吧。")

    aid.create_post(zhou, cid, kind="offer", category="lending", title="借电钻",
                    body="家里有一把博世电钻和一套钻头，邻居装修、挂画需要可以借用，用完归还即可。", grid_id=grids[2].id)
    aid.create_post(sun, cid, kind="offer", category="elderly_companionship", title="每周二下午陪老人聊天",
                    body="退休在家，每周二下午有空，可以陪独居老人聊聊天、读读报。", grid_id=grids[1].id)

    # Matched: the tutoring offer found a family.
    tutoring = aid.create_post(qian, cid, kind="offer", category="tutoring", title="周末小学数学辅导",
                               body="退休数学老师，周六上午可以给三到五年级的孩子辅导数学，在社区活动室。",
                               grid_id=grids[1].id)
    chen_asks = aid.respond(chen, tutoring.id, message="钱老师好，我家孩子四年级，应用题总是做不对。")
    aid.accept_response(qian, tutoring.id, chen_asks.id)

    # Completed, with time-bank hours and a public thank-you.
    tap = aid.create_post(zhao, cid, kind="request", category="repairs", title="修理漏水的水龙头",
                          body="厨房水龙头一直滴水，需要上门看看。", at_home=True, grid_id=grids[0].id)
    zhou_helps = aid.respond(zhou, tap.id, message="赵大爷，我是水电工，今晚七点上门。")
    aid.accept_response(zhao, tap.id, zhou_helps.id)
    aid.complete(zhou, tap.id, hours=1.5)
    aid.complete(zhao, tap.id, thanks="周师傅手艺真好，十分钟就修好了，谢谢！")

    childcare = aid.create_post(zheng, cid, kind="request", category="childcare", title="周五傍晚临时照看孩子一小时",
                                body="周五加班，孩子五点放学，想请邻居帮忙接一下、照看一小时。", grid_id=grids[0].id)
    resident_helps = aid.respond(resident, childcare.id, message="我五点正好在家，可以帮你接。")
    aid.accept_response(zheng, childcare.id, resident_helps.id)
    aid.complete(zheng, childcare.id, hours=1, thanks="张阿姨太热心了，孩子说阿姨做的点心很好吃！")

    # Closed by its author, and one whose date has passed.
    chess = aid.create_post(feng, cid, kind="request", category="emotional_support", title="周末找人下象棋",
                            body="一个人在家闷，想找棋友。", grid_id=grids[3].id)
    aid.close(feng, chess.id)
    stroller = aid.create_post(chen, cid, kind="request", category="lending", title="借婴儿推车",
                               body="亲戚带孩子来住两天，想借一辆婴儿推车。", needed_at=_at(hours=1), grid_id=grids[3].id)
    db.session.get(AidPost, stroller.id).needed_at = _at(days=-2)
    aid.expire_posts()
    db.session.flush()


def _seed_volunteering(cid, grids, committee, org_admin, resident, neighbours) -> None:
    zhao, qian, sun, zhou, wu, zheng, feng, chen = neighbours
    organisation = volunteering.create_organisation(
        org_admin, cid, name="阳光志愿者协会", kind="volunteer_group",
        description="由社区居民自发组成，组织社区清洁、敬老院探访、防诈骗宣传等志愿服务。")
    volunteering.verify_organisation(committee, organisation.id)
    volunteering.create_organisation(qian, cid, name="花园种植小组", kind="volunteer_group",
                                     description="想在 3 号楼北侧空地种花种菜，欢迎加入。")  # pending: committee queue

    for person, skills, availability in ((resident, ["烹饪", "陪伴老人"], "工作日下午"),
                                         (zhou, ["水电维修"], "晚上"), (qian, ["辅导", "书法"], "周末上午"),
                                         (sun, ["驾驶", "陪伴老人"], "周二、周四"), (zheng, ["急救", "英语"], "周末"),
                                         (chen, ["烹饪"], "周末"), (feng, ["清洁"], "随时")):
        volunteering.put_profile(person, skills=skills, availability=availability)

    saturday = _next_saturday_9am_shanghai()
    cleaning = volunteering.create_activity(
        org_admin, organisation.id, title="社区清洁日",
        description="清理中心花园和各楼道的杂物、小广告，工具由协会提供，请穿方便活动的衣服。",
        location="中心花园集合", skills=["清洁"], grid_ids=[],
        shifts=[_shift(saturday, 2, 3), _shift(saturday + timedelta(hours=5), 2, 6)])
    morning, afternoon = cleaning.shifts
    for person in (feng, zhao, sun, chen, zheng):  # three places: two on the waitlist
        volunteering.sign_up(person, morning.id)
    for person in (zhou, resident):
        volunteering.sign_up(person, afternoon.id)

    # Today: the resident is confirmed and can check in with the code shown by the organiser.
    visit = volunteering.create_activity(
        org_admin, organisation.id, title="敬老院探访",
        description="到康乐敬老院陪老人聊天、表演节目、一起包饺子。", location="康乐敬老院（社区东门对面）",
        skills=["陪伴老人", "烹饪"], grid_ids=[], shifts=[_shift(_at(minutes=10), 4, 4), _shift(_at(days=7), 3, 2)])
    for person in (resident, sun):
        volunteering.sign_up(person, visit.shifts[0].id)
    for person in (wu, zheng, feng):  # two places: one waits
        volunteering.sign_up(person, visit.shifts[1].id)

    volunteering.create_activity(
        org_admin, organisation.id, title="防诈骗宣传进楼道",
        description="给老人讲解常见电信诈骗手法，发放宣传册。", location="各楼栋一楼大厅",
        skills=["讲解", "陪伴老人"], grid_ids=[grids[0].id, grids[1].id],
        shifts=[_shift(_at(days=10), 2, 8)])

    # Last month's activity with recorded hours, so the record and the certificate have content.
    past = volunteering.create_activity(
        org_admin, organisation.id, title="垃圾分类宣传", description="在小区门口指导居民垃圾分类。",
        location="小区南门", skills=["讲解"], grid_ids=[], shifts=[_shift(_at(days=1), 3, 5)])
    for person in (resident, zhou, feng):
        signup = volunteering.sign_up(person, past.shifts[0].id)
        signup.checked_in_at, signup.minutes = _at(days=-30), 180
    past_shift = past.shifts[0]
    past_shift.starts_at, past_shift.ends_at = _at(days=-30), _at(days=-30, hours=3)
    past.starts_at, past.ends_at = past_shift.starts_at, past_shift.ends_at
    db.session.flush()
