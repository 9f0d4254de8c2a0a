"""Stub views: replaced as the pages land."""

from django.http import Http404


def feedback_request_create(request, pk):
    raise Http404


def feedback_form(request, token):
    raise Http404

