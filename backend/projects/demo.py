"""Demo micro-projects of 阳光社区 in every state before a vote, with supports and comments.

Everything goes through the services, so the demo obeys the same rules as real use. The projects ready
for a vote are left in `ctx.projects`: the voting demo decides them by real polls and carries the winners
on (in progress, completed, rated).
"""

from __future__ import annotations

from backend.comments import services as comments
from backend.projects import services as projects

YUAN = 100


def _project(author, ctx, title, category, *, summary, body="", grid=0, budget=0, volunteers=0, submit=True):
    return projects.create_project(
        author,
        ctx.community.id,
        title=title,
        category=category,
        summary=summary,
        body=body,
        grid_id=ctx.grids[grid].id if grid is not None else None,
        budget_cents=budget * YUAN,
        volunteers_needed=volunteers,
        submit=submit,
    ).id


def _support(project_id, people):
    for person in people:
        projects.support_project(person, project_id)


def _accept(ctx, project_id, supporters):
    """Supports up to the goal (→ in review), then the committee accepts (→ ready)."""
    _support(project_id, supporters)
    return projects.review_project(ctx.users["committee"], project_id, decision="accept")


def _comment(person, project_id, body, parent_id=None):
    return comments.post_comment(person, "project", project_id, body=body, parent_id=parent_id).id


def seed_projects(ctx) -> None:
    committee, resident, grid_worker = ctx.users["committee"], ctx.users["resident"], ctx.users["grid"]
    n = ctx.neighbours  # 赵大爷 钱老师 孙姐 周师傅 吴奶奶 郑小妹 冯叔 陈妈妈

    def everyone_but(*skip):
        return [p for p in [*n, resident, grid_worker] if p not in skip]

    # draft: the resident's idea, not yet submitted
    _project(
        resident,
        ctx,
        "单元门口加装扶手",
        "elderly_care",
        submit=False,
        budget=1200,
        summary="3号楼2单元门口有三级台阶，老人进出不方便，想加一段不锈钢扶手。",
    )

    # submitted, collecting supports
    bench = _project(
        n[0],
        ctx,
        "修好3号楼前的长椅",
        "facilities",
        budget=800,
        volunteers=2,
        summary="3号楼前的木长椅断了两根横条，老人没地方歇脚。",
        body="长椅是小区建成时装的，已经坏了两年。想换成防腐木条，刷清漆，周末两个志愿者半天可以完成。",
    )
    _support(bench, [n[1], n[2]])
    top = _comment(n[4], bench, "支持！我每天下午都在那儿晒太阳，长椅修好了能多坐一会儿。")
    _comment(n[0], bench, "谢谢吴奶奶，周师傅说木料他可以帮忙去建材市场挑。", parent_id=top)
    _comment(resident, bench, "可以顺便在旁边装个小遮阳棚吗？")

    lighting = _project(
        n[6],
        ctx,
        "楼道照明换成感应灯",
        "safety",
        grid=2,
        budget=3600,
        volunteers=1,
        summary="5号楼楼道灯常年坏，晚上上下楼很危险，想换成声光感应LED灯。",
    )
    _support(lighting, [n[2], n[5], resident, grid_worker])
    _comment(n[5], lighting, "上周我妈在楼梯上差点摔倒，强烈支持！")

    # in review: the goal was reached, the committee has not decided yet
    fence = _project(
        n[7],
        ctx,
        "儿童游乐区加装围栏",
        "children",
        grid=3,
        budget=9800,
        volunteers=4,
        summary="游乐区紧挨车行道，小朋友追球容易跑到路上，需要一圈矮围栏和一个自闭门。",
    )
    _support(fence, everyone_but(n[7])[:5])
    _comment(n[1], fence, "围栏高度建议一米左右，不要挡住家长的视线。")

    # ready: accepted, waiting for a poll (the voting demo may put it to a vote)
    _accept(
        ctx,
        _project(
            n[1],
            ctx,
            "社区读书角",
            "culture",
            grid=1,
            budget=2500,
            volunteers=3,
            summary="把活动室一角改成读书角：两个书架、几把椅子，大家捐书共享。",
        ),
        everyone_but(n[1])[:5],
    )

    # rejected by the committee, with the reason shown to the author
    parking = _project(
        n[3],
        ctx,
        "地面停车位改成立体车库",
        "facilities",
        budget=1_200_000,
        summary="停车太难了，想把东边空地改成两层立体车库。",
    )
    _support(parking, everyone_but(n[3])[:5])
    projects.review_project(
        committee,
        parking,
        decision="reject",
        reason="预算远超社区微项目基金（单个项目上限 5 万元），且涉及规划审批，建议向街道反映。",
    )

    # withdrawn by its author before the vote
    projects.withdraw_project(
        n[5],
        _project(n[5], ctx, "小区门口摆放共享雨伞", "other", budget=300, summary="下雨天在门卫室放20把共享雨伞。"),
        reason="物业说他们下个月自己来做，就先撤回了。",
    )

    # voting, approved, rejected by vote, in progress, completed: decided by real polls
    garden = _accept(
        ctx,
        _project(
            n[2],
            ctx,
            "屋顶菜园",
            "environment",
            grid=1,
            budget=4500,
            volunteers=8,
            summary="在7号楼平台屋顶做20个种植箱，邻居认领，一起种菜种花。",
            body="需要种植箱、土和滴灌管。认领的邻居负责日常浇水，收获在社区开放日分享。",
        ),
        everyone_but(n[2])[:5],
    ).id
    meals = _accept(
        ctx,
        _project(
            n[4],
            ctx,
            "老年助餐点",
            "elderly_care",
            grid=0,
            budget=18000,
            volunteers=6,
            summary="在活动室开一个午间助餐点，和附近餐厅合作，给独居老人送热饭。",
        ),
        everyone_but(n[4])[:5],
    ).id
    paint = _accept(
        ctx,
        _project(
            n[6], ctx, "外墙彩绘", "culture", grid=2, budget=15000, summary="请美院学生在车棚外墙画一幅社区主题壁画。"
        ),
        everyone_but(n[6])[:5],
    ).id
    sorting = _accept(
        ctx,
        _project(
            n[0],
            ctx,
            "垃圾分类亭加装洗手池",
            "environment",
            grid=3,
            budget=2200,
            summary="投放完湿垃圾没地方洗手，在分类亭旁边接一个洗手池。",
        ),
        everyone_but(n[0])[:5],
    ).id
    voting_now = _accept(
        ctx,
        _project(
            resident,
            ctx,
            "健身器材区铺设塑胶地面",
            "safety",
            grid=0,
            budget=7800,
            summary="健身器材下面是水泥地，老人摔一跤很危险，铺一层塑胶地垫。",
        ),
        everyone_but(resident)[:5],
    ).id

    # Decided by real polls in the voting demo (backend/voting/demo.py), which then starts, builds and
    # completes the winners, as the community's vote would.
    ctx.projects = {"garden": garden, "meals": meals, "paint": paint, "sorting": sorting, "voting_now": voting_now}
