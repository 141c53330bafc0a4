"""Providers' colours live in pages.css (no inline style under the Content-Security-Policy);
they must match the brands the pages name."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.http.pages.providers import BRANDS

CSS = (Path(__file__).parents[2] / "src/entrypoints/http/static/pages.css").read_text()


@pytest.mark.parametrize("name", sorted(BRANDS))
def test_each_brand_has_its_colours_in_the_stylesheet(name: str) -> None:
    brand = BRANDS[name]
    rule = f".logo.brand-{name} {{ background: {brand.background}; color: {brand.foreground}; }}"
    assert rule in CSS
