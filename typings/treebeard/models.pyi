from typing import TypeVar

from django.db import models

_N = TypeVar("_N", bound=Node)

class Node(models.Model):
    node_order_by: list[str]

    class Meta:
        abstract = True

class NodeManager(models.Manager[_N]): ...
