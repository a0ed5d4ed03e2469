from django.urls import path

from . import api, views

urlpatterns = [
    path("screening/", views.screening_form, name="screening_form"),
    path("screening/<uuid:pk>/", views.screening_result, name="screening_result"),
    path("screening/<uuid:pk>/rescreen/", views.screening_rescreen, name="screening_rescreen"),
    path("screening/<uuid:pk>/handout/", views.screening_handout, name="screening_handout"),
    path("api/screenings/", api.create_screening, name="api_screenings"),
]
