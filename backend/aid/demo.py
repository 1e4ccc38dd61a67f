"""Demo content for mutual aid in 阳光社区, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.aid import services as aid
from backend.aid.models import AidPost
from backend.core.db import utcnow
from backend.extensions import db


def _at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return utcnow() + timedelta(days=days, hours=hours, minutes=minutes)


def seed_aid(ctx) -> None:
    zhao, qian, sun, zhou, wu, zheng, feng, chen = ctx.neighbours
    _seed_aid_posts(ctx.community.id, ctx.grids, ctx.users["resident"], zhao, qian, sun, zhou, wu, zheng, feng, chen)


def _seed_aid_posts(cid, grids, resident, zhao, qian, sun, zhou, wu, zheng, feng, chen) -> None:
    # Open request with two offers of help waiting for the author.
    hospital = aid.create_post(
        wu,
        cid,
        kind="request",
        category="health_escort",
        title="陪老人去医院",
        body="下周二上午要去瑞金医院复查，腿脚不便，想请一位邻居陪同挂号、取药。",
        needed_at=_at(days=4),
        grid_id=grids[0].id,
    )
    aid.respond(zheng, hospital.id, message="吴奶奶，我周二上午休息，可以陪您去。")
    aid.respond(sun, hospital.id, message="我会开车，可以接送您。")

    # The resident demo account has a request with a response to accept.
    parcel = aid.create_post(
        resident,
        cid,
        kind="request",
        category="errands",
        title="帮忙取快递",
        body="这周出差，快递驿站有两个包裹，麻烦邻居帮我代收一下。",
        needed_at=_at(days=2),
        grid_id=grids[0].id,
    )
    aid.respond(feng, parcel.id, message="我每天下班都路过驿站，交给我吧。")

    aid.create_post(
        zhou,
        cid,
        kind="offer",
        category="lending",
        title="借电钻",
        body="家里有一把博世电钻和一套钻头，邻居装修、挂画需要可以借用，用完归还即可。",
        grid_id=grids[2].id,
    )
    aid.create_post(
        sun,
        cid,
        kind="offer",
        category="elderly_companionship",
        title="每周二下午陪老人聊天",
        body="退休在家，每周二下午有空，可以陪独居老人聊聊天、读读报。",
        grid_id=grids[1].id,
    )

    # Matched: the tutoring offer found a family.
    tutoring = aid.create_post(
        qian,
        cid,
        kind="offer",
        category="tutoring",
        title="周末小学数学辅导",
        body="退休数学老师，周六上午可以给三到五年级的孩子辅导数学，在社区活动室。",
        grid_id=grids[1].id,
    )
    chen_asks = aid.respond(chen, tutoring.id, message="钱老师好，我家孩子四年级，应用题总是做不对。")
    aid.accept_response(qian, tutoring.id, chen_asks.id)

    # Completed, with time-bank hours and a public thank-you.
    tap = aid.create_post(
        zhao,
        cid,
        kind="request",
        category="repairs",
        title="修理漏水的水龙头",
        body="厨房水龙头一直滴水，需要上门看看。",
        at_home=True,
        grid_id=grids[0].id,
    )
    zhou_helps = aid.respond(zhou, tap.id, message="赵大爷，我是水电工，今晚七点上门。")
    aid.accept_response(zhao, tap.id, zhou_helps.id)
    aid.complete(zhou, tap.id, hours=1.5)
    aid.complete(zhao, tap.id, thanks="周师傅手艺真好，十分钟就修好了，谢谢！")

    childcare = aid.create_post(
        zheng,
        cid,
        kind="request",
        category="childcare",
        title="周五傍晚临时照看孩子一小时",
        body="周五加班，孩子五点放学，想请邻居帮忙接一下、照看一小时。",
        grid_id=grids[0].id,
    )
    resident_helps = aid.respond(resident, childcare.id, message="我五点正好在家，可以帮你接。")
    aid.accept_response(zheng, childcare.id, resident_helps.id)
    aid.complete(zheng, childcare.id, hours=1, thanks="张阿姨太热心了，孩子说阿姨做的点心很好吃！")

    # Closed by its author, and one whose date has passed.
    chess = aid.create_post(
        feng,
        cid,
        kind="request",
        category="emotional_support",
        title="周末找人下象棋",
        body="一个人在家闷，想找棋友。",
        grid_id=grids[3].id,
    )
    aid.close(feng, chess.id)
    stroller = aid.create_post(
        chen,
        cid,
        kind="request",
        category="lending",
        title="借婴儿推车",
        body="亲戚带孩子来住两天，想借一辆婴儿推车。",
        needed_at=_at(hours=1),
        grid_id=grids[3].id,
    )
    db.session.get(AidPost, stroller.id).needed_at = _at(days=-2)
    aid.expire_posts()
    db.session.flush()
