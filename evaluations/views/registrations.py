"""Placeholder views: the pages land in the next commits."""

from django.http import Http404


def registration_list(request, **kwargs):
    raise Http404


def registration_start(request, **kwargs):
    raise Http404


def registration_detail(request, **kwargs):
    raise Http404


def registration_edit(request, **kwargs):
    raise Http404


def registration_autosave(request, **kwargs):
    raise Http404


def registration_submit(request, **kwargs):
    raise Http404


def registration_amend(request, **kwargs):
    raise Http404


def registration_approve(request, **kwargs):
    raise Http404


def registration_return(request, **kwargs):
    raise Http404


def review_queue(request, **kwargs):
    raise Http404

