"""Shared pages: home, health check, the audit trail (included at the site root)."""

from django.urls import path

from . import audit, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("audit/", audit.audit_list, name="audit_list"),
]
