"""`POST /api/v1/auth/token/`: a token for scripts, with the TOTP code where two factors are required."""

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .schema import ERROR


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True)


def otp_matches(user: Any, code: str) -> bool:
    """True when `code` is the current code of one of the user's confirmed TOTP devices."""
    return any(device.verify_token(code) for device in devices_for_user(user, confirmed=True))


class TokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: ERROR,  # the account is locked after repeated failures
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            return Response(
                {"detail": _("ユーザー名またはパスワードが正しくありません。"), "errors": {}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if settings.PORTAL_REQUIRE_2FA and user.needs_two_factor:
            code = data.get("otp") or ""
            if not code:
                return Response(
                    {"detail": _("2要素認証の確認コードが必要です。"), "errors": {"otp": [_("必須です。")]}},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if not otp_matches(user, code):
                return Response(
                    {"detail": _("確認コードが正しくありません。"), "errors": {"otp": [_("正しくありません。")]}},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
