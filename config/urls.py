from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.api import api

admin.site.site_header = _("Kesu complaint handling")
admin.site.site_title = _("Kesu")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("kesu.intake.urls")),
    path("", include("kesu.quality.urls")),
    path("", include("kesu.reports.urls")),
    path("", include("kesu.web.urls")),
]
