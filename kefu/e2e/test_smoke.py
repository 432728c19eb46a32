"""The browser reaches a real `kefu serve`: the admin in Chinese, with its static files."""

from __future__ import annotations

from kefu.e2e.conftest import screenshot


def test_admin_login_in_chinese(kefu_server, new_page):
    password = (kefu_server.data_dir / "demo_admin_password").read_text().strip()
    page = new_page()
    page.goto(kefu_server.base + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(kefu_server.base + "/admin/")
    assert "kefu 管理后台" in page.title()
    # The admin's stylesheet came from granian's static route: the header is styled.
    color = page.eval_on_selector("#header", "el => getComputedStyle(el).backgroundColor")
    assert color not in ("", "rgba(0, 0, 0, 0)")
    screenshot(page, "admin")
