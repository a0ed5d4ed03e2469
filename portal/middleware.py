"""Refusing what no page can use, before any view or cache sees it."""

from django.core.exceptions import BadRequest

from monographs.text import control_character, control_character_message


class ControlCharacters(BadRequest):
    """A query string held NUL or another control character (answered 400 by portal.errors)."""


class RefuseControlCharactersMiddleware:
    """A query string holding NUL or another control character (tab and line breaks aside), in a name or a value, is
    refused with a 400: no search, filter or autocomplete has a use for one, and PostgreSQL cannot even compare text
    with NUL (a search for "baclofen%00" was a 500). Posted text is the forms' business: they show the error next to
    its field and keep what was typed (Django's fields refuse NUL; monographs.text the other control characters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            for text in (name, *values):
                if found := control_character(text):
                    raise ControlCharacters(control_character_message(found))
        return self.get_response(request)
