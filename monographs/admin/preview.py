"""The editor's live preview: the sanitised HTML patients will see, with its readability."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from monographs.markdown import render_markdown
from monographs.readability import MIN_WORDS_TO_SCORE, measure

MAX_PREVIEW_CHARACTERS = 20_000


@require_POST
def markdown_preview(request, model_admin):
    if not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request):
        raise PermissionDenied
    text = request.POST.get("text", "")[:MAX_PREVIEW_CHARACTERS]
    figures = measure(text)
    return JsonResponse(
        {
            "html": render_markdown(text),
            "grade": figures.grade,
            "ease": figures.ease,
            "smog": figures.smog,
            "on_target": figures.on_target,
            "scored": figures.scorable,
            "words": figures.words,
            "min_words": MIN_WORDS_TO_SCORE,
        }
    )
