from django.urls import path

from . import views

urlpatterns = [
    path("medicines/", views.medication_list, name="medication_list"),
    path("medicines/<slug:slug>/", views.medication_detail, name="medication_detail"),
    path("conditions/", views.condition_list, name="condition_list"),
    path("conditions/<slug:slug>/", views.condition_detail, name="condition_detail"),
    path("search/", views.search, name="search"),
]
