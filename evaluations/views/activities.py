"""Stub views: replaced as the pages land."""

from django.http import Http404


def activity_list(request):
    raise Http404


def activity_create(request):
    raise Http404


def activity_delete(request, pk):
    raise Http404


def activity_photo(request, pk):
    raise Http404


def initiative_create(request):
    raise Http404


def initiative_delete(request, pk):
    raise Http404


def initiative_document(request, pk):
    raise Http404

