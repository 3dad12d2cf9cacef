from django.contrib import admin
from django.urls import path

from djproject import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", views.login_view),
    path("alogin/", views.alogin_view),
    path("login/next/", views.next_login_view),
    path("alogin/next/", views.anext_login_view),
    path("me/", views.me),
    path("pages/<path:rest>", views.page),
    path("password/", views.change_password),
    path("logout/", views.logout_view),
    path("api/", views.api),
    path("aapi/", views.aapi),
    path("strict/", views.strict),
    path("cbv/", views.TokenView.as_view()),
    path("acbv/", views.AsyncTokenView.as_view()),
]
