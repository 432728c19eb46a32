"""A visitor submits the public web form with an attachment; an agent finds the new
ticket in the workspace, opens it and sees the attachment."""

from __future__ import annotations

import re

from kefu.e2e.conftest import screenshot, sign_in_admin, ticket_number


def test_web_form_ticket_reaches_the_workspace(kefu_server, new_page, tmp_path):
    receipt = tmp_path / "发票截图.png"
    receipt.write_bytes(  # a 1x1 PNG: the upload is checked by content, not by name
        bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                      "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    visitor = new_page()
    visitor.goto(kefu_server.base + "/portal/new/")
    visitor.fill("input[name=name]", "王小明")
    visitor.fill("input[name=email]", "wang.xiaoming.e2e@example.com")
    visitor.fill("input[name=subject]", "发票抬头开错了，需要重开")
    visitor.select_option("select[name=category]", index=1)
    visitor.fill("textarea[name=description]", "您好，我上周的订单发票抬头写错了公司名称，麻烦重新开一张。")
    visitor.set_input_files("input[name=attachments]", str(receipt))
    screenshot(visitor, "portal-web-form")
    visitor.click("form button[type=submit]")
    visitor.wait_for_url(re.compile(r".*/portal/new/done/$"))
    number = ticket_number(visitor.content())

    agent = new_page()
    sign_in_admin(agent, kefu_server)
    # Auto-triage files it under 发票 and routing may hand it to an online agent of the
    # category's team before the agent looks: the "all" view has it either way.
    agent.goto(kefu_server.base + "/agent/views/all/")
    row = agent.locator("tr", has_text="发票抬头开错了")
    assert row.count() == 1 and f"#{number}" in row.inner_text()
    row.locator("a", has_text="发票抬头开错了").click()
    agent.wait_for_url(re.compile(r".*/agent/tickets/\d+/$"))
    assert "麻烦重新开一张" in agent.content()
    assert agent.locator("a", has_text="发票截图.png").count() >= 1
