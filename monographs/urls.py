from django.urls import path

from . import views
from .http import public_page

# Every page here is public: the same for every anonymous visitor, so cached and validated (see http.py).
urlpatterns = [
    path("medicines/", public_page(views.medication_list), name="medication_list"),
    path("medicines/<slug:slug>/", public_page(views.medication_detail), name="medication_detail"),
    path("conditions/", public_page(views.condition_list), name="condition_list"),
    path("conditions/<slug:slug>/", public_page(views.condition_detail), name="condition_detail"),
    path("search/", public_page(views.search), name="search"),
]
