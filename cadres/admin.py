"""Platform admin: creates tenants. Tenant data (units, cadres) is reached only through
the app's scoped pages, never through this admin."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cadres.models import Breach, Tenant
from cadres.services.units import tenant_create


class TenantCreateForm(forms.ModelForm):
    root_code = forms.CharField(label=_("Root unit code"), max_length=40)

    class Meta:
        model = Tenant
        fields = ["name", "slug"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TenantCreateForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = tenant_create(
            name=form.cleaned_data["name"], slug=form.cleaned_data["slug"],
            root_code=form.cleaned_data["root_code"], acting_user=request.user,
        )
        obj.pk, obj.created_at = created.pk, created.created_at

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin):
    """Every tenant's breach register, and platform-wide incidents (no tenant)."""

    list_display = ["title", "tenant", "detected_at", "people_affected", "notified_at"]
    list_filter = ["tenant"]
    exclude = ["recorded_by"]
