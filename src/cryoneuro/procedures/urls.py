"""Pages of the procedures app (included at the site root by cryoneuro.site.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
