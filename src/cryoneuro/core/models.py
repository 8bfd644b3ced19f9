"""Abstract base models: the bookkeeping fields that clinic records share.

Used only where the field definitions are the same as before (so no migration changes a
column): a model whose fields say something else ("evaluated by", "planned at") keeps its
own definitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreatedAtModel(models.Model):
    """When the record was created (UTC, set once)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class CreatedModel(CreatedAtModel):
    """When and by whom the record was created (the account is kept: PROTECT)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        abstract = True
