"""Placeholder views: the pages land in the next commits."""

from django.http import Http404


def cycle_list(request, **kwargs):
    raise Http404


def cycle_open(request, **kwargs):
    raise Http404


def cycle_edit(request, **kwargs):
    raise Http404


def cycle_close(request, **kwargs):
    raise Http404


def cycle_unit(request, **kwargs):
    raise Http404


def cycle_deadline_set(request, **kwargs):
    raise Http404


def deadline_extension_grant(request, **kwargs):
    raise Http404

