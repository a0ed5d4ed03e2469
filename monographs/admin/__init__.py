"""The pharmacists' workplace: every word patients read and every rule the screening engine applies.

Every save goes through the content services (monographs.services): versioned (a stale form is refused, never
silently applied), recorded in history with the editor's reason, and the leaflets it touches rendered again after
the commit. Publishing needs its own permission and stamps the review dates.

- base.py: what every content admin shares (saves through the services, conflicts and refusals shown)
- forms.py: versioned forms, the reason for a change, the publish check
- inlines.py: a medication's parts on its page
- medication.py: the medications list (leaflets and catalogue entries), a catalogue entry's form, the preview URL
- leaflet_editor.py, leaflet_forms.py: a leaflet's overview, one page per part, review, compare, preview, history
- content.py: warnings, conditions, drug classes and sources
- preview.py: the Markdown live preview
- widgets.py: fields and widgets that reuse what the page loaded; the readability badge
- screening.py: screening records, read-only, for superusers only
"""

from django.contrib import admin

from . import content, medication, screening

admin.site.site_header = "Medicines portal — content"
admin.site.site_title = "Medicines portal — content"
admin.site.index_title = "Leaflets, warnings and sources"

__all__ = ["content", "medication", "screening"]
