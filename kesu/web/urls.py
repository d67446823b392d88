from django.contrib.auth import views as auth_views
from django.urls import path

from kesu.complaints import views as complaint_views
from kesu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("language/", views.set_language, name="set-language"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("cases/", complaint_views.complaint_list, name="complaint-list"),
    path("cases/new/", complaint_views.complaint_register, name="complaint-register"),
    path("cases/lookup/customer/", complaint_views.customer_lookup, name="customer-lookup"),
    path("cases/inboxes/", complaint_views.inbox_count_list, name="complaint-inbox-counts"),
    path("cases/lookup/category/", complaint_views.category_suggestion, name="category-suggestion"),
    path("cases/<str:number>/", complaint_views.complaint_detail, name="complaint-detail"),
    path(
        "cases/<str:number>/files/", complaint_views.complaint_attach_file, name="complaint-attach"
    ),
    path(
        "cases/<str:number>/handling-form.pdf",
        complaint_views.complaint_handling_form,
        name="complaint-handling-form",
    ),
    path(
        "cases/<str:number>/files/<int:attachment_id>/",
        complaint_views.complaint_file,
        name="complaint-file",
    ),
    path("cases/<str:number>/<str:action>/", complaint_views.complaint_act, name="complaint-act"),
]
