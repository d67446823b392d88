from django.urls import path

from kesu.quality import views

urlpatterns = [
    path("quality/", views.action_list, name="quality-actions"),
    path("quality/actions/new/", views.action_new, name="quality-action-new"),
    path("quality/actions/<int:action_id>/", views.action_detail, name="quality-action"),
    path("quality/spot-checks/", views.spot_check_list, name="quality-spot-checks"),
    path("quality/spot-checks/<int:check_id>/", views.spot_check_detail, name="quality-spot-check"),
    path(
        "quality/checked/<int:checked_id>/",
        views.checked_case_review,
        name="quality-checked-review",
    ),
    path("quality/reviews/", views.quarterly_reviews, name="quality-reviews"),
    path("quality/performance/", views.staff_performance, name="quality-performance"),
]
