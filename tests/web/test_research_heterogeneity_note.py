"""The heterogeneity warning's new reasons on the research page (issue 15), and old saved runs."""

from __future__ import annotations

from django.utils.translation import override

from tipnet.web.research.notes import translate_note


def _note(**params):  # type: ignore[no-untyped-def]
    base = {"loglinear": 2219, "latent": None, "chao": 2400, "percent": 8, "below_latent": False,
            "below_chao": False, "more_overlap": False, "below_chao_replicates": False,
            "darroch_p": None, "chao_share": None}
    return {"code": "heterogeneity", "message": "core's English", "params": {**base, **params}}


def test_each_reason_is_named() -> None:
    with override("en"):
        text = translate_note(_note(more_overlap=True, darroch_p=0.0012, below_chao_replicates=True, chao_share=0.934))
    assert "2,219" in text and "p = 0.001" in text and "Darroch" in text
    assert "in 93% of the bootstrap replicates" in text and "2,400" in text
    assert "No method can fully correct for this" in text
    with override("en"):
        only = translate_note(_note(more_overlap=True, darroch_p=0.01))
    assert "bootstrap replicates" not in only and "Darroch" in only


def test_a_run_saved_before_the_new_signs_reads_as_before() -> None:
    old = {"code": "heterogeneity", "message": "x",
           "params": {"loglinear": 2000, "latent": 2500, "chao": 2100, "percent": 25,
                      "below_latent": True, "below_chao": False}}
    with override("en"):
        text = translate_note(old)
    assert "wholly below the latent-class interval (estimate 2,500)" in text and "Darroch" not in text
