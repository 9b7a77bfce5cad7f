"""The estimate chart in the page's language (issue 11): the Noto font for Japanese, Chinese and
Thai (no missing glyphs, which matplotlib reports as warnings), the legend inside the picture,
and numbers grouped in the locale."""

from __future__ import annotations

import base64
import warnings

import pytest
from django.utils import translation

from tipnet.web.research.charts import font_families, totals_chart

RESULT = {"observed": 2744, "estimate": 11312.99, "ci_low": 9884.4, "ci_high": 13027.4,
          "bca_low": 9440.0, "bca_high": 15089.0}
LABELS = {
    "ja": {"observed": "少なくとも1つのリストで確認", "estimate": "推定総数",
           "ci": "モデル条件付き95%区間", "bca": "BCaブートストラップ95%区間"},
    "zh-hans": {"observed": "至少在一个名单上出现", "estimate": "估计总数",
                "ci": "模型条件下的95%区间", "bca": "BCa自助法95%区间"},
    "th": {"observed": "พบในรายชื่ออย่างน้อยหนึ่งรายการ", "estimate": "จำนวนรวมโดยประมาณ",
           "ci": "ช่วง 95% ตามแบบจำลอง", "bca": "ช่วงบูตสแตรป BCa 95%"},
    "en": {"observed": "Seen on at least one list", "estimate": "Estimated total",
           "ci": "Model-conditional 95% interval", "bca": "BCa bootstrap 95% interval"},
}


@pytest.mark.parametrize(("language", "family"), [("ja", "Noto Sans CJK JP"), ("zh-hans", "Noto Sans CJK SC"), ("th", "Noto Sans Thai")])
def test_the_noto_font_of_the_language_comes_first(language: str, family: str) -> None:
    families = font_families(language)
    if family not in families:
        pytest.fail(f"{family} is not installed: apt-get install fonts-noto-cjk fonts-noto-core")
    assert families[0] == family and families[-1] != family and "DejaVu Sans" in families


@pytest.mark.parametrize("language", ["ja", "zh-hans", "th", "en"])
@pytest.mark.parametrize("image_format", ["svg", "png"])
def test_no_glyph_is_missing(language: str, image_format: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with translation.override(language):
            uri = totals_chart(RESULT, labels=LABELS[language], image_format=image_format)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "findfont" in str(w.message)]
    assert missing == []
    assert uri.startswith(f"data:image/{'svg+xml' if image_format == 'svg' else 'png'};base64,")


def test_dejavu_alone_would_miss_the_glyphs() -> None:
    """The check above can fail: with matplotlib's default font the same labels warn."""
    import matplotlib
    from matplotlib import pyplot as plt

    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        figure, axes = plt.subplots()
        axes.set_title(LABELS["ja"]["estimate"])
        figure.canvas.draw()
        plt.close(figure)
    assert any("missing from" in str(w.message) for w in caught)


def svg_text(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_the_legend_is_inside_the_picture() -> None:
    from matplotlib import pyplot as plt

    seen = {}
    original = plt.Figure.savefig

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        renderer = self.canvas.get_renderer()
        legend = self.legends[0].get_window_extent(renderer)
        seen["inside"] = legend.x0 >= 0 and legend.y0 >= 0 and legend.x1 <= self.bbox.width and legend.y1 <= self.bbox.height
        return result

    plt.Figure.savefig = spy  # type: ignore[method-assign]
    try:
        with translation.override("th"):
            totals_chart(RESULT, labels=LABELS["th"])
    finally:
        plt.Figure.savefig = original  # type: ignore[method-assign]
    assert seen["inside"]


@pytest.mark.parametrize(("language", "grouped"), [("en", "11,313"), ("es", "11\xa0313"), ("zh-hans", "11,313"), ("ja", "11,313"), ("th", "11,313")])
def test_numbers_are_grouped_in_the_locale(language: str, grouped: str, settings) -> None:  # type: ignore[no-untyped-def]
    from matplotlib import pyplot as plt

    texts: list[str] = []
    original = plt.Figure.savefig

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        texts.extend(t.get_text() for t in self.axes[0].texts)
        texts.extend(t.get_text() for t in self.axes[0].get_xticklabels())
        return original(self, *args, **kwargs)

    plt.Figure.savefig = spy  # type: ignore[method-assign]
    try:
        with translation.override(language):
            totals_chart(RESULT, labels=LABELS["en"])
    finally:
        plt.Figure.savefig = original  # type: ignore[method-assign]
    assert grouped in texts
    assert "11313" not in " ".join(texts)


def test_a_degenerate_bca_draws_the_percentile_interval() -> None:
    result = {**RESULT, "bootstrap_interval": "percentile", "percentile_low": 8000.0, "percentile_high": 16000.0}
    with translation.override("en"):
        uri = totals_chart(result, labels={**LABELS["en"], "percentile": "Percentile bootstrap 95% interval"})
    assert uri.startswith("data:image/svg+xml")
