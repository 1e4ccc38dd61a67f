"""Surveys in the browser, under the real CSP: a resident answers the demo's household survey one question per
card (the required check speaks Chinese, a ranking is made with Up / Down), sees it answered and cannot answer
again; the committee writes a draft with the question builder, publishes it, and reads a closed survey's results
with a chart per question."""

from __future__ import annotations

import re

import pytest

from .helpers import open_app, ready, sign_in, use_chinese_without_care_mode
from .test_phone_defects import CSP_WATCH, NULLISH, call

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(new_context, new_page):
    strict = new_page(new_context(bypass_csp=False, service_workers="block"))
    strict.add_init_script(CSP_WATCH)
    return strict


def _survey_id(page, title: str) -> int:
    listed = call(page, "GET", "/api/v1/communities/1/surveys?limit=50")["body"]["items"]
    return next(s["id"] for s in listed if s["title"] == title)


def test_a_resident_answers_the_household_survey_one_question_at_a_time(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    survey_id = _survey_id(page, "2027 年社区服务需求调查")
    open_app(page, "/surveys")
    page.get_by_role("link", name=re.compile("2027 年社区服务需求调查")).click()
    ready(page)
    page.get_by_role("button", name="开始填写").click()
    page.get_by_text("第 1 题，共 5 题").wait_for()
    page.get_by_role("button", name="下一题").click()
    page.get_by_text("这道题必须回答。").wait_for()  # nothing was sent: the check is the page's own
    page.get_by_text("1 位", exact=True).click()
    page.get_by_role("button", name="下一题").click()
    page.get_by_text("老年助餐").click()
    page.get_by_text("健康义诊").click()
    page.get_by_role("button", name="下一题").click()
    page.get_by_role("button", name="4 分").click()
    page.get_by_role("button", name="下一题").click()
    page.get_by_role("button", name="把“小花园改造”上移").click()
    page.get_by_role("button", name="下一题").click()
    page.get_by_label("你的回答").fill("希望楼道灯换成感应灯。")
    page.get_by_role("button", name="检查并提交").click()
    page.get_by_text("检查你的回答").wait_for()
    assert "1. 加装电梯 2. 小花园改造 3. 增设停车位" in page.inner_text("main")  # the move was kept
    with page.expect_response(re.compile(rf"/api/v1/surveys/{survey_id}/responses$")) as sent:
        page.get_by_role("button", name="提交问卷").click()
    assert sent.value.status == 201
    page.get_by_text(re.compile("谢谢参与")).first.wait_for()
    text = page.inner_text("main")
    assert "开始填写" not in text and not NULLISH.search(text)
    again = call(page, "POST", f"/api/v1/surveys/{survey_id}/responses", {"answers": [{"question_id": 1, "option": 0}]})
    assert again["status"] == 409 and again["body"]["code"] == "already_responded"
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_committee_writes_publishes_and_reads_results(page):
    sign_in(page, "committee@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/surveys/new")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("请填写问卷标题。").wait_for()
    page.get_by_label("问卷标题").fill("电动车充电桩意见征集")
    page.get_by_label("题目内容").fill("您家是否需要充电桩？")
    page.get_by_label("选项").fill("需要\n不需要")
    with page.expect_response(re.compile(r"/api/v1/communities/1/surveys$")) as made:
        page.get_by_role("button", name="保存草稿").click()
    assert made.value.status == 201
    page.get_by_role("button", name="发布问卷").wait_for()
    with page.expect_response(re.compile(r"/open$")) as opened:
        page.get_by_role("button", name="发布问卷").click()
    assert opened.value.status == 200
    page.get_by_role("button", name="结束问卷").wait_for()
    closed_id = _survey_id(page, "垃圾分类满意度问卷")
    open_app(page, f"/surveys/{closed_id}/results")
    page.get_by_text("平均 3.9 分").wait_for()
    assert page.locator("figure.survey-chart").count() == 2
    assert page.get_by_role("button", name="举报").count() >= 1
    assert page.evaluate("window.__csp") == []
