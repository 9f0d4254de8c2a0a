"""The cadre's commendations on their page (`cadres/cadre_detail.html`, which the cadres app
renders after its own access check; cadres cannot import evaluations, a template can load it)."""

from django import template

from cadres.models import Cadre
from evaluations.selectors import commendations_of

register = template.Library()


@register.inclusion_tag("evaluations/_cadre_commendations.html")
def cadre_commendations(cadre: Cadre) -> dict:
    return {"commendations": list(commendations_of(cadre))}
