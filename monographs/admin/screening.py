"""Screening records, read-only, for superusers only (ARCHITECTURE.md: a superuser sees everything; pharmacists see
no screening records, and a clinician sees their own on the screening pages, never here)."""

import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from monographs.models import ScreeningRecord

from .base import ChosenMedicationFilter, ReadOnlyAdmin

SHOWN = ("id", "created_at", "clinician", "medication", "flags", "answers_shown", "result_shown")


def _as_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


@admin.register(ScreeningRecord)
class ScreeningRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "medication", "clinician", "flag_count"]
    list_filter = [ChosenMedicationFilter, "created_at"]
    list_select_related = ["medication", "clinician"]
    search_fields = ["clinician__username", "medication__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # records only grow: one count per page
    actions = None
    fields = SHOWN
    readonly_fields = SHOWN

    # --- Superusers only, and nobody changes a record: it is a snapshot of what a clinician was shown. ----------------

    def _is_superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._is_superuser(request)

    # --- Columns and fields -------------------------------------------------------------------------------------------

    @admin.display(description="Flags")
    def flag_count(self, obj):
        return len(obj.result.get("flags", []))

    @admin.display(description="Flags shown")
    def flags(self, obj):
        shown = ((flag.get("severity", ""), flag.get("title", "")) for flag in obj.result.get("flags", []))
        return format_html_join("", "<p>{}: {}</p>", shown) or "None"

    @admin.display(description="Answers")
    def answers_shown(self, obj):
        return _as_json(obj.answers)

    @admin.display(description="Result as stored")
    def result_shown(self, obj):
        return _as_json(obj.result)
