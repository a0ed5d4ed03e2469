"""The leaflet editor: an overview of a leaflet and its open draft, each part edited on a page of its own, and the
review steps (submit, approve, send back, discard, withdraw, roll back), the comparison, the preview and the
timeline. Every change is made on the draft through services.revisions; nothing here writes a live row."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from monographs.content_io.documents import monograph_document, normalise_document
from monographs.content_io.errors import ContentInvalid
from monographs.models import LeafletRevision, Medication, RevisionEvent, SectionKind
from monographs.revisions_diff import compare_documents
from monographs.services import revisions as workflow

from .leaflet_forms import (
    ApproveForm,
    DetailsForm,
    ReasonForm,
    SectionForm,
    SendBackForm,
    SubmitForm,
    UseForm,
    WarningForm,
)
from .leaflet_overview import PARTS, index, part_label, part_rows, removed_parts


class LeafletEditor:
    """The editor's views, bound to the medication admin (its site, permissions and templates)."""

    def __init__(self, model_admin):
        self.admin = model_admin

    def urls(self) -> list:
        view = self.admin.admin_site.admin_view
        name = "monographs_medication_leaflet"
        return [
            path("<int:pk>/leaflet/", view(self.overview), name=name),
            path("<int:pk>/leaflet/details/", view(self.details), name=f"{name}_details"),
            path("<int:pk>/leaflet/add/<str:table>/", view(self.part), name=f"{name}_add"),
            path("<int:pk>/leaflet/<str:table>/<str:key>/", view(self.part), name=f"{name}_part"),
            path("<int:pk>/leaflet-preview/", view(self.preview), name=f"{name}_preview"),
            path("<int:pk>/leaflet-compare/", view(self.compare), name=f"{name}_compare"),
            path("<int:pk>/leaflet-compare/<int:number>/", view(self.compare), name=f"{name}_compare"),
            path("<int:pk>/leaflet-history/", view(self.history), name=f"{name}_history"),
            path("<int:pk>/leaflet-step/<str:step>/", view(self.step), name=f"{name}_step"),
            path("<int:pk>/leaflet-rollback/<int:number>/", view(self.rollback), name=f"{name}_rollback"),
        ]

    # --- Shared --------------------------------------------------------------------------------------------------

    def _medication(self, request, pk: int, *, change: bool = False) -> Medication:
        medication = get_object_or_404(Medication, pk=pk)
        allowed = self.admin.has_change_permission if change else self.admin.has_view_permission
        if not allowed(request, medication):
            raise PermissionDenied
        return medication

    def _context(self, request, medication, **extra) -> dict:
        return {
            **self.admin.admin_site.each_context(request),
            "opts": Medication._meta,
            "medication": medication,
            "overview_url": reverse("admin:monographs_medication_leaflet", args=[medication.pk]),
            **extra,
        }

    def _render(self, request, template: str, context: dict, status: int = 200):
        return TemplateResponse(request, f"admin/monographs/leaflet/{template}", context, status=status)

    # --- Overview --------------------------------------------------------------------------------------------------

    def overview(self, request, pk: int):
        medication = self._medication(request, pk)
        draft = workflow.open_revision(medication)
        live = workflow.live_revision(medication)
        live_document = monograph_document(medication)
        document = draft.document if draft else live_document
        base = draft.base.document if draft and draft.base else (live_document if draft is None else None)
        context = self._context(
            request,
            medication,
            title=f"{medication.name}: leaflet",
            draft=draft,
            live=live,
            document=document,
            rows=part_rows(medication, document, base),
            removed=removed_parts(document, base),
            missing_kinds=[label for kind, label in SectionKind.choices if kind not in index(document, "section")],
            notice=workflow.editing_notice(draft, request.user),
            refusal=workflow.approval_refusal(draft, request.user) if draft else "",
            draft_problems=workflow.draft_errors(draft) if draft and draft.state == draft.State.DRAFT else [],
            can_change=self.admin.has_change_permission(request, medication),
            submit_form=SubmitForm(initial={"reason": draft.reason if draft else ""}),
            send_back_form=SendBackForm(),
            approve_form=ApproveForm(),
            reason_form=ReasonForm(),
            public=medication.status == Medication.Status.PUBLISHED and bool(live_document.get("section")),
        )
        return self._render(request, "overview.html", context)

    def details(self, request, pk: int):
        medication = self._medication(request, pk, change=True)
        draft = workflow.open_revision(medication)
        document = draft.document if draft else monograph_document(medication)
        part = {**document["medication"], "product": document.get("product", [])}
        slug_locked = (
            medication.status != Medication.Status.DRAFT
            or medication.revisions.filter(state=LeafletRevision.State.PUBLISHED).exists()
        )
        form = DetailsForm(request.POST or None, medication=medication, part=part, slug_locked=slug_locked)

        def apply(doc, new_part):
            doc["product"] = new_part.pop("product")
            doc["medication"] = {**doc["medication"], **new_part}
            return doc

        return self._edit(request, medication, draft, form, apply, "Details, names and products", "details")

    def part(self, request, pk: int, table: str, key: str | None = None):
        if table not in PARTS:
            raise Http404
        medication = self._medication(request, pk, change=True)
        draft = workflow.open_revision(medication)
        document = draft.document if draft else monograph_document(medication)
        existing = index(document, table)
        part = None
        if key is not None:
            part = existing.get(key)
            if part is None:
                raise Http404("No such part in this leaflet")
        form_class = {"section": SectionForm, "use": UseForm, "warning": WarningForm}[table]
        extra: dict = {"taken_kinds": set(existing)} if table == "section" else {}
        if table == "warning":
            extra["admin_site"] = self.admin.admin_site
        form = form_class(request.POST or None, medication=medication, part=part, **extra)
        list_key = PARTS[table][0]

        def apply(doc, new_part):
            parts = doc.setdefault(table, [])
            if key is None:
                parts.append(new_part)
            elif form.cleaned_data.get("remove"):
                doc[table] = [p for p in parts if p[list_key] != key]
            else:
                doc[table] = [new_part if p[list_key] == key else p for p in parts]
            return doc

        label = part_label(table, part)
        return self._edit(request, medication, draft, form, apply, label, table)

    def _edit(self, request, medication, draft, form, apply, label: str, table: str):
        loaded = request.POST.get("draft_version") if request.method == "POST" else (draft.version if draft else 0)
        if request.method == "POST" and form.is_valid():
            saved = self._save(request, medication, draft, form, apply, label, loaded)
            if saved:
                messages.success(request, f"Saved in the draft: {label}. The live leaflet is unchanged until approved.")
                return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[medication.pk]))
        context = self._context(
            request,
            medication,
            title=f"{medication.name}: {label}",
            form=form,
            draft=draft,
            draft_version=loaded,
            table=table,
            notice=workflow.editing_notice(draft, request.user),
            media=self.admin.media + form.media,
        )
        return self._render(request, "part_form.html", context, status=400 if form.is_bound else 200)

    def _save(self, request, medication, draft, form, apply, label, loaded) -> bool:
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                if draft is None:
                    draft = workflow.draft_start(medication=medication, user=request.user, reason=reason)
                    loaded = draft.version
                document = normalise_document(apply(copy.deepcopy(draft.document), form.to_part()))
                workflow.draft_edit(
                    revision=draft,
                    user=request.user,
                    document=document,
                    reason=reason,
                    part=label,
                    loaded_version=int(loaded),
                )
        except ContentInvalid as invalid:
            for error in invalid.errors:
                form.add_error(None, f"{error.where}: {error.message}" if error.where else error.message)
            return False
        except workflow.StaleDraft as stale:
            current = stale.revision
            when = timezone.localtime(current.last_edited_at) if current.last_edited_at else None
            form.add_error(
                None,
                f"Not saved: {workflow.user_name(current.last_edited_by)} saved this draft"
                + (f" at {when:%H:%M}" if when else "")
                + " after you opened it. Your text is still below: open the part again to see theirs, then reapply.",
            )
            return False
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else "The draft changed: open it again.")
            return False
        return True

    # --- Review steps -------------------------------------------------------------------------------------------------

    def step(self, request, pk: int, step: str):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[pk]))
        medication = self._medication(request, pk)
        draft = workflow.open_revision(medication)
        forms = {"submit": SubmitForm, "approve": ApproveForm, "send-back": SendBackForm, "discard": ReasonForm}
        forms["retire"] = ReasonForm
        if step not in forms:
            raise Http404
        form = forms[step](request.POST)
        if step != "retire" and draft is None:
            messages.error(request, "There is no open draft: it was published or discarded meanwhile.")
            return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[pk]))
        if form.is_valid():
            data = form.cleaned_data
            try:
                match step:
                    case "submit" if draft is not None:
                        workflow.draft_submit(revision=draft, user=request.user, reason=data["reason"])
                        done = "Submitted for review. Another pharmacist must approve it before it goes live."
                    case "approve" if draft is not None:
                        workflow.revision_approve(revision=draft, user=request.user, comment=data["comment"])
                        done = "Approved and published: the public page shows it within seconds."
                    case "send-back" if draft is not None:
                        workflow.draft_send_back(revision=draft, user=request.user, comment=data["comment"])
                        done = "Sent back to its author with your comment."
                    case "discard" if draft is not None:
                        workflow.draft_discard(revision=draft, user=request.user, reason=data["reason"])
                        done = "Draft discarded. The live leaflet is unchanged."
                    case "retire":
                        workflow.retire_request(medication=medication, user=request.user, reason=data["reason"])
                        done = "Withdrawal submitted: another pharmacist must approve it."
                    case _:
                        raise Http404
            except PermissionDenied as refusal:
                messages.error(request, str(refusal) or "You may not do this.")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, done)
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
        return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[pk]))

    def rollback(self, request, pk: int, number: int):
        medication = self._medication(request, pk, change=True)
        revision = get_object_or_404(LeafletRevision, medication=medication, number=number)
        if request.method == "POST":
            form = ReasonForm(request.POST)
            if form.is_valid():
                try:
                    workflow.revision_rollback(
                        medication=medication, revision=revision, user=request.user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request, f"A draft now holds revision {number}'s text. Submit it for review to publish it."
                    )
                    return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[pk]))
            else:
                for errors in form.errors.values():
                    messages.error(request, " ".join(str(error) for error in errors))
        return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet_history", args=[pk]))

    # --- Reading ------------------------------------------------------------------------------------------------------

    def compare(self, request, pk: int, number: int | None = None):
        medication = self._medication(request, pk)
        if number is None:
            newer = workflow.open_revision(medication)
            if newer is None:
                raise Http404("No open draft to compare")
        else:
            newer = get_object_or_404(LeafletRevision, medication=medication, number=number)
        older = newer.base or (
            medication.revisions.filter(state=LeafletRevision.State.PUBLISHED, number__lt=newer.number)
            .order_by("-number")
            .first()
        )
        diff = compare_documents(older.document if older else None, newer.document)
        context = self._context(
            request,
            medication,
            title=f"{medication.name}: what revision {newer.number} changes",
            diff=diff,
            newer=newer,
            older=older,
        )
        return self._render(request, "compare.html", context)

    def preview(self, request, pk: int):
        medication = self._medication(request, pk)
        draft = workflow.open_revision(medication)
        if draft is None:
            raise Http404("No open draft to preview")
        html, problems = "", []
        try:
            html = workflow.preview_html(draft)
        except ContentInvalid as invalid:
            problems = [f"{error.where}: {error.message}" if error.where else error.message for error in invalid.errors]
        context = self._context(
            request, medication, title=f"Preview of {medication.name}", draft=draft, html=html, problems=problems
        )
        return self._render(request, "preview.html", context)

    def history(self, request, pk: int):
        medication = self._medication(request, pk)
        revisions = list(
            medication.revisions.select_related("created_by", "submitted_by", "reviewed_by").order_by("-number")
        )
        events = (
            RevisionEvent.objects.filter(revision__medication=medication)
            .select_related("revision", "user")
            .order_by("-at", "-pk")
        )
        live = workflow.live_revision(medication)
        context = self._context(
            request,
            medication,
            title=f"{medication.name}: history",
            revisions=revisions,
            events=events,
            live=live,
            reason_form=ReasonForm(),
            can_change=self.admin.has_change_permission(request, medication),
            has_open=any(r.is_open for r in revisions),
        )
        return self._render(request, "history.html", context)
