"""The admin's complaint pages. The record is read-only here: registration and every step go
through the same services as the API, so the timeline records them alike."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from kesu.complaints.access import complaint_scope_q
from kesu.complaints.admin_forms import ComplaintActionForm, ComplaintReceiveForm, PresetLoadForm
from kesu.complaints.forms import show_refusal
from kesu.complaints.models import Category, Complaint, ComplaintEvent
from kesu.complaints.selectors import complaint_actions_for_user
from kesu.complaints.services import complaint_perform, complaint_receive, preset_load
from kesu.core.errors import ApplicationError

# The admin's action form takes every action's text in one box.
_TEXT_BOX = {"reason": "text", "solution": "text", "answer": "text", "note": "text"}


def _report(form, error: ApplicationError) -> None:
    show_refusal(form, error, aliases=_TEXT_BOX)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "preset", "is_active"]
    list_filter = ["preset", "is_active"]
    search_fields = ["code", "name", "name_en"]
    change_list_template = "admin/complaints/category_changelist.html"

    def get_urls(self):
        extra = [
            path(
                "load-preset/",
                self.admin_site.admin_view(self.load_preset_view),
                name="complaints_category_load_preset",
            )
        ]
        return extra + super().get_urls()

    def load_preset_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = PresetLoadForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            counts = preset_load(name=form.cleaned_data["preset"])
            messages.success(
                request,
                _("Loaded %(categories)s categories and %(policies)s time-limit policies.")
                % counts,
            )
            return HttpResponseRedirect(reverse("admin:complaints_category_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Load a category preset"),
        }
        return TemplateResponse(request, "admin/complaints/form.html", context)


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    fields = [
        "sequence",
        "created_at",
        "type",
        "actor",
        "from_status",
        "to_status",
        "is_public",
        "message",
        "data",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["sequence"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "contact_name",
        "category",
        "severity",
        "risk",
        "org_unit",
        "owner",
        "received_at",
    ]
    list_filter = ["status", "kind", "channel", "severity", "risk"]
    search_fields = ["number", "contact_name", "contact_phone", "description"]
    date_hierarchy = "received_at"
    inlines = [ComplaintEventInline]
    change_form_template = "admin/complaints/complaint_change_form.html"
    list_select_related = ["category", "org_unit", "owner"]

    def get_queryset(self, request):
        # The admin shows the same cases as the API: the user's scope, no more.
        return super().get_queryset(request).filter(complaint_scope_q(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Complaint._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Complaints are records a regulator may ask for: they are never deleted.
        return False

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/act/",
                self.admin_site.admin_view(self.act_view),
                name="complaints_complaint_act",
            ),
        ]
        return extra + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ComplaintReceiveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                complaint = complaint_receive(actor=request.user, **form.service_arguments())
            except ApplicationError as error:
                _report(form, error)
            else:
                messages.success(
                    request, _("Registered %(number)s.") % {"number": complaint.number}
                )
                return HttpResponseRedirect(
                    reverse("admin:complaints_complaint_change", args=[complaint.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Register a case"),
        }
        return TemplateResponse(request, "admin/complaints/form.html", context)

    def act_view(self, request, pk: int):
        complaint = get_object_or_404(self.get_queryset(request), pk=pk)
        actions = complaint_actions_for_user(complaint=complaint, user=request.user)
        form = ComplaintActionForm(request.POST or None, actions=actions)
        if request.method == "POST" and form.is_valid():
            action, payload = form.payload()
            try:
                complaint_perform(
                    complaint=complaint, actor=request.user, action=action, payload=payload
                )
            except ApplicationError as error:
                _report(form, error)
            else:
                messages.success(request, _("Done."))
                return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Take an action on %(number)s") % {"number": complaint.number},
            "complaint": complaint,
        }
        return TemplateResponse(request, "admin/complaints/form.html", context)
