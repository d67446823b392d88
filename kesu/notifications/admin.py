from django import forms
from django.contrib import admin
from django.template import TemplateSyntaxError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kesu.core import clock
from kesu.core.masking import mask_email, mask_phone
from kesu.notifications.customer import check_template
from kesu.notifications.defaults import VARIABLES
from kesu.notifications.models import MessageTemplate, Notification, OutboundMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        # One's own notifications only: they name cases others may not see.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(recipient=request.user)

    def has_add_permission(self, request) -> bool:
        return False


class MessageTemplateForm(forms.ModelForm):
    """Refuses a template that would not render, naming the line Django complains about."""

    class Meta:
        model = MessageTemplate
        fields = ["kind", "language", "subject", "body", "sms_body", "is_active"]

    def _checked(self, name: str) -> str:
        value = self.cleaned_data[name]
        try:
            check_template(value)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(
                _("This template cannot be used: %(error)s") % {"error": error}
            ) from error
        return value

    def clean_subject(self):
        return self._checked("subject")

    def clean_body(self):
        return self._checked("body")

    def clean_sms_body(self):
        return self._checked("sms_body")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["kind", "language", "subject", "is_active"]
    list_filter = ["kind", "language", "is_active"]
    readonly_fields = ["variables"]

    @admin.display(description=_("variables"))
    def variables(self, obj=None) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{{{{ {} }}}}: {}",
            ((name, text) for name, text in VARIABLES.items()),
        )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "complaint",
        "kind",
        "channel",
        "masked_recipient",
        "state",
        "attempts",
        "last_error",
    ]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["complaint__number"]
    actions = ["retry_now"]
    exclude = ["recipient"]
    readonly_fields = [
        "complaint",
        "kind",
        "channel",
        "masked_recipient",
        "subject",
        "body",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "gateway_reference",
    ]

    @admin.display(description=_("to"))
    def masked_recipient(self, obj) -> str:
        if obj.channel == OutboundMessage.Channel.SMS:
            return mask_phone(obj.recipient)
        return mask_email(obj.recipient)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Try again now"))
    def retry_now(self, request, queryset):
        count = queryset.exclude(state=OutboundMessage.State.SENT).update(
            state=OutboundMessage.State.PENDING, next_attempt_at=clock.now()
        )
        from kesu.notifications.tasks import send_customer_messages_task

        send_customer_messages_task()
        self.message_user(request, _("%(count)s message(s) queued again.") % {"count": count})
