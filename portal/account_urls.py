from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", accounts.two_factor, name="two-factor"),
    path("members/", accounts.member_list, name="member-list"),
    path("members/invite/", accounts.member_invite, name="member-invite"),
    path("members/<int:pk>/deactivate/", accounts.member_deactivate, name="member-deactivate"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="portal/accounts/password_reset.html",
            email_template_name="portal/email/password_reset.txt",
            subject_template_name="portal/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="portal/accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
