"""The golden vault (tests/sites/Field Notes) in a real browser: callouts fold without JavaScript, nested
tag pages link down and up, embeds show in place, task checkboxes cannot be ticked and inline tags lead to
their tag pages."""
import shutil
from pathlib import Path

import pytest

from browser import HANG_MS, _serve
from conceptsite.build import pipeline

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def vault_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vault-browser")
    with pytest.MonkeyPatch.context() as patch:  # the suite's own XDG_CACHE_HOME (conftest.py) comes back after
        patch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        shutil.copytree(HERE / "sites" / "Field Notes", folder / "Field Notes")
        pipeline.build(pipeline.Options(content=folder / "Field Notes", out=folder / "site"))
    server, served = _serve(folder / "site", "/")
    yield served
    server.shutdown()


@pytest.fixture
def no_js_tab(chromium):
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(HANG_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context()
    context.set_default_timeout(HANG_MS)
    yield context.new_page()
    context.close()


def test_a_folded_callout_opens_and_closes_without_javascript(no_js_tab, vault_site):
    tab = no_js_tab
    tab.goto(vault_site.url("concepts/learning-rate/"))
    callout = tab.locator("details.callout-warning")
    body = callout.locator(".callout-content")
    assert callout.get_attribute("open") is None and not body.is_visible()
    callout.locator("summary").click()
    body.wait_for(state="visible")
    assert callout.get_attribute("open") is not None
    callout.locator("summary").click()
    body.wait_for(state="hidden")
    tip = tab.locator("div.callout-tip")
    assert tip.locator(".callout-title").inner_text().endswith("A quick search") and tip.locator(".callout-content").is_visible()


def test_a_parent_tag_page_lists_its_children_and_a_child_links_up(no_js_tab, vault_site):
    tab = no_js_tab
    tab.goto(vault_site.url("tags/optimization/"))
    tab.get_by_role("link", name="#optimization/adaptive").first.click()
    tab.wait_for_url("**/tags/optimization/adaptive/")
    assert tab.get_by_role("link", name="Adam").count() >= 1
    tab.get_by_role("link", name="#optimization", exact=True).first.click()
    tab.wait_for_url("**/tags/optimization/")


def test_an_embedded_section_and_image_show_in_place_with_a_link_to_their_source(no_js_tab, vault_site):
    tab = no_js_tab
    tab.goto(vault_site.url("concepts/optimizers/momentum/"))
    embed = tab.locator(".embed")
    assert embed.locator(".embed-content").inner_text().startswith("In the optimizer")
    assert "Decoupled decay subtracts" in embed.inner_text() and embed.is_visible()
    image = tab.locator("img.embed-image")
    assert image.get_attribute("width") == "120" and image.evaluate("i => i.complete && i.naturalWidth > 0")
    embed.locator(".embed-source a").click()
    tab.wait_for_url("**/concepts/l2-penalty/#in-the-optimizer")


def test_task_checkboxes_cannot_be_ticked_and_an_inline_tag_leads_to_its_tag_page(tab, vault_site):
    tab.goto(vault_site.url("concepts/gradient-clipping/"))
    boxes = tab.locator("li.task > input[type=checkbox]")
    assert boxes.count() == 2
    for box, checked in zip(boxes.all(), (False, True)):
        assert box.is_disabled() and box.is_checked() == checked
        # Nothing covers the box (its margin puts it where a bullet would be), so a click reaches it: and changes
        # nothing; the same click on the box made enabled does tick it
        assert box.evaluate("b => { const r = b.getBoundingClientRect();"
                            " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b; }")
        box.click(force=True)  # (a click without force waits for the box to be enabled)
        assert box.is_checked() == checked
        box.evaluate("b => b.disabled = false")
        box.click()
        assert box.is_checked() != checked
    tag = tab.locator(".prose a.tag", has_text="#training/guards")
    assert tag.count() == 1
    tag.click()
    tab.wait_for_url("**/tags/training/guards/")
    listed = tab.locator(".items a.item-link", has_text="Gradient Clipping")
    assert tab.locator("h1").inner_text() == "#training/guards" and listed.count() == 1
    listed.click()
    tab.wait_for_url("**/concepts/gradient-clipping/")
