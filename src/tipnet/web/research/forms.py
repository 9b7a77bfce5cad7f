"""The estimate form: a table uploaded (CSV or Excel) or an example picked, and the options."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipnet.web.research.examples import EXAMPLES

MAX_TABLE_BYTES = 2 * 1024 * 1024
METHOD_CHOICES = [
    ("stepwise", _("Stepwise, p < 0.02 (SparseMSE, Chan, Silverman & Vincent 2021)")),
    ("aic", _("Forward stepwise by AIC (Silverman 2014)")),
    ("bic", _("All hierarchical models by BIC (Silverman, Chan & Vincent 2024)")),
    ("latent", _("Latent classes, Bayesian (Manrique-Vallier 2016, as LCMCR)")),
]


class EstimateForm(forms.Form):
    table = forms.FileField(
        label=_("Capture table (CSV or Excel)"),
        required=False,
        help_text=_("One 0/1 column per list and a 'count' column; one row per combination of lists."),
    )
    example = forms.ChoiceField(
        label=_("Or use an example table"),
        required=False,
        choices=[("", "—")] + [(key, label) for key, label in EXAMPLES.items()],
    )
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES, initial="stepwise")
    nboot = forms.IntegerField(
        label=_("Bootstrap replicates"),
        min_value=0,
        max_value=5000,
        initial=1000,
        help_text=_("0 skips the BCa interval. 1,000 or more for published figures. Log-linear methods only: 0 for the latent method."),
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31 - 1, initial=1)
    compare = forms.BooleanField(
        label=_("Compare methods"),
        required=False,
        initial=True,
        help_text=_(
            "Also fit the latent-class model (or, for the latent method, the stepwise log-linear model) and show the estimates side by side, with a warning when people probably differ in how easy they are to find. Adds a few seconds."
        ),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("table")
        if not upload and not data.get("example"):
            raise forms.ValidationError(_("Upload a table or choose an example."))
        if upload and upload.size > MAX_TABLE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        if data.get("method") == "latent" and data.get("nboot"):
            # Refused, not ignored: a researcher who asked for replicates believes they were run.
            self.add_error(
                "nboot",
                _(
                    "The latent-class method does not use bootstrap replicates: its interval is a credible interval from the sampler. Set the replicates to 0, or choose a log-linear method."
                ),
            )
        return data
