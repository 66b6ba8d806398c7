from ..auth.models import Plan
from ..auth.schemas import UserOut
from ..kit.pagination import PageOut
from ..kit.schemas import RequestModel


class UserPage(PageOut):
    items: list[UserOut]


class PlanChange(RequestModel):
    plan: Plan
