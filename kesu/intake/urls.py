from django.urls import path
from django.views.i18n import set_language

from kesu.intake import portal_views, views

urlpatterns = [
    path("portal/", portal_views.portal_home, name="portal-home"),
    path("portal/language/", set_language, name="portal-language"),
    path("portal/privacy/", portal_views.portal_privacy, name="portal-privacy"),
    path("portal/submit/", portal_views.portal_submit, name="portal-submit"),
    path("portal/submitted/<str:number>/", portal_views.portal_submitted, name="portal-submitted"),
    path("portal/track/", portal_views.portal_track, name="portal-track"),
    path("portal/cases/<str:number>/", portal_views.portal_case, name="portal-case"),
    path(
        "portal/cases/<str:number>/files/<int:attachment_id>/",
        portal_views.portal_file,
        name="portal-file",
    ),
    path(
        "portal/cases/<str:number>/<str:step>/",
        portal_views.portal_case_step,
        name="portal-case-step",
    ),
    path("intake/mail/", views.mail_queue, name="intake-mail"),
    path("intake/mail/<int:email_id>/", views.mail_detail, name="intake-mail-detail"),
    path("intake/mail/<int:email_id>/raw/", views.mail_raw, name="intake-mail-raw"),
    path("intake/referrals/", views.referral_upload, name="intake-referrals"),
]
