"""The site's URLs: third-party apps, the API, then every cryoneuro app's own ``urls.py``
(found by cryoneuro.core.plugins, in INSTALLED_APPS order)."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cryoneuro.api.router import api
from cryoneuro.core.plugins import url_modules

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", api.urls),
    # One include per clinic app; each app owns its urls.py.
    *(path("", include(list(module.urlpatterns))) for module in url_modules()),
]
