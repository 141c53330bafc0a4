"""The interactive API docs work with the network cut off: every asset comes from the service
itself, and the browser is refused anything else."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Route


async def test_the_api_docs_render_with_no_network(
    context: BrowserContext, live_server: str
) -> None:
    ours = urlsplit(live_server).netloc
    elsewhere: list[str] = []

    async def cut_off(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == ours:
            await route.continue_()
        else:
            elsewhere.append(url)
            await route.abort("internetdisconnected")

    await context.route("**/*", cut_off)
    page = await context.new_page()
    await page.set_viewport_size({"width": 1280, "height": 860})
    response = await page.goto("/docs")
    assert response is not None and response.ok
    assert urlsplit(page.url).path == "/schema/swagger"
    await page.locator(".swagger-ui .info .title").filter(has_text="Payments").wait_for()
    await page.get_by_text("/api/v1/orders/{order_id}/payments").first.wait_for()
    assert elsewhere == [], f"the docs asked for assets elsewhere: {elsewhere}"
