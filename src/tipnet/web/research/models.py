"""A saved estimate: the capture table (counts only, never people), the options and the result."""

from __future__ import annotations

from django.db import models

from tipnet.web.accounts.models import Organisation, User


class EstimateRun(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="estimate_runs")
    title = models.CharField(max_length=200)
    table_csv = models.TextField()
    method = models.CharField(max_length=16)
    nboot = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    result = models.JSONField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-created_at"]
