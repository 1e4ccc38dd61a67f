"""Demo surveys of 阳光社区, built through the services: an open survey most neighbours have answered (张阿姨,
resident@demo.linli, has not yet, so the demo shows the answering screens), a closed one with public
results, and the committee's draft."""

from __future__ import annotations

from datetime import timedelta

from backend.core.db import utcnow
from backend.surveys import services as surveys

NEEDS = [
    {"kind": "single", "prompt": "您家里常住人口中有几位 60 岁以上的老人？", "options": ["没有", "1 位", "2 位及以上"]},
    {
        "kind": "multiple",
        "prompt": "您最希望社区增加哪些服务？（最多选 3 项）",
        "options": ["老年助餐", "四点半课堂", "家电维修", "健康义诊", "法律咨询"],
        "max_choices": 3,
    },
    {"kind": "scale", "prompt": "您对目前社区活动室的满意度（1 = 很不满意，5 = 很满意）"},
    {
        "kind": "ranking",
        "prompt": "请给以下改造项目排序（最想做的放第一）",
        "options": ["加装电梯", "增设停车位", "小花园改造"],
    },
    {"kind": "text", "prompt": "您还有什么想对居委会说的？", "required": False},
]
NEEDS_ANSWERS = [
    (1, [0, 3], 4, [0, 2, 1], "希望助餐点能送餐上门，腿脚不便的老人下不了楼。"),
    (0, [1, 2], 3, [1, 0, 2], "四点半课堂太需要了，双职工家庭接孩子很难。"),
    (2, [0, 3, 4], 2, [0, 1, 2], "活动室夏天太热，空调该修了。"),
    (1, [0], 5, [2, 0, 1], None),
    (0, [1, 4], 3, [1, 2, 0], "停车位晚上总是不够，能不能错时共享附近单位的车位？"),
    (2, [0, 3], 4, [0, 2, 1], "谢谢居委会，问卷很方便！"),
]

SORTING = [
    {"kind": "scale", "prompt": "您对小区垃圾分类督导的满意度"},
    {"kind": "single", "prompt": "定时定点投放的时间是否合适？", "options": ["合适", "早上太早", "晚上太早"]},
    {"kind": "text", "prompt": "对垃圾分类还有什么建议？", "required": False},
]
SORTING_ANSWERS = [
    (5, 0, "督导员很耐心。"),
    (4, 0, None),
    (3, 1, "早上七点前有的上班族赶不上。"),
    (4, 2, "晚上八点收桶太早了，建议延长到九点。"),
    (5, 0, None),
    (2, 1, "厨余垃圾桶旁边异味大，希望每天清洗。"),
    (4, 0, None),
]


def _answers(survey, values) -> list[dict]:
    fields = surveys.ANSWER_FIELD
    return [
        {"question_id": question.id, fields[question.kind]: value}
        for question, value in zip(survey.questions, values, strict=True)
        if value is not None
    ]


def seed_surveys(ctx) -> None:
    committee, cid = ctx.users["committee"], ctx.community.id
    needs = surveys.create_survey(
        committee,
        cid,
        title="2027 年社区服务需求调查",
        description="居委会正在编制明年的为民办实事项目清单，请每户花两分钟填写，匿名提交。",
        questions=NEEDS,
        eligibility="household",
        anonymous=True,
        results_public=True,
        closes_at=utcnow() + timedelta(days=10),
    )
    surveys.open_survey(committee, needs.id)
    for neighbour, values in zip(ctx.neighbours, NEEDS_ANSWERS, strict=False):
        surveys.submit_response(neighbour, needs.id, _answers(needs, values))

    sorting = surveys.create_survey(
        committee,
        cid,
        title="垃圾分类满意度问卷",
        description="垃圾分类推行一年了，请大家说说感受。",
        questions=SORTING,
        anonymous=True,
        results_public=True,
    )
    surveys.open_survey(committee, sorting.id)
    for neighbour, values in zip([*ctx.neighbours, ctx.users["resident"]], SORTING_ANSWERS, strict=False):
        surveys.submit_response(neighbour, sorting.id, _answers(sorting, values))
    surveys.close_survey(committee, sorting.id)

    surveys.create_survey(
        committee,
        cid,
        title="楼道堆物清理意见征集（草稿）",
        questions=[{"kind": "single", "prompt": "您是否同意统一清理楼道堆物？", "options": ["同意", "不同意"]}],
    )
