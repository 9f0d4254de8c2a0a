"""Placeholder views: the pages land in the next commits."""

from django.http import Http404


def registration_pdf(request, **kwargs):
    raise Http404


def self_assessment_pdf(request, **kwargs):
    raise Http404

