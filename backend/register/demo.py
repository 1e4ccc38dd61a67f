"""Demo register for 阳光社区: a few households, imported through the services as the committee would."""

from __future__ import annotations

from backend.register import services

DEMO_CSV = """居民编号,姓名,楼栋,单元,房号,网格,性别,出生日期,电话,与户主关系,备注
R0001,吴桂英,3,1,101,1,女,1941-05-12,13900000101,户主,独居
R0002,李建国,3,1,102,1,男,1950-11-03,13900000102,户主,
R0003,王秀兰,3,1,102,1,女,1953-02-20,,配偶,
R0004,陈小明,5,2,301,2,男,1988-07-15,13900000103,户主,
R0005,赵玉珍,7,1,602,3,女,1944-09-30,,户主,行动不便
"""


def seed_register(ctx) -> None:
    committee = ctx.users["committee"]
    preview = services.preview_import(committee, ctx.community.id, DEMO_CSV.encode("utf-8"), file_name="demo.csv")
    services.confirm_import(committee, preview.id)
