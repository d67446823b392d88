from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.reports.models import BusinessVolume


class BusinessVolumeForm(forms.ModelForm):
    class Meta:
        model = BusinessVolume
        fields = ["org_unit", "month", "volume"]

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month.day != 1:
            raise forms.ValidationError(_("Give the first day of the month."))
        return month


@admin.register(BusinessVolume)
class BusinessVolumeAdmin(admin.ModelAdmin):
    form = BusinessVolumeForm
    list_display = ["org_unit", "month", "volume"]
    list_filter = ["org_unit"]
