from django.urls import path

from kesu.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>.<str:fmt>", views.report_file, name="report-file"),
]
