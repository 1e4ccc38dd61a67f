"""Demo polls of 阳光社区: the projects' votes, and an open and a closed poll of every method.

Built through the services. The projects the projects demo made ready (`ctx.projects`) are decided by
real yes/no polls: every verified neighbour votes and the committee closes each poll early, which the
voting rules allow once nobody is left to vote; the winners are then started, built and rated, as the
community's decision would have them. Closed polls are opened in the past, voted on, then their window
is moved behind us and they are closed the way the close job does it. 张阿姨 (resident@demo.linli) has
voted in only one open poll, so the demo shows both the ballot screens and the "you voted" state.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from backend.accounts import services as accounts
from backend.comments import services as comments
from backend.communities import access
from backend.communities import services as communities
from backend.core.db import utcnow
from backend.extensions import db
from backend.projects import services as projects
from backend.voting import services as voting
from backend.voting.models import Poll

YUAN = 100


def _open(ctx, **fields):
    now = utcnow()
    fields.setdefault("opens_at", now - timedelta(days=2))
    fields.setdefault("closes_at", now + timedelta(days=7))
    return voting.create_poll(ctx.users["committee"], ctx.community.id, **fields)


def _close_in_the_past(poll: Poll, days_ago: int) -> None:
    now = utcnow()
    db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id)
        .values(opens_at=now - timedelta(days=days_ago + 10), closes_at=now - timedelta(days=days_ago))
    )
    db.session.flush()
    db.session.expire(poll)
    voting.close_due_polls()


def _cast(voters, poll: Poll, bodies) -> None:
    for voter, body in zip(voters, bodies, strict=False):
        voting.cast_ballot(voter, poll.id, body)


def _decide_by_vote(ctx, project_ids_yes: list[int], project_ids_no: list[int]) -> None:
    """One yes/no poll per project; every verified neighbour votes, so the committee may close it early."""
    committee = ctx.users["committee"]
    people = accounts.users_by_id(communities.community_member_ids(ctx.community.id))
    voters = [people[user_id] for user_id in sorted(people)]
    for project_id, passes in [(pid, True) for pid in project_ids_yes] + [(pid, False) for pid in project_ids_no]:
        title = projects.get_project(project_id).title
        poll = voting.create_poll(
            committee,
            ctx.community.id,
            title=f"是否实施：{title}",
            method="yes_no",
            opens_at=utcnow() - timedelta(days=7),
            closes_at=utcnow() + timedelta(days=3),
            project_id=project_id,
            quorum=0.0,
            pass_threshold=0.5,
            secret=True,
        )
        for index, voter in enumerate(voters):
            choice = ("yes" if index % 4 else "no") if passes else ("no" if index % 4 else "yes")
            voting.cast_ballot(voter, poll.id, {"choice": choice})
        voting.close_poll(committee, poll.id, reason="全体住户均已投票，提前公布结果")


def _comment(person, project_id, body):
    comments.post_comment(person, "project", project_id, body=body)


def _seed_project_votes(ctx) -> None:
    """The ready projects go to the vote; then meals waits to start, garden is in progress, sorting done."""
    committee, resident, grid_worker, n = (
        ctx.users["committee"],
        ctx.users["resident"],
        ctx.users["grid"],
        ctx.neighbours,
    )
    garden, meals, paint, sorting, voting_now = (
        ctx.projects[name] for name in ("garden", "meals", "paint", "sorting", "voting_now")
    )
    _decide_by_vote(ctx, [garden, meals, sorting], [paint])
    voting.create_poll(
        committee,
        ctx.community.id,
        title="是否实施：健身器材区铺设塑胶地面",
        method="yes_no",
        opens_at=utcnow() - timedelta(hours=2),
        closes_at=utcnow() + timedelta(days=6),
        project_id=voting_now,
        quorum=0.1,
        pass_threshold=0.5,
        secret=True,
    )

    projects.start_project(committee, garden, note="种植箱已下单，本周六上午九点屋顶集合。")
    projects.post_update(n[2], garden, body="20个种植箱已经装好，土也填上了。", percent_done=40)
    projects.post_update(n[2], garden, body="滴灌管铺好了，已有16户邻居认领。", percent_done=70)
    _comment(n[6], garden, "我认领了3号箱，打算种小番茄！")

    projects.start_project(committee, sorting)
    projects.post_update(committee, sorting, body="水管接通，洗手池装好。", percent_done=90)
    projects.complete_project(n[0], sorting, note="验收完成，感谢周师傅帮忙接水管。")
    for person, stars, words in [
        (n[1], 5, "投完垃圾能洗手，太方便了。"),
        (n[4], 4, "很好，就是冬天水有点凉。"),
        (resident, 5, ""),
        (grid_worker, 4, "希望每个分类亭都装一个。"),
    ]:
        projects.rate_project(person, sorting, stars=stars, comment=words)
    _comment(n[7], sorting, "孩子们现在扔完垃圾都会主动去洗手。")


def seed_voting(ctx) -> None:
    _seed_project_votes(ctx)
    n = ctx.neighbours  # 赵大爷 钱老师 孙姐 周师傅 吴奶奶 郑小妹 冯叔 陈妈妈
    users = ctx.users
    neighbours_and_staff = [*n, users["grid"], users["org"], users["committee"]]

    # --- open polls ---------------------------------------------------------------------------
    shed = _open(
        ctx,
        title="是否同意在3号楼东侧加装电动车充电棚？",
        method="yes_no",
        eligibility="household",
        quorum=0.3,
        description="充电棚约12个车位，由物业统一管理，按度收费。飞线充电将被禁止。一户一票，请和家人商量后投票。",
    )
    _cast(n[:6], shed, [{"choice": c} for c in ("yes", "yes", "no", "yes", "abstain", "yes")])

    festival = _open(
        ctx,
        title="今年重阳节敬老活动安排在哪一天？",
        method="single",
        secret=False,
        options=[
            {"label": "10月11日（周六）上午"},
            {"label": "10月12日（周日）下午"},
            {"label": "重阳节当天（周三）傍晚"},
        ],
        description="活动包括义诊、理发和包饺子，地点在社区活动室。",
    )
    ids = festival.option_ids()
    _cast([*n[:5], users["resident"]], festival, [{"option_id": ids[i]} for i in (0, 0, 1, 0, 2, 0)])

    garden = _open(
        ctx,
        title="花园改造：你最希望增加哪些设施？（最多选3项）",
        method="approval",
        max_choices=3,
        options=[
            {"label": "健身步道"},
            {"label": "儿童沙池"},
            {"label": "遮阳凉亭"},
            {"label": "宠物便便箱"},
            {"label": "休息长椅"},
        ],
    )
    ids = garden.option_ids()
    _cast(
        n[2:8],
        garden,
        [{"option_ids": [ids[a] for a in pick]} for pick in ((0, 2), (1, 4), (2, 4, 0), (2,), (3, 4), (0, 2, 4))],
    )

    priorities = _open(
        ctx,
        title="物业服务提升：请为以下问题排出先后",
        method="ranked",
        description="结果将作为下季度与物业沟通的优先顺序。",
        options=[
            {"label": "地下车库漏水"},
            {"label": "电梯经常停运"},
            {"label": "垃圾清运不及时"},
            {"label": "夜间巡逻太少"},
        ],
    )
    ids = priorities.option_ids()
    _cast(
        n,
        priorities,
        [
            {"ranking": [ids[i] for i in order]}
            for order in ((1, 0, 2), (1, 3), (0, 1, 2, 3), (2, 1), (1, 2, 0), (3, 0), (0, 1), (2, 3, 1))
        ],
    )

    fund = _open(
        ctx,
        title="2026年社区微基金：8万元怎么花？",
        method="budget",
        budget_rule="equal_shares",
        budget_cents=80_000 * YUAN,
        max_choices=4,
        description="按“均等份额法”分配：每位投票的居民拥有同样一份预算，少数人的需求也能被满足。",
        options=[
            {"label": "楼道感应灯改造（全小区）", "cost_cents": 36_000 * YUAN},
            {"label": "无障碍坡道（1、4、7号楼）", "cost_cents": 28_000 * YUAN},
            {"label": "儿童游乐区软垫", "cost_cents": 22_000 * YUAN},
            {"label": "老年食堂餐桌椅", "cost_cents": 12_000 * YUAN},
            {"label": "快递柜雨棚", "cost_cents": 8_000 * YUAN},
        ],
    )
    ids = fund.option_ids()
    _cast(
        [*n, users["grid"]],
        fund,
        [
            {"option_ids": [ids[i] for i in pick]}
            for pick in ((0, 1), (1, 3), (0, 2), (2, 4), (0, 1, 4), (1,), (0, 3), (2, 3, 4), (0,))
        ],
    )

    # --- closed polls -------------------------------------------------------------------------
    sorting = _open(
        ctx,
        title="是否同意把垃圾投放时间延长到晚上9点？",
        method="yes_no",
        quorum=0.25,
        description="目前晚间投放截止到8点，上夜班的居民反映来不及。",
    )
    _cast(
        neighbours_and_staff,
        sorting,
        [{"choice": c} for c in ("yes", "yes", "no", "yes", "yes", "abstain", "yes", "no", "yes", "yes", "yes")],
    )
    _close_in_the_past(sorting, 20)

    gala = _open(
        ctx,
        title="春节联欢会最想看什么节目？",
        method="single",
        options=[{"label": "社区合唱团"}, {"label": "小朋友才艺秀"}, {"label": "戏曲票友专场"}],
    )
    ids = gala.option_ids()
    _cast(neighbours_and_staff, gala, [{"option_id": ids[i]} for i in (1, 0, 1, 2, 2, 1, 0, 1, 1, 2, 0)])
    _close_in_the_past(gala, 40)

    services = _open(
        ctx,
        title="周末便民服务想要哪些？（多选）",
        method="approval",
        secret=False,
        options=[{"label": "磨刀修伞"}, {"label": "免费量血压"}, {"label": "家电小维修"}, {"label": "手机使用教学"}],
    )
    ids = services.option_ids()
    _cast(
        neighbours_and_staff,
        services,
        [
            {"option_ids": [ids[a] for a in pick]}
            for pick in ((0, 1), (1, 3), (1,), (2, 3), (1, 2), (0,), (3,), (1, 3), (2,), (1,), (0, 1, 2, 3))
        ],
    )
    _close_in_the_past(services, 30)

    leader = _open(
        ctx,
        title="第一网格楼组长推选（排序投票）",
        method="ranked",
        eligibility="grid",
        grid_id=ctx.grids[0].id,
        options=[{"label": "赵大爷"}, {"label": "周师傅"}, {"label": "李网格员推荐：孙姐"}],
    )
    grid_one = [
        p
        for p in [*n, users["grid"], users["resident"], users["committee"]]
        if access.membership(p, ctx.community.id).grid_id == ctx.grids[0].id
    ]
    ids = leader.option_ids()
    _cast(
        grid_one,
        leader,
        [{"ranking": [ids[i] for i in order]} for order in ((0, 2), (1, 2, 0), (2, 1), (1, 0), (0, 1, 2))],
    )
    _close_in_the_past(leader, 60)

    quarter = _open(
        ctx,
        title="2025年第四季度微基金（5万元）",
        method="budget",
        budget_rule="greedy",
        budget_cents=50_000 * YUAN,
        options=[
            {"label": "单元门禁维修", "cost_cents": 18_000 * YUAN},
            {"label": "楼顶防水补漏", "cost_cents": 26_000 * YUAN},
            {"label": "社区图书角书架", "cost_cents": 6_000 * YUAN},
            {"label": "健身器材翻新", "cost_cents": 15_000 * YUAN},
        ],
    )
    ids = quarter.option_ids()
    _cast(
        neighbours_and_staff,
        quarter,
        [
            {"option_ids": [ids[i] for i in pick]}
            for pick in ((0, 1), (1,), (0, 2), (1, 3), (0, 1), (2, 3), (1,), (0, 3), (1, 2), (0,), (3,))
        ],
    )
    _close_in_the_past(quarter, 50)
