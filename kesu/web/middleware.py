from django.utils import translation


class UserLanguageMiddleware:
    """Activate the signed-in user's chosen language (中文/English), remembered per user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


class ApplicationErrorMiddleware:
    """A domain error that escapes a page view becomes its HTTP answer, here and only here:
    NotFound → 404, PermissionDenied → 403, anything else refused → 409 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404
        from django.shortcuts import render

        from kesu.core.errors import ApplicationError, NotFound, PermissionDenied

        if request.path.startswith("/api/"):
            return None  # the API maps its own errors (config/api.py)
        if isinstance(exception, NotFound):
            raise Http404(exception.detail)
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(exception.detail)
        if isinstance(exception, ApplicationError):
            return render(request, "web/refused.html", {"error": exception}, status=409)
        return None
