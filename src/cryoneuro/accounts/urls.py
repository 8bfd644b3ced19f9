"""Staff account pages (included at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/accounts/", views.account_list, name="account_list"),
    path("staff/accounts/<int:user_id>/toggle/", views.account_toggle, name="account_toggle"),
    path("staff/accounts/<int:user_id>/unlock/", views.account_unlock_view, name="account_unlock"),
]
