from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from monographs.http import public_page

from . import views

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Sign in and out, and change a known password. No self-service reset by e-mail: accounts are issued by staff.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keep-alive/", views.keep_alive, name="keep_alive"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("monographs.screening.urls")),
    path("", include("monographs.urls")),
]

# The 403, 404 and 500 pages are Django's views with templates/403.html, 404.html and 500.html.
handler400 = "portal.errors.bad_request"
