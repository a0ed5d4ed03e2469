"""The 400 answer: why the request was refused, as JSON on the API's paths (like every other API error) and as the
site's page elsewhere. The 403, 404 and 500 pages are Django's own views with the site's templates."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.template import loader

from .middleware import ControlCharacters

API_PREFIX = "/api/"


def bad_request_message(exception: Exception) -> str:
    if isinstance(exception, ControlCharacters):
        return str(exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return f"The request is too large: send at most {limit:,} bytes ({limit / 1024 / 1024:.1f} MiB)."
    if isinstance(exception, TooManyFieldsSent):
        return f"The request has too many fields: send at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}."
    if isinstance(exception, TooManyFilesSent):
        return f"The request has too many files: send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,}."
    return "The request could not be understood."


def bad_request(request, exception):
    """handler400. Rendered without the request's context, as Django's own is: a refused request may carry a bad
    host or a body that cannot be read, and nothing on this page needs the session."""
    message = bad_request_message(exception)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"errors": {"__all__": [message]}}, status=400)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"message": message}))
